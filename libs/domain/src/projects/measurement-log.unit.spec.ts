import { describe, expect, it } from '@jest/globals';

import { measurementIdsOf } from './measurement-log.js';
import type { IndicatorTargetRevised, MeasurementCorrected, MeasurementRecorded, ProjectEvent } from './project.events.js';
import { evolve, rebuildProjectState } from './project.evolve.js';
import type { Indicator, ProjectState } from './project.state.js';
import { PROJECT_ID, historyWithContentIn, projectSuspended } from './testing/project.fixtures.js';

/**
 * Successive states share each indicator's measurements (measurement-log.ts). These specs hold the
 * states to what immutability promises: whatever is evolved from a state later, and in whatever order
 * the states are read, each state holds the measurements it was made with and no others.
 */

const recorded = (measurementId: string, value = 1): MeasurementRecorded => ({
  type: 'MeasurementRecorded',
  data: { projectId: PROJECT_ID, indicatorId: 'ind-cattle', measurementId, value, date: '2018-04-30' },
});

const corrected = (measurementId: string, correctsMeasurementId: string, value: number): MeasurementCorrected => ({
  type: 'MeasurementCorrected',
  data: { projectId: PROJECT_ID, indicatorId: 'ind-cattle', measurementId, correctsMeasurementId, value, date: '2018-04-30', reason: 'Recount.' },
});

const targetRevised: IndicatorTargetRevised = {
  type: 'IndicatorTargetRevised',
  data: {
    projectId: PROJECT_ID,
    indicatorId: 'ind-cattle',
    previousTarget: { value: 120, date: '2020-06-30' },
    target: { value: 150, date: '2019-12-31' },
    reason: 'More funds.',
  },
};

const started = (): ProjectState => rebuildProjectState(historyWithContentIn('implementation'));

function cattle(state: ProjectState): Indicator {
  if (state.status === 'none') throw new Error('no project');
  return state.indicators['ind-cattle']!;
}

const idsIn = (state: ProjectState): string[] => cattle(state).measurements.map((measurement) => measurement.measurementId);

