import { describe, expect, it } from '@jest/globals';

import type { ProjectCommand } from './project.commands.js';
import { decide, decisionContextAt } from './project.decider.js';
import { DateInFuture, InvalidTransition, LifecycleDateOutOfOrder } from './project.errors.js';
import type { ProjectEvent } from './project.events.js';
import { rebuildProjectState } from './project.evolve.js';
import { given } from './testing/given-when-then.js';
import {
  PROJECT_ID,
  cattleMeasured,
  handoverPlanned,
  historyIn,
  historyWithContentIn,
  projectResumed,
  projectSuspended,
} from './testing/project.fixtures.js';

/**
 * Actual dates (when something happened) are never later than today anywhere on earth, and lifecycle
 * steps never go back in time. Planned dates are free to lie ahead.
 */

/** The context of a command decided at noon UTC on `today`: 02:00 the next day in UTC+14. */
const on = (today: string) => decisionContextAt(new Date(`${today}T12:00:00Z`));
/** A day that is today in UTC, at noon: the next day is allowed (already today in UTC+14), the one after is not. */
const TODAY = on('2026-12-03');

describe('decisionContextAt', () => {
  it.each([
    ['2026-12-03T12:00:00Z', '2026-12-03', '2026-12-04'],
    ['2026-12-31T23:59:59.999Z', '2026-12-31', '2027-01-01'],
    ['2028-02-28T10:00:00Z', '2028-02-28', '2028-02-29'],
    ['2027-02-28T18:30:00Z', '2027-02-28', '2027-03-01'],
  ])('at %s: today (UTC) is %s, and the latest actual date %s, already today in UTC+14', (instant, today, latest) => {
    expect(decisionContextAt(new Date(instant))).toEqual({ today, latestActualDate: latest });
  });

  it('keeps the latest actual date at the UTC date until 10:00 UTC, when the day begins in UTC+14', () => {
    expect(decisionContextAt(new Date('2026-12-06T07:15:00Z'))).toEqual({ today: '2026-12-06', latestActualDate: '2026-12-06' });
    expect(decisionContextAt(new Date('2026-12-06T09:59:59.999Z')).latestActualDate).toBe('2026-12-06');
    expect(decisionContextAt(new Date('2026-12-06T10:00:00Z')).latestActualDate).toBe('2026-12-07');
    expect(decisionContextAt(new Date('2026-12-31T00:00:00Z'))).toEqual({ today: '2026-12-31', latestActualDate: '2026-12-31' });
  });
});

/** Each lifecycle command with the history it is allowed from (its previous step dated 2018-09-01 or earlier). */
const LIFECYCLE: [ProjectCommand['type'], ProjectEvent[], (date: string) => ProjectCommand][] = [
  ['ApproveProject', historyIn.proposed, (date) => ({ type: 'ApproveProject', data: { date } })],
  ['StartProject', historyIn.approved, (date) => ({ type: 'StartProject', data: { date } })],
  ['SuspendProject', historyIn.implementation, (date) => ({ type: 'SuspendProject', data: { date, reason: 'Floods.' } })],
  ['ResumeProject', historyIn.suspended, (date) => ({ type: 'ResumeProject', data: { date } })],
  ['FinaliseProject', historyIn.implementation, (date) => ({ type: 'FinaliseProject', data: { date } })],
  ['CloseProject', historyIn.finalisation, (date) => ({ type: 'CloseProject', data: { date } })],
  ['CancelProject', historyIn.suspended, (date) => ({ type: 'CancelProject', data: { date, reason: 'Funding ended.' } })],
];

describe('a lifecycle step dated in the future', () => {
  it.each(LIFECYCLE)('%s: accepted up to the day after today (UTC), which is today in UTC+14', (_type, history, command) => {
    expect(decide(command('2026-12-04'), rebuildProjectState(history), TODAY)).toHaveLength(1);
  });

  it.each(LIFECYCLE)('%s: refused two days ahead, and in 2150', (_type, history, command) => {
    for (const date of ['2026-12-05', '2150-01-01']) {
      const error = given(...history)
        .when(command(date), TODAY)
        .thenThrows(DateInFuture, 'PROJECT.DATE_IN_FUTURE', ['date']);
      expect(error.kind).toBe('invalid');
      expect(error.message).toContain(`(${date}) is in the future`);
      expect(error.message).toContain('2026-12-04 at the latest');
    }
  });

  it.each(LIFECYCLE)('%s: refused the day after today (UTC) before 10:00 UTC, when that day has begun nowhere yet', (_type, history, command) => {
    const morning = decisionContextAt(new Date('2026-12-03T07:15:00Z'));
    const error = given(...history).when(command('2026-12-04'), morning).thenThrows(DateInFuture, 'PROJECT.DATE_IN_FUTURE', ['date']);
    expect(error.message).toContain('2026-12-03 at the latest');
    expect(decide(command('2026-12-03'), rebuildProjectState(history), morning)).toHaveLength(1);
  });

  it('refuses the transition before the date', () => {
    given(...historyIn.closed)
      .when({ type: 'SuspendProject', data: { date: '2150-01-01', reason: 'Floods.' } }, TODAY)
      .thenThrows(InvalidTransition, 'PROJECT.INVALID_TRANSITION');
  });
});

