import { describe, expect, it } from '@jest/globals';
import {
  evolve,
  indicatorProgress,
  initialProjectState,
  latestActual,
  type MeasurementCorrected,
  type MeasurementRecorded,
  type ProjectEvent,
  type ProjectState,
  rebuildProjectState,
} from '@app/domain';
import { cattleIndicatorDefined, historyIn, PROJECT_ID } from '../../../domain/src/projects/testing/project.fixtures.js';
import type { NotificationDraft } from '../notification.js';
import { notificationsFor, type RuleMemory } from '../rules/notification-rules.js';
import type { StoredProjectEvent } from '../rules/project-facts.js';
import { stored } from '../testing/replay.js';
import { needsWholeState, rememberedState } from './remembered-state.js';

const measured = (measurementId: string, value: number, date: string): MeasurementRecorded => ({
  type: 'MeasurementRecorded',
  data: { projectId: PROJECT_ID, indicatorId: 'ind-cattle', measurementId, value, date },
});
const corrected = (measurementId: string, correctsMeasurementId: string, value: number, date: string): MeasurementCorrected => ({
  type: 'MeasurementCorrected',
  data: { projectId: PROJECT_ID, indicatorId: 'ind-cattle', measurementId, correctsMeasurementId, value, date, reason: 'Miscounted.' },
});

/** Corrections of the latest actual (to an earlier and a later date) and of others, ties on a date. */
const history: ProjectEvent[] = [
  ...historyIn.implementation,
  cattleIndicatorDefined,
  measured('m1', 10, '2018-03-31'),
  measured('m2', 30, '2018-06-30'),
  measured('m3', 20, '2018-04-30'),
  corrected('c1', 'm2', 25, '2018-02-28'), // the latest corrected to an earlier date: m3 is the latest again
  measured('m4', 40, '2018-04-30'), // same date as m3, recorded later: the latest
  corrected('c2', 'm1', 60, '2018-12-31'), // not the latest, corrected to a later date: it becomes the latest
  corrected('c3', 'c2', 35, '2018-03-31'), // the latest corrected again, back to an earlier date: m4
  measured('m5', 90, '2018-01-31'), // earlier than the latest: progress unchanged
  corrected('c4', 'm3', 100, '2018-05-31'), // not the latest, corrected to a later date: it becomes the latest
  measured('m6', 70, '2018-05-31'), // same date as c4, recorded after m3 (which c4 corrects): the latest
  corrected('c5', 'm5', 95, '2018-05-31'), // m5, recorded before m6, corrected to m6's date: m6 stays the latest
  corrected('c6', 'm6', 71, '2018-05-31'), // the latest corrected on its own date: c6
];

/** The notifier's way: the remembered state, folded again from the history when `needsWholeState` says so. */
function replayRemembered(events: ProjectEvent[]): { states: ProjectState[]; drafts: NotificationDraft[]; refolds: number } {
  let state = initialProjectState;
  let memory: RuleMemory = { announcedThresholds: {} };
  const states: ProjectState[] = [];
  const drafts: NotificationDraft[] = [];
  let refolds = 0;
  for (const [index, event] of stored(events).entries()) {
    const domainEvent = { type: event.type, data: event.data } as ProjectEvent;
    if (needsWholeState(state, domainEvent)) {
      state = rebuildProjectState(events.slice(0, index));
      refolds++;
    }
    const after = evolve(state, domainEvent);
    const outcome = notificationsFor(event as StoredProjectEvent, state, after, memory);
    drafts.push(...outcome.drafts);
    memory = outcome.memory;
    state = rememberedState(after);
    states.push(state);
  }
  return { states, drafts, refolds };
}

function replayWhole(events: ProjectEvent[]): { states: ProjectState[]; drafts: NotificationDraft[] } {
  let state = initialProjectState;
  let memory: RuleMemory = { announcedThresholds: {} };
  const states: ProjectState[] = [];
  const drafts: NotificationDraft[] = [];
  for (const event of stored(events)) {
    const after = evolve(state, { type: event.type, data: event.data } as ProjectEvent);
    const outcome = notificationsFor(event as StoredProjectEvent, state, after, memory);
    drafts.push(...outcome.drafts);
    memory = outcome.memory;
    state = after;
    states.push(state);
  }
  return { states, drafts };
}

const cattle = (state: ProjectState) => (state.status === 'none' ? undefined : state.indicators['ind-cattle']);

describe('the state the notifier remembers', () => {
  it('keeps one measurement per indicator, its latest actual', () => {
    const whole = rebuildProjectState(history);
    const remembered = rememberedState(whole);
    expect(cattle(whole)!.measurements.length).toBeGreaterThan(5);
    expect(cattle(remembered)!.measurements).toEqual([latestActual(cattle(whole)!)]);
    expect(rememberedState(remembered)).toBe(remembered);
  });

  it('gives after every event the latest actual, progress and notifications the whole state gives', () => {
    const remembered = replayRemembered(history);
    const whole = replayWhole(history);
    remembered.states.forEach((state, index) => {
      const indicator = cattle(state);
      const expected = cattle(whole.states[index]!);
      expect([index, indicator && latestActual(indicator)]).toEqual([index, expected && latestActual(expected)]);
      expect([index, indicator && indicatorProgress(indicator)]).toEqual([index, expected && indicatorProgress(expected)]);
    });
    expect(remembered.drafts).toEqual(whole.drafts);
    expect(remembered.drafts.length).toBeGreaterThan(0);
  });

  it('asks for the whole state only when a correction names the measurement it kept or is dated on its day', () => {
    expect(replayRemembered(history).refolds).toBe(4);
  });
});
