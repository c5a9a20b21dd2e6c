import { describe, expect, it } from '@jest/globals';

import type { ProjectEvent } from './project.events.js';
import { rebuildProjectState } from './project.evolve.js';
import { DatesOutOfOrder, InvalidInput, PlannedDateSettled, ProjectIsFinal, ReasonRequired } from './project.errors.js';
import { given } from './testing/given-when-then.js';
import { FINAL_STATUSES, PROJECT_ID, historyIn, projectProposed } from './testing/project.fixtures.js';

const extension = 'A no-cost extension of six months agreed with the funder.';
/** The fixture project is planned from 2017-01-01 to 2020-12-31. */
const { plannedStart, plannedEnd } = projectProposed.data;
const proposedWithoutDates: ProjectEvent = {
  type: 'ProjectProposed',
  data: { ...projectProposed.data, plannedStart: undefined, plannedEnd: undefined },
};

describe('RevisePlannedDates', () => {
  it.each(['proposed', 'approved'] as const)('revises both planned dates of a %s project', (status) => {
    given(...historyIn[status])
      .when({ type: 'RevisePlannedDates', data: { plannedStart: '2017-09-01', plannedEnd: '2021-06-30', reason: extension } })
      .then({ type: 'PlannedDatesRevised', data: { projectId: PROJECT_ID, plannedStart: '2017-09-01', plannedEnd: '2021-06-30', reason: extension } });
  });

  it.each(['proposed', 'approved', 'implementation', 'suspended'] as const)('revises the planned end alone of a %s project', (status) => {
    given(...historyIn[status])
      .when({ type: 'RevisePlannedDates', data: { plannedEnd: '2021-06-30', reason: extension } })
      .then({ type: 'PlannedDatesRevised', data: { projectId: PROJECT_ID, plannedEnd: '2021-06-30', reason: extension } });
  });

  it('gives a planned start to a project proposed without one', () => {
    given(proposedWithoutDates)
      .when({ type: 'RevisePlannedDates', data: { plannedStart: '2017-09-01', reason: 'The funder fixed the start.' } })
      .then({ type: 'PlannedDatesRevised', data: { projectId: PROJECT_ID, plannedStart: '2017-09-01', reason: 'The funder fixed the start.' } });
  });

  it('leaves the date not given as it was, and keeps the reason in the state', () => {
    const state = rebuildProjectState([
      ...historyIn.implementation,
      { type: 'PlannedDatesRevised', data: { projectId: PROJECT_ID, plannedEnd: '2021-06-30', reason: extension } },
    ]);
    expect(state).toMatchObject({ plannedStart, plannedEnd: '2021-06-30', plannedDatesReason: extension, status: 'implementation' });
  });

  it.each(['implementation', 'suspended'] as const)('refuses to revise the planned start of a %s project (409, it started)', (status) => {
    const error = given(...historyIn[status])
      .when({ type: 'RevisePlannedDates', data: { plannedStart: '2017-02-01', plannedEnd: '2021-06-30', reason: extension } })
      .thenThrows(PlannedDateSettled, 'PROJECT.ALREADY_STARTED', ['plannedStart']);
    expect(error.kind).toBe('conflict');
    expect(error.message).toContain('it started on 2017-06-01');
  });

  it('refuses to revise the planned end of a finalised project (409, its work ended)', () => {
    const error = given(...historyIn.finalisation)
      .when({ type: 'RevisePlannedDates', data: { plannedEnd: '2021-06-30', reason: extension } })
      .thenThrows(PlannedDateSettled, 'PROJECT.ALREADY_ENDED', ['plannedEnd']);
    expect(error.kind).toBe('conflict');
    expect(error.message).toContain('2020-06-30');
    // The planned start too: the code says the work ended, whichever date was sent.
    given(...historyIn.finalisation)
      .when({ type: 'RevisePlannedDates', data: { plannedStart: '2017-02-01', reason: extension } })
      .thenThrows(PlannedDateSettled, 'PROJECT.ALREADY_ENDED', ['plannedStart']);
  });

  it.each(FINAL_STATUSES)('refuses any revision of a %s project as final', (status) => {
    given(...historyIn[status])
      .when({ type: 'RevisePlannedDates', data: { plannedEnd: '2021-06-30', reason: extension } })
      .thenThrows(ProjectIsFinal, 'PROJECT.FINAL');
  });

  it('refuses a revision that names neither date, naming both fields', () => {
    given(...historyIn.approved)
      .when({ type: 'RevisePlannedDates', data: { reason: extension } })
      .thenThrows(InvalidInput, 'PROJECT.PLANNED_DATES_REQUIRED', ['plannedStart', 'plannedEnd']);
  });

  it.each(['', '   '])('refuses a blank reason (%j)', (reason) => {
    given(...historyIn.approved)
      .when({ type: 'RevisePlannedDates', data: { plannedEnd: '2021-06-30', reason } })
      .thenThrows(ReasonRequired, 'PROJECT.REASON_REQUIRED', ['reason']);
  });

  it('refuses a revision to the dates the project already has', () => {
    given(...historyIn.approved)
      .when({ type: 'RevisePlannedDates', data: { plannedStart, plannedEnd, reason: extension } })
      .thenThrows(InvalidInput, 'PROJECT.SAME_PLANNED_DATES', ['plannedStart', 'plannedEnd']);
    given(...historyIn.implementation)
      .when({ type: 'RevisePlannedDates', data: { plannedEnd, reason: extension } })
      .thenThrows(InvalidInput, 'PROJECT.SAME_PLANNED_DATES', ['plannedEnd']);
  });

  it('accepts one date the same when the other changes', () => {
    given(...historyIn.approved)
      .when({ type: 'RevisePlannedDates', data: { plannedStart, plannedEnd: '2021-06-30', reason: extension } })
      .then({ type: 'PlannedDatesRevised', data: { projectId: PROJECT_ID, plannedStart, plannedEnd: '2021-06-30', reason: extension } });
  });

  it('refuses a planned end before the planned start given', () => {
    given(...historyIn.approved)
      .when({ type: 'RevisePlannedDates', data: { plannedStart: '2018-01-01', plannedEnd: '2017-12-31', reason: extension } })
      .thenThrows(DatesOutOfOrder, 'PROJECT.INVALID_DATES', ['plannedEnd']);
  });

  it('refuses a planned end before the current planned start', () => {
    const error = given(...historyIn.implementation)
      .when({ type: 'RevisePlannedDates', data: { plannedEnd: '2016-12-31', reason: extension } })
      .thenThrows(DatesOutOfOrder, 'PROJECT.INVALID_DATES', ['plannedEnd']);
    expect(error.message).toBe(`The planned end date 2016-12-31 is before the project's current planned start date ${plannedStart}.`);
  });

  it('refuses a planned start after the current planned end', () => {
    given(...historyIn.proposed)
      .when({ type: 'RevisePlannedDates', data: { plannedStart: '2021-01-01', reason: extension } })
      .thenThrows(DatesOutOfOrder, 'PROJECT.INVALID_DATES', ['plannedStart']);
  });

  it('accepts a planned end on the planned start', () => {
    given(...historyIn.proposed)
      .when({ type: 'RevisePlannedDates', data: { plannedEnd: plannedStart!, reason: extension } })
      .then({ type: 'PlannedDatesRevised', data: { projectId: PROJECT_ID, plannedEnd: plannedStart!, reason: extension } });
  });
});
