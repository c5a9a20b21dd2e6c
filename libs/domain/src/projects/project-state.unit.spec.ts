import { describe, expect, it } from '@jest/globals';

import type { ProjectCommand } from './project.commands.js';
import { decide } from './project.decider.js';
import type { MeasurementCorrected, MeasurementRecorded, ProjectEvent } from './project.events.js';
import { evolve, rebuildProjectState } from './project.evolve.js';
import {
  currentMeasurements,
  indicatorProgress,
  initialProjectState,
  isMilestoneOverdue,
  latestActual,
  progressShare,
  type Indicator,
  type Milestone,
  type ProjectState,
} from './project.state.js';
import {
  DECIDED_ON,
  PROJECT_ID,
  cattleComponentAdded,
  cattleIndicatorDefined,
  cattleMeasured,
  handoverPlanned,
  historyIn,
  historyWithContentIn,
  projectApproved,
  projectCancelled,
  projectProposed,
  projectResumed,
  projectStarted,
  projectSuspended,
  proposeProject,
} from './testing/project.fixtures.js';

const identity = {
  projectId: PROJECT_ID,
  code: proposeProject.data.code,
  title: proposeProject.data.title,
  description: proposeProject.data.description,
  country: 'LA',
  location: proposeProject.data.location,
  sector: '43040',
  participatingOrganisations: proposeProject.data.participatingOrganisations,
  plannedStart: '2017-01-01',
  plannedEnd: '2020-12-31',
};

const handover: Milestone = {
  id: 'ms-handover',
  title: 'Cattle handed over to the raising group',
  componentId: 'cmp-cattle',
  dueDate: '2018-03-31',
  status: 'planned',
  documentLinks: [],
  timesRescheduled: 0,
};

function project(state: ProjectState) {
  if (state.status === 'none') throw new Error('Expected a project');
  return state;
}

function measurement(id: string, value: number, date: string): MeasurementRecorded {
  return {
    type: 'MeasurementRecorded',
    data: { projectId: PROJECT_ID, indicatorId: 'ind-cattle', measurementId: id, value, date },
  };
}

function correction(id: string, corrects: string, value: number, date: string): MeasurementCorrected {
  return {
    type: 'MeasurementCorrected',
    data: {
      projectId: PROJECT_ID,
      indicatorId: 'ind-cattle',
      measurementId: id,
      correctsMeasurementId: corrects,
      value,
      date,
      reason: 'Recount.',
    },
  };
}

function cattleIndicatorAfter(...events: ProjectEvent[]): Indicator {
  return project(rebuildProjectState([...historyWithContentIn('implementation'), ...events])).indicators['ind-cattle']!;
}

