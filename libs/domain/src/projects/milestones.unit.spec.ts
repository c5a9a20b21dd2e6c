import { describe, expect, it } from '@jest/globals';

import type { MilestoneReached, MilestoneWaived } from './project.events.js';
import {
  ComponentNotFound,
  DuplicateId,
  InvalidInput,
  MilestoneClosed,
  MilestoneNotFound,
  NotStarted,
  ProjectIsFinal,
  ReasonRequired,
} from './project.errors.js';
import { given } from './testing/given-when-then.js';
import {
  FINAL_STATUSES,
  OPEN_STATUSES,
  PROJECT_ID,
  STARTED_STATUSES,
  cattleComponentAdded,
  historyWithContentIn,
  projectProposed,
} from './testing/project.fixtures.js';

const handoverReached: MilestoneReached = {
  type: 'MilestoneReached',
  data: {
    projectId: PROJECT_ID,
    milestoneId: 'ms-handover',
    reachedOn: '2018-03-20',
    evidence: 'Handover record signed by the village head.',
    documentLinks: [],
  },
};
const handoverWaived: MilestoneWaived = {
  type: 'MilestoneWaived',
  data: { projectId: PROJECT_ID, milestoneId: 'ms-handover', reason: 'Handled by the county.' },
};

describe('PlanMilestone', () => {
  it.each(OPEN_STATUSES)('plans a milestone under a component of a %s project', (status) => {
    given(...historyWithContentIn(status))
      .when({
        type: 'PlanMilestone',
        data: {
          milestoneId: 'ms-shed',
          title: 'Cattle shed built',
          dueDate: '2017-12-31',
          componentId: 'cmp-cattle',
          description: 'A shared shed for 120 head.',
        },
      })
      .then({
        type: 'MilestonePlanned',
        data: {
          projectId: PROJECT_ID,
          milestoneId: 'ms-shed',
          title: 'Cattle shed built',
          dueDate: '2017-12-31',
          componentId: 'cmp-cattle',
          description: 'A shared shed for 120 head.',
        },
      });
  });

  it('plans a milestone outside any component', () => {
    given(projectProposed)
      .when({
        type: 'PlanMilestone',
        data: { milestoneId: 'ms-survey', title: 'Baseline survey', dueDate: '2017-02-28' },
      })
      .then({
        type: 'MilestonePlanned',
        data: { projectId: PROJECT_ID, milestoneId: 'ms-survey', title: 'Baseline survey', dueDate: '2017-02-28' },
      });
  });

  it('refuses an unknown component', () => {
    given(projectProposed, cattleComponentAdded)
      .when({
        type: 'PlanMilestone',
        data: { milestoneId: 'ms-looms', title: 'Looms delivered', dueDate: '2018-06-30', componentId: 'cmp-weaving' },
      })
      .thenThrows(ComponentNotFound, 'COMPONENT.NOT_FOUND', ['componentId']);
  });

  it('refuses a milestone id already used in the project', () => {
    given(...historyWithContentIn('approved'))
      .when({ type: 'PlanMilestone', data: { milestoneId: 'ms-handover', title: 'Again', dueDate: '2018-06-30' } })
      .thenThrows(DuplicateId, 'MILESTONE.ALREADY_EXISTS');
  });

  it.each(FINAL_STATUSES)('refuses a milestone on a %s project', (status) => {
    given(...historyWithContentIn(status))
      .when({ type: 'PlanMilestone', data: { milestoneId: 'ms-late', title: 'Late', dueDate: '2021-06-30' } })
      .thenThrows(ProjectIsFinal, 'PROJECT.FINAL');
  });
});