describe('lifecycle steps in order', () => {
  it('refuses a start before the approval (2017-03-01)', () => {
    const error = given(...historyIn.approved)
      .when({ type: 'StartProject', data: { date: '2017-02-28' } })
      .thenThrows(LifecycleDateOutOfOrder, 'PROJECT.INVALID_DATES', ['date']);
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe(
      'Cannot start the project on 2017-02-28: it was approved on 2017-03-01, and a lifecycle step cannot be dated before the one before it.',
    );
  });

  it('refuses a suspension before the start (2017-06-01)', () => {
    const error = given(...historyIn.implementation)
      .when({ type: 'SuspendProject', data: { date: '2017-05-31', reason: 'Floods.' } })
      .thenThrows(LifecycleDateOutOfOrder, 'PROJECT.INVALID_DATES', ['date']);
    expect(error.message).toContain('it was started on 2017-06-01');
  });

  it('refuses a resumption before the suspension (2018-07-20)', () => {
    const error = given(...historyIn.suspended)
      .when({ type: 'ResumeProject', data: { date: '2018-07-19' } })
      .thenThrows(LifecycleDateOutOfOrder, 'PROJECT.INVALID_DATES', ['date']);
    expect(error.message).toContain('it was suspended on 2018-07-20');
  });

  it('refuses a second suspension before the last resumption (2018-09-01), though after the start', () => {
    const error = given(...historyIn.suspended, projectResumed)
      .when({ type: 'SuspendProject', data: { date: '2018-08-15', reason: 'Floods again.' } })
      .thenThrows(LifecycleDateOutOfOrder, 'PROJECT.INVALID_DATES', ['date']);
    expect(error.message).toContain('it was resumed on 2018-09-01');
  });

  it('refuses to finalise before the start, and before the last resumption', () => {
    given(...historyIn.implementation)
      .when({ type: 'FinaliseProject', data: { date: '2017-05-31' } })
      .thenThrows(LifecycleDateOutOfOrder, 'PROJECT.INVALID_DATES', ['date']);
    given(...historyIn.suspended, projectResumed)
      .when({ type: 'FinaliseProject', data: { date: '2018-08-31' } })
      .thenThrows(LifecycleDateOutOfOrder, 'PROJECT.INVALID_DATES', ['date']);
  });

  it('refuses to close before the end of implementation (2020-06-30)', () => {
    const error = given(...historyIn.finalisation)
      .when({ type: 'CloseProject', data: { date: '2020-06-29' } })
      .thenThrows(LifecycleDateOutOfOrder, 'PROJECT.INVALID_DATES', ['date']);
    expect(error.message).toContain('it was finalised on 2020-06-30');
  });

  it.each([
    ['approved', historyIn.approved, '2017-02-28'],
    ['implementation', historyIn.implementation, '2017-05-31'],
    ['suspended', historyIn.suspended, '2018-07-19'],
  ] as const)('refuses to cancel a %s project before the step that made it so', (_status, history, date) => {
    given(...history)
      .when({ type: 'CancelProject', data: { date, reason: 'Funding ended.' } })
      .thenThrows(LifecycleDateOutOfOrder, 'PROJECT.INVALID_DATES', ['date']);
  });

  it('cancels a proposed project on any past date: a proposal carries none', () => {
    given(...historyIn.proposed)
      .when({ type: 'CancelProject', data: { date: '2001-01-01', reason: 'Funding ended.' } })
      .then({ type: 'ProjectCancelled', data: { projectId: PROJECT_ID, date: '2001-01-01', reason: 'Funding ended.' } });
  });

  it('takes a step on the same day as the one before it', () => {
    given(...historyIn.suspended)
      .when({ type: 'ResumeProject', data: { date: projectSuspended.data.date } })
      .then({ type: 'ProjectResumed', data: { projectId: PROJECT_ID, date: projectSuspended.data.date } });
  });
});