describe('rebuildProjectState', () => {
  it('is the initial state for an empty stream', () => {
    expect(rebuildProjectState([])).toStrictEqual({ status: 'none' });
    expect(initialProjectState).toStrictEqual({ status: 'none' });
  });

  it('holds the identity and the content of a proposed project', () => {
    expect(
      rebuildProjectState([projectProposed, cattleComponentAdded, handoverPlanned, cattleIndicatorDefined]),
    ).toStrictEqual({
      status: 'proposed',
      ...identity,
      components: { 'cmp-cattle': { id: 'cmp-cattle', name: 'Cattle raising group', kind: 'industry' } },
      milestones: { 'ms-handover': handover },
      indicators: {
        'ind-cattle': {
          id: 'ind-cattle',
          title: 'Cattle distributed',
          unit: 'head',
          measure: 1,
          resultLevel: 1,
          baseline: { value: 0, date: '2017-01-01' },
          target: { value: 120, date: '2020-06-30' },
          componentId: 'cmp-cattle',
          measurements: [],
        },
      },
    });
  });

  it('records each lifecycle date as the project moves through its states', () => {
    const empty = { components: {}, milestones: {}, indicators: {} };
    expect(rebuildProjectState(historyIn.approved)).toStrictEqual({
      status: 'approved',
      ...identity,
      ...empty,
      approvedOn: '2017-03-01',
      statusSince: '2017-03-01',
    });
    expect(rebuildProjectState(historyIn.implementation)).toStrictEqual({
      status: 'implementation',
      ...identity,
      ...empty,
      approvedOn: '2017-03-01',
      actualStart: '2017-06-01',
      statusSince: '2017-06-01',
    });
    expect(rebuildProjectState(historyIn.suspended)).toStrictEqual({
      status: 'suspended',
      ...identity,
      ...empty,
      approvedOn: '2017-03-01',
      actualStart: '2017-06-01',
      lastReason: 'The access road was washed out by floods.',
      statusSince: '2018-07-20',
    });
    expect(rebuildProjectState(historyIn.finalisation)).toStrictEqual({
      status: 'finalisation',
      ...identity,
      ...empty,
      approvedOn: '2017-03-01',
      actualStart: '2017-06-01',
      actualEnd: '2020-06-30',
      statusSince: '2020-06-30',
    });
    expect(rebuildProjectState(historyIn.closed)).toStrictEqual({
      status: 'closed',
      ...identity,
      ...empty,
      approvedOn: '2017-03-01',
      actualStart: '2017-06-01',
      actualEnd: '2020-06-30',
      closedOn: '2020-12-31',
      statusSince: '2020-12-31',
    });
    expect(rebuildProjectState(historyIn.cancelled)).toStrictEqual({
      status: 'cancelled',
      ...identity,
      ...empty,
      cancelledOn: '2017-02-01',
      lastReason: 'Funding was withdrawn.',
      statusSince: '2017-02-01',
    });
  });

  it('dates the status from the step that brought the project to it: a resumption moves it on', () => {
    expect(rebuildProjectState(historyIn.proposed)).not.toHaveProperty('statusSince');
    const resumed = rebuildProjectState([...historyIn.suspended, projectResumed]);
    expect(resumed).toMatchObject({ status: 'implementation', actualStart: '2017-06-01', statusSince: '2018-09-01' });
  });

  it('keeps the reason of the latest lifecycle change only', () => {
    const resumedWithReason = { ...projectResumed, data: { ...projectResumed.data, reason: 'The road is repaired.' } };
    const suspended = historyIn.suspended;
    expect(project(rebuildProjectState([...suspended, resumedWithReason])).lastReason).toBe('The road is repaired.');
    expect(project(rebuildProjectState([...suspended, projectResumed]))).not.toHaveProperty('lastReason');
    expect(project(rebuildProjectState([...suspended, projectResumed])).status).toBe('implementation');
  });

  it('keeps the approval and start dates of a project cancelled during implementation', () => {
    const cancelled = { ...projectCancelled, data: { ...projectCancelled.data, date: '2019-01-15' } };
    expect(rebuildProjectState([...historyIn.suspended, cancelled])).toMatchObject({
      status: 'cancelled',
      approvedOn: '2017-03-01',
      actualStart: '2017-06-01',
      cancelledOn: '2019-01-15',
    });
  });

  it('follows a milestone through rescheduling and reaching', () => {
    const state = rebuildProjectState([
      ...historyWithContentIn('implementation'),
      {
        type: 'MilestoneRescheduled',
        data: {
          projectId: PROJECT_ID,
          milestoneId: 'ms-handover',
          previousDueDate: '2018-03-31',
          dueDate: '2018-04-30',
          reason: 'Late.',
        },
      },
      {
        type: 'MilestoneRescheduled',
        data: {
          projectId: PROJECT_ID,
          milestoneId: 'ms-handover',
          previousDueDate: '2018-04-30',
          dueDate: '2018-05-31',
          reason: 'Later.',
        },
      },
      {
        type: 'MilestoneReached',
        data: {
          projectId: PROJECT_ID,
          milestoneId: 'ms-handover',
          reachedOn: '2018-05-20',
          evidence: 'Handover record.',
          documentLinks: ['https://example.org/handover.pdf'],
        },
      },
    ]);
    expect(project(state).milestones['ms-handover']).toStrictEqual({
      ...handover,
      dueDate: '2018-05-31',
      timesRescheduled: 2,
      status: 'reached',
      reachedOn: '2018-05-20',
      evidence: 'Handover record.',
      documentLinks: ['https://example.org/handover.pdf'],
    });
  });

  it('records why a milestone was waived', () => {
    const state = rebuildProjectState([
      ...historyWithContentIn('implementation'),
      {
        type: 'MilestoneWaived',
        data: { projectId: PROJECT_ID, milestoneId: 'ms-handover', reason: 'Handled by the county.' },
      },
    ]);
    expect(project(state).milestones['ms-handover']).toStrictEqual({
      ...handover,
      status: 'waived',
      waiveReason: 'Handled by the county.',
    });
  });

  it('revises an indicator target', () => {
    const indicator = cattleIndicatorAfter({
      type: 'IndicatorTargetRevised',
      data: {
        projectId: PROJECT_ID,
        indicatorId: 'ind-cattle',
        previousTarget: { value: 120, date: '2020-06-30' },
        target: { value: 150 },
        reason: 'Extra funding.',
      },
    });
    expect(indicator.target).toStrictEqual({ value: 150 });
  });

  it('keeps every measurement in recording order and marks the superseded ones', () => {
    const indicator = cattleIndicatorAfter(
      cattleMeasured,
      measurement('msr-4', 80, '2018-06-30'),
      correction('msr-2', 'msr-1', 58, '2018-03-31'),
      correction('msr-3', 'msr-2', 59, '2018-03-31'),
    );
    expect(indicator.measurements).toStrictEqual([
      { measurementId: 'msr-1', value: 60, date: '2018-03-31', periodStart: '2018-01-01', supersededBy: 'msr-2' },
      { measurementId: 'msr-4', value: 80, date: '2018-06-30' },
      {
        measurementId: 'msr-2',
        value: 58,
        date: '2018-03-31',
        correctsMeasurementId: 'msr-1',
        reason: 'Recount.',
        supersededBy: 'msr-3',
      },
      { measurementId: 'msr-3', value: 59, date: '2018-03-31', correctsMeasurementId: 'msr-2', reason: 'Recount.' },
    ]);
    expect(currentMeasurements(indicator).map((m) => m.measurementId)).toEqual(['msr-4', 'msr-3']);
  });

  it('never modifies the state it is given', () => {
    const events: ProjectEvent[] = [
      ...historyWithContentIn('implementation'),
      cattleMeasured,
      correction('msr-2', 'msr-1', 58, '2018-03-31'),
      { type: 'MilestoneWaived', data: { projectId: PROJECT_ID, milestoneId: 'ms-handover', reason: 'Not needed.' } },
      projectSuspended,
      projectResumed,
    ];
    let state: ProjectState = initialProjectState;
    for (const event of events) {
      const before = JSON.stringify(state);
      state = evolve(deepFreeze(state), event);
      expect(JSON.stringify(state)).not.toBe(before);
    }
  });

  it('leaves the state as it is for an event that cannot apply to it', () => {
    const proposed = rebuildProjectState([projectProposed]);
    expect(evolve(proposed, projectStarted)).toBe(proposed);
    expect(evolve(initialProjectState, projectApproved)).toBe(initialProjectState);
    expect(evolve(initialProjectState, cattleComponentAdded)).toBe(initialProjectState);
    expect(
      evolve(proposed, {
        type: 'MilestoneWaived',
        data: { projectId: PROJECT_ID, milestoneId: 'ms-unknown', reason: 'Not needed.' },
      }),
    ).toStrictEqual(proposed);
  });

  it('throws on an event type it does not know', () => {
    expect(() => evolve(initialProjectState, { type: 'ProjectRenamed', data: {} } as unknown as ProjectEvent)).toThrow(
      'Unhandled project event ProjectRenamed',
    );
  });

  it('rebuilds the state that deciding and evolving command by command leaves', () => {
    const commands: ProjectCommand[] = [
      proposeProject,
      { type: 'AddComponent', data: { componentId: 'cmp-cattle', name: 'Cattle raising group', kind: 'industry' } },
      {
        type: 'DefineIndicator',
        data: {
          indicatorId: 'ind-cattle',
          title: 'Cattle distributed',
          unit: 'head',
          measure: 1,
          resultLevel: 1,
          baseline: { value: 0 },
          target: { value: 120 },
          componentId: 'cmp-cattle',
        },
      },
      { type: 'ApproveProject', data: { date: '2017-03-01' } },
      { type: 'StartProject', data: { date: '2017-06-01' } },
      {
        type: 'RecordMeasurement',
        data: { indicatorId: 'ind-cattle', measurementId: 'msr-1', value: 60, date: '2018-03-31', disaggregation: {} },
      },
      { type: 'FinaliseProject', data: { date: '2020-06-30' } },
      { type: 'CloseProject', data: { date: '2020-12-31', reason: 'Evaluation accepted.' } },
    ];
    const history: ProjectEvent[] = [];
    let state: ProjectState = initialProjectState;
    for (const command of commands) {
      const events = decide(command, state, DECIDED_ON);
      history.push(...events);
      state = events.reduce(evolve, state);
    }
    expect(rebuildProjectState(history)).toStrictEqual(state);
    expect(state).toMatchObject({ status: 'closed', closedOn: '2020-12-31', lastReason: 'Evaluation accepted.' });
    expect(project(state).indicators['ind-cattle']!.measurements).toStrictEqual([
      { measurementId: 'msr-1', value: 60, date: '2018-03-31', disaggregation: { unknown: 60 } },
    ]);
  });
});