describe('ReachMilestone', () => {
  it.each(STARTED_STATUSES)('reaches a planned milestone of a %s project', (status) => {
    given(...historyWithContentIn(status))
      .when({
        type: 'ReachMilestone',
        data: {
          milestoneId: 'ms-handover',
          date: '2018-03-20',
          evidence: 'Handover record signed by the village head.',
          documentLinks: ['https://example.org/handover.pdf'],
        },
      })
      .then({
        type: 'MilestoneReached',
        data: { ...handoverReached.data, documentLinks: ['https://example.org/handover.pdf'] },
      });
  });

  it('records no document links as an empty list', () => {
    given(...historyWithContentIn('implementation'))
      .when({
        type: 'ReachMilestone',
        data: {
          milestoneId: 'ms-handover',
          date: '2018-03-20',
          evidence: 'Handover record signed by the village head.',
        },
      })
      .then(handoverReached);
  });

  it.each(['proposed', 'approved'] as const)('refuses a milestone of a %s project, not started yet', (status) => {
    const error = given(...historyWithContentIn(status))
      .when({ type: 'ReachMilestone', data: { milestoneId: 'ms-handover', date: '2017-02-01', evidence: 'Early.' } })
      .thenThrows(NotStarted, 'PROJECT.NOT_STARTED');
    expect(error.kind).toBe('conflict');
    expect(error.message).toBe(
      `A milestone can be reached only once the project has started; this project is still ${status}. Start it first.`,
    );
  });

  it.each(FINAL_STATUSES)('refuses a milestone of a %s project', (status) => {
    given(...historyWithContentIn(status))
      .when({ type: 'ReachMilestone', data: { milestoneId: 'ms-handover', date: '2021-01-10', evidence: 'Late.' } })
      .thenThrows(ProjectIsFinal, 'PROJECT.FINAL');
  });

  it('refuses an unknown milestone', () => {
    given(...historyWithContentIn('implementation'))
      .when({ type: 'ReachMilestone', data: { milestoneId: 'ms-looms', date: '2018-03-20', evidence: 'Looms.' } })
      .thenThrows(MilestoneNotFound, 'MILESTONE.NOT_FOUND');
  });

  it.each(['proposed', 'approved', 'closed'] as const)('refuses an unknown milestone of a %s project as not found, before its status', (status) => {
    for (const command of [
      { type: 'ReachMilestone', data: { milestoneId: 'ms-looms', date: '2017-02-01', evidence: 'Looms.' } },
      { type: 'RescheduleMilestone', data: { milestoneId: 'ms-looms', dueDate: '2018-05-31', reason: 'Late.' } },
      { type: 'WaiveMilestone', data: { milestoneId: 'ms-looms', reason: 'Not needed.' } },
    ] as const) {
      given(...historyWithContentIn(status)).when(command).thenThrows(MilestoneNotFound, 'MILESTONE.NOT_FOUND');
    }
  });

  it.each([
    ['reached', handoverReached],
    ['waived', handoverWaived],
  ] as const)('refuses a milestone already %s', (_status, settled) => {
    given(...historyWithContentIn('implementation'), settled)
      .when({ type: 'ReachMilestone', data: { milestoneId: 'ms-handover', date: '2018-04-01', evidence: 'Again.' } })
      .thenThrows(MilestoneClosed, 'MILESTONE.ALREADY_CLOSED');
  });
});