describe('an indicator whose measurements later states share', () => {
  it('keeps its own measurements in every state of a history, however late each state is read', () => {
    const history: ProjectEvent[] = [
      ...historyWithContentIn('implementation'),
      recorded('msr-1'),
      recorded('msr-2'),
      corrected('msr-3', 'msr-1', 5),
      targetRevised,
      recorded('msr-4'),
      projectSuspended,
      recorded('msr-5'),
      corrected('msr-6', 'msr-5', 7),
    ];
    // Each state's JSON as it is made, from one run; then another run, read only once it has ended.
    const expected: string[] = [];
    history.reduce((state, event) => {
      const next = evolve(state, event);
      expected.push(JSON.stringify(next));
      return next;
    }, started());
    const states: ProjectState[] = [];
    history.reduce((state, event) => {
      const next = evolve(state, event);
      states.push(next);
      return next;
    }, started());

    expect(states.map((state) => JSON.stringify(state))).toEqual(expected);
    expect(idsIn(states[states.length - 1]!)).toEqual(['msr-1', 'msr-2', 'msr-3', 'msr-4', 'msr-5', 'msr-6']);
  });

  it('keeps its measurements when a later state records more, read before and after', () => {
    const first = evolve(started(), recorded('msr-1'));
    expect(idsIn(first)).toEqual(['msr-1']);
    const second = evolve(first, recorded('msr-2'));
    const third = evolve(second, recorded('msr-3'));

    expect(idsIn(first)).toEqual(['msr-1']);
    expect(idsIn(second)).toEqual(['msr-1', 'msr-2']);
    expect(idsIn(third)).toEqual(['msr-1', 'msr-2', 'msr-3']);
    expect([...measurementIdsOf(cattle(second))]).toEqual(['msr-1', 'msr-2']);
  });

  it('gives two states evolved from the same one each its own measurements, and leaves that one as it was', () => {
    const before = evolve(started(), recorded('msr-1'));
    const withX = evolve(before, recorded('msr-x'));
    const withY = evolve(before, recorded('msr-y'));
    const withXThenZ = evolve(withX, recorded('msr-z'));
    const withYThenW = evolve(withY, recorded('msr-w'));

    expect(idsIn(before)).toEqual(['msr-1']);
    expect(idsIn(withX)).toEqual(['msr-1', 'msr-x']);
    expect(idsIn(withY)).toEqual(['msr-1', 'msr-y']);
    expect(idsIn(withXThenZ)).toEqual(['msr-1', 'msr-x', 'msr-z']);
    expect(idsIn(withYThenW)).toEqual(['msr-1', 'msr-y', 'msr-w']);
    expect([...measurementIdsOf(cattle(before))]).toEqual(['msr-1']);
    expect([...measurementIdsOf(cattle(withY))]).toEqual(['msr-1', 'msr-y']);
    expect([...measurementIdsOf(cattle(withYThenW))]).toEqual(['msr-1', 'msr-y', 'msr-w']);
  });

  it('shows a measurement as superseded only in the states after its correction', () => {
    const recordedOnce = evolve(started(), recorded('msr-1', 60));
    const correctedOnce = evolve(recordedOnce, corrected('msr-2', 'msr-1', 58));
    const correctedElsewhere = evolve(recordedOnce, corrected('msr-3', 'msr-1', 59));

    expect(cattle(recordedOnce).measurements).toEqual([{ measurementId: 'msr-1', value: 60, date: '2018-04-30' }]);
    expect(cattle(correctedOnce).measurements[0]).toEqual({ measurementId: 'msr-1', value: 60, date: '2018-04-30', supersededBy: 'msr-2' });
    expect(cattle(correctedElsewhere).measurements[0]).toEqual({ measurementId: 'msr-1', value: 60, date: '2018-04-30', supersededBy: 'msr-3' });
    expect(idsIn(correctedOnce)).toEqual(['msr-1', 'msr-2']);
    expect([...measurementIdsOf(cattle(correctedOnce))]).toEqual(['msr-1', 'msr-2']);
    expect([...measurementIdsOf(cattle(recordedOnce))]).toEqual(['msr-1']);
  });

  it('keeps its measurements through a change of its target', () => {
    const recordedOnce = evolve(started(), recorded('msr-1'));
    const revised = evolve(recordedOnce, targetRevised);
    const recordedAfter = evolve(revised, recorded('msr-2'));

    expect(cattle(revised).target).toEqual({ value: 150, date: '2019-12-31' });
    expect(idsIn(revised)).toEqual(['msr-1']);
    expect(cattle(recordedAfter).target).toEqual({ value: 150, date: '2019-12-31' });
    expect(idsIn(recordedAfter)).toEqual(['msr-1', 'msr-2']);
    expect(cattle(recordedOnce).target).toEqual({ value: 120, date: '2020-06-30' });
    expect(idsIn(recordedOnce)).toEqual(['msr-1']);
  });

  it('never changes the array of a state read back from a snapshot (JSON)', () => {
    const snapshot = JSON.parse(JSON.stringify(evolve(started(), recorded('msr-1')))) as ProjectState;
    const array = cattle(snapshot).measurements;
    const next = evolve(evolve(snapshot, recorded('msr-2')), corrected('msr-3', 'msr-1', 2));

    expect(cattle(snapshot).measurements).toBe(array);
    expect(array).toEqual([{ measurementId: 'msr-1', value: 1, date: '2018-04-30' }]);
    expect(idsIn(next)).toEqual(['msr-1', 'msr-2', 'msr-3']);
    expect(cattle(next).measurements[0]!.supersededBy).toBe('msr-3');
  });

  it('reads as a plain record: the same array each time, and equal to one built by hand', () => {
    const state = evolve(evolve(started(), recorded('msr-1')), recorded('msr-2'));
    const indicator = cattle(state);

    expect(indicator.measurements).toBe(indicator.measurements);
    expect(Object.keys(indicator)).toContain('measurements');
    expect({ ...indicator }).toStrictEqual(JSON.parse(JSON.stringify(indicator)));
    expect(indicator).toStrictEqual({ ...indicator, measurements: [...indicator.measurements] });
  });
});