describe('isMilestoneOverdue', () => {
  it.each<[string, Milestone, string, boolean]>([
    ['planned, due before today', handover, '2018-04-01', true],
    ['planned, due today', handover, '2018-03-31', false],
    ['planned, due after today', handover, '2018-03-01', false],
    ['reached after its due date', { ...handover, status: 'reached', reachedOn: '2018-04-15' }, '2018-05-01', false],
    ['waived', { ...handover, status: 'waived', waiveReason: 'Not needed.' }, '2018-05-01', false],
  ])('a milestone %s is overdue: %s', (_case, milestone, today, overdue) => {
    expect(isMilestoneOverdue(milestone, 'implementation', today)).toBe(overdue);
  });

  it('stays overdue while its project is suspended or being finalised, and is not once it is closed or cancelled', () => {
    for (const status of ['proposed', 'approved', 'suspended', 'finalisation']) expect(isMilestoneOverdue(handover, status, '2018-04-01')).toBe(true);
    for (const status of ['closed', 'cancelled']) expect(isMilestoneOverdue(handover, status, '2018-04-01')).toBe(false);
  });
});

describe('latestActual', () => {
  it('is null before any measurement', () => {
    expect(latestActual(cattleIndicatorAfter())).toBeNull();
  });

  it('is the measurement with the latest date, whatever the recording order', () => {
    const indicator = cattleIndicatorAfter(
      measurement('msr-2', 80, '2018-06-30'),
      measurement('msr-1', 60, '2018-03-31'),
    );
    expect(latestActual(indicator)).toStrictEqual({ measurementId: 'msr-2', value: 80, date: '2018-06-30' });
  });

  it('is the later recorded of two measurements on the same date', () => {
    const indicator = cattleIndicatorAfter(
      measurement('msr-1', 60, '2018-06-30'),
      measurement('msr-2', 70, '2018-06-30'),
    );
    expect(latestActual(indicator)?.measurementId).toBe('msr-2');
  });

  it('is the correction, not the value it replaced', () => {
    const indicator = cattleIndicatorAfter(
      measurement('msr-1', 60, '2018-06-30'),
      measurement('msr-2', 50, '2018-03-31'),
      correction('msr-3', 'msr-1', 58, '2018-06-30'),
    );
    expect(latestActual(indicator)?.measurementId).toBe('msr-3');
  });

  it('ranks a correction where the measurement it replaces ranked: correcting an older one does not make it the latest', () => {
    const indicator = cattleIndicatorAfter(
      measurement('msr-1', -3, '2020-06-30'),
      measurement('msr-2', 12.5, '2020-06-30'),
      correction('msr-3', 'msr-1', 3, '2020-06-30'),
    );
    expect(latestActual(indicator)?.measurementId).toBe('msr-2');
  });

  it('ranks a correction of a correction by the recording the chain began with', () => {
    const indicator = cattleIndicatorAfter(
      measurement('msr-1', 60, '2018-03-31'),
      measurement('msr-2', 70, '2018-06-30'),
      correction('msr-3', 'msr-2', 71, '2018-06-30'),
      correction('msr-4', 'msr-1', 62, '2018-06-30'),
      correction('msr-5', 'msr-4', 63, '2018-06-30'),
    );
    expect(latestActual(indicator)?.measurementId).toBe('msr-3');
  });

  it('moves back to an earlier date when the latest measurement is corrected to it', () => {
    const indicator = cattleIndicatorAfter(
      measurement('msr-1', 60, '2018-03-31'),
      measurement('msr-2', 80, '2019-06-30'),
      correction('msr-3', 'msr-2', 80, '2018-01-31'),
    );
    expect(latestActual(indicator)?.measurementId).toBe('msr-1');
  });
});