describe('a milestone reached, a measurement or a correction dated in the future', () => {
  const history = [...historyWithContentIn('implementation'), cattleMeasured];
  const reach = (date: string): ProjectCommand => ({
    type: 'ReachMilestone',
    data: { milestoneId: 'ms-handover', date, evidence: 'Handover record.' },
  });
  const record = (date: string): ProjectCommand => ({
    type: 'RecordMeasurement',
    data: { indicatorId: 'ind-cattle', measurementId: 'msr-9', value: 80, date },
  });
  const correct = (date: string): ProjectCommand => ({
    type: 'CorrectMeasurement',
    data: { indicatorId: 'ind-cattle', measurementId: 'msr-9', correctsMeasurementId: 'msr-1', value: 58, date, reason: 'Miscounted.' },
  });

  it.each([
    ['ReachMilestone', reach],
    ['RecordMeasurement', record],
    ['CorrectMeasurement', correct],
  ] as const)('%s: refused after today in UTC+14, accepted on it', (_type, command) => {
    for (const date of ['2026-12-05', '2100-01-01', '2150-01-01']) {
      given(...history).when(command(date), TODAY).thenThrows(DateInFuture, 'PROJECT.DATE_IN_FUTURE', ['date']);
    }
    expect(decide(command('2026-12-04'), rebuildProjectState(history), TODAY)).toHaveLength(1);
  });

  it('corrects without a date a measurement dated as it was', () => {
    given(...history)
      .when(
        { type: 'CorrectMeasurement', data: { indicatorId: 'ind-cattle', measurementId: 'msr-9', correctsMeasurementId: 'msr-1', value: 58, reason: 'Miscounted.' } },
        on('2018-04-01'),
      )
      .then({
        type: 'MeasurementCorrected',
        data: {
          projectId: PROJECT_ID,
          indicatorId: 'ind-cattle',
          measurementId: 'msr-9',
          correctsMeasurementId: 'msr-1',
          value: 58,
          date: cattleMeasured.data.date,
          periodStart: cattleMeasured.data.periodStart,
          reason: 'Miscounted.',
        },
      });
  });

  it('accepts a milestone reached and a measurement dated before the project started (preparatory work, baselines)', () => {
    given(...history)
      .when(reach('2016-11-30'))
      .then({
        type: 'MilestoneReached',
        data: { projectId: PROJECT_ID, milestoneId: 'ms-handover', reachedOn: '2016-11-30', evidence: 'Handover record.', documentLinks: [] },
      });
    given(...history)
      .when(record('2016-11-30'))
      .then({
        type: 'MeasurementRecorded',
        data: { projectId: PROJECT_ID, indicatorId: 'ind-cattle', measurementId: 'msr-9', value: 80, date: '2016-11-30' },
      });
  });
});

describe('planned dates', () => {
  it('may lie in the future: a milestone due in 2150, an indicator target in 2150, a planned end in 2150', () => {
    given(...historyWithContentIn('implementation'))
      .when({ type: 'PlanMilestone', data: { milestoneId: 'ms-far', title: 'Far', dueDate: '2150-01-01' } }, TODAY)
      .then({ type: 'MilestonePlanned', data: { projectId: PROJECT_ID, milestoneId: 'ms-far', title: 'Far', dueDate: '2150-01-01' } });
    given(...historyWithContentIn('implementation'))
      .when(
        { type: 'RescheduleMilestone', data: { milestoneId: handoverPlanned.data.milestoneId, dueDate: '2150-01-01', reason: 'Later.' } },
        TODAY,
      )
      .then({
        type: 'MilestoneRescheduled',
        data: { projectId: PROJECT_ID, milestoneId: 'ms-handover', previousDueDate: '2018-03-31', dueDate: '2150-01-01', reason: 'Later.' },
      });
    const indicator: ProjectCommand = {
      type: 'DefineIndicator',
      data: { indicatorId: 'ind-far', title: 'Far', unit: 'people', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 9, date: '2150-01-01' } },
    };
    given(...historyWithContentIn('implementation'))
      .when(indicator, TODAY)
      .then({ type: 'IndicatorDefined', data: { projectId: PROJECT_ID, ...indicator.data } as never });
  });
});