describe('RescheduleMilestone', () => {
  it.each(OPEN_STATUSES)('reschedules a planned milestone of a %s project', (status) => {
    given(...historyWithContentIn(status))
      .when({
        type: 'RescheduleMilestone',
        data: { milestoneId: 'ms-handover', dueDate: '2018-05-31', reason: 'Cattle purchase delayed.' },
      })
      .then({
        type: 'MilestoneRescheduled',
        data: {
          projectId: PROJECT_ID,
          milestoneId: 'ms-handover',
          previousDueDate: '2018-03-31',
          dueDate: '2018-05-31',
          reason: 'Cattle purchase delayed.',
        },
      });
  });

  it('names the due date it replaces, after an earlier rescheduling', () => {
    given(...historyWithContentIn('implementation'), {
      type: 'MilestoneRescheduled',
      data: {
        projectId: PROJECT_ID,
        milestoneId: 'ms-handover',
        previousDueDate: '2018-03-31',
        dueDate: '2018-05-31',
        reason: 'Cattle purchase delayed.',
      },
    })
      .when({
        type: 'RescheduleMilestone',
        data: { milestoneId: 'ms-handover', dueDate: '2018-03-31', reason: 'Back.' },
      })
      .then({
        type: 'MilestoneRescheduled',
        data: {
          projectId: PROJECT_ID,
          milestoneId: 'ms-handover',
          previousDueDate: '2018-05-31',
          dueDate: '2018-03-31',
          reason: 'Back.',
        },
      });
  });

  it('refuses the due date the milestone already has', () => {
    given(...historyWithContentIn('implementation'))
      .when({
        type: 'RescheduleMilestone',
        data: { milestoneId: 'ms-handover', dueDate: '2018-03-31', reason: 'Same.' },
      })
      .thenThrows(InvalidInput, 'MILESTONE.SAME_DUE_DATE', ['dueDate']);
  });

  it.each(['', '   '])('refuses a blank reason (%j)', (reason) => {
    given(...historyWithContentIn('implementation'))
      .when({ type: 'RescheduleMilestone', data: { milestoneId: 'ms-handover', dueDate: '2018-05-31', reason } })
      .thenThrows(ReasonRequired, 'PROJECT.REASON_REQUIRED', ['reason']);
  });

  it('refuses an unknown milestone', () => {
    given(...historyWithContentIn('implementation'))
      .when({ type: 'RescheduleMilestone', data: { milestoneId: 'ms-looms', dueDate: '2018-05-31', reason: 'Late.' } })
      .thenThrows(MilestoneNotFound, 'MILESTONE.NOT_FOUND');
  });

  it.each([
    ['reached', handoverReached],
    ['waived', handoverWaived],
  ] as const)('refuses a milestone already %s', (_status, settled) => {
    given(...historyWithContentIn('implementation'), settled)
      .when({
        type: 'RescheduleMilestone',
        data: { milestoneId: 'ms-handover', dueDate: '2018-05-31', reason: 'Late.' },
      })
      .thenThrows(MilestoneClosed, 'MILESTONE.ALREADY_CLOSED');
  });

  it.each(FINAL_STATUSES)('refuses a milestone of a %s project', (status) => {
    given(...historyWithContentIn(status))
      .when({
        type: 'RescheduleMilestone',
        data: { milestoneId: 'ms-handover', dueDate: '2021-05-31', reason: 'Late.' },
      })
      .thenThrows(ProjectIsFinal, 'PROJECT.FINAL');
  });
});

describe('WaiveMilestone', () => {
  it.each(OPEN_STATUSES)('waives a planned milestone of a %s project', (status) => {
    given(...historyWithContentIn(status))
      .when({ type: 'WaiveMilestone', data: { milestoneId: 'ms-handover', reason: 'Handled by the county.' } })
      .then(handoverWaived);
  });

  it.each(['', ' \t '])('refuses a blank reason (%j)', (reason) => {
    const error = given(...historyWithContentIn('implementation'))
      .when({ type: 'WaiveMilestone', data: { milestoneId: 'ms-handover', reason } })
      .thenThrows(ReasonRequired, 'PROJECT.REASON_REQUIRED', ['reason']);
    expect(error.message).toBe('A reason is required to waive a milestone.');
  });

  it('refuses an unknown milestone', () => {
    given(...historyWithContentIn('implementation'))
      .when({ type: 'WaiveMilestone', data: { milestoneId: 'ms-looms', reason: 'Not needed.' } })
      .thenThrows(MilestoneNotFound, 'MILESTONE.NOT_FOUND');
  });

  it.each([
    ['reached', handoverReached],
    ['waived', handoverWaived],
  ] as const)('refuses a milestone already %s', (_status, settled) => {
    given(...historyWithContentIn('implementation'), settled)
      .when({ type: 'WaiveMilestone', data: { milestoneId: 'ms-handover', reason: 'Not needed.' } })
      .thenThrows(MilestoneClosed, 'MILESTONE.ALREADY_CLOSED');
  });

  it.each(FINAL_STATUSES)('refuses a milestone of a %s project', (status) => {
    given(...historyWithContentIn(status))
      .when({ type: 'WaiveMilestone', data: { milestoneId: 'ms-handover', reason: 'Not needed.' } })
      .thenThrows(ProjectIsFinal, 'PROJECT.FINAL');
  });
});