describe('indicatorProgress', () => {
  const indicator = (baseline: number, target: number, ...values: number[]): Indicator => ({
    id: 'ind',
    title: 'Indicator',
    unit: 'unit',
    measure: 1,
    resultLevel: 1,
    baseline: { value: baseline },
    target: { value: target },
    measurements: values.map((value, index) => ({ measurementId: `m${index}`, value, date: `2018-0${index + 1}-01` })),
  });

  it.each<[string, Indicator, number | null]>([
    ['nothing measured', indicator(0, 120), null],
    ['half way', indicator(0, 120, 60), 0.5],
    ['at the target', indicator(0, 120, 30, 120), 1],
    ['past the target', indicator(0, 120, 150), 1.25],
    ['still at the baseline', indicator(300, 600, 300), 0],
    ['moved away from the target', indicator(300, 600, 240), -0.2],
    ['half way down to a lower target', indicator(52, 10, 31), 0.5],
    ['target equal to the baseline', indicator(5, 5, 10), null],
  ])('with %s', (_case, subject, progress) => {
    expect(indicatorProgress(subject)).toBe(progress);
  });

  it('uses the latest current value, not a superseded one', () => {
    const subject = cattleIndicatorAfter(
      measurement('msr-1', 60, '2018-03-31'),
      correction('msr-2', 'msr-1', 90, '2018-03-31'),
    );
    expect(indicatorProgress(subject)).toBe(0.75);
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

describe('progressShare', () => {
  it('is the share of the way from baseline to target, beyond 1 past it and below 0 away from it, null without a way', () => {
    expect(progressShare(30, 0, 120)).toBe(0.25);
    expect(progressShare(150, 0, 120)).toBe(1.25);
    expect(progressShare(40, 50, 10)).toBe(0.25);
    expect(progressShare(7, 5, 5)).toBeNull();
  });

  it('holds a share too large for a number to the largest one, either way, so that JSON and the views keep it', () => {
    expect(progressShare(1e12, 0, 1e-300)).toBe(Number.MAX_VALUE);
    expect(progressShare(-1e12, 0, 1e-300)).toBe(-Number.MAX_VALUE);
    expect(JSON.stringify({ progress: progressShare(1e12, 0, 1e-300) })).not.toContain('null');
  });
});
