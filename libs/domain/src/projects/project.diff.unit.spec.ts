import { describe, expect, it } from '@jest/globals';
import { diffProjectStates } from './project.diff.js';
import { rebuildProjectState } from './project.evolve.js';
import type { ProjectEvent } from './project.events.js';
import { initialProjectState } from './project.state.js';
import { projectApproved, projectProposed, projectStarted, projectSuspended } from './testing/project.fixtures.js';

const P = projectProposed.data.projectId;
const milestone: ProjectEvent = { type: 'MilestonePlanned', data: { projectId: P, milestoneId: 'm', title: 'Cattle handed over', dueDate: '2018-01-31' } };

describe('diffProjectStates', () => {
  it('lists a whole project from nothing', () => {
    const after = rebuildProjectState([projectProposed, projectApproved]);
    expect(diffProjectStates(initialProjectState, after).map((change) => change.type)).toEqual(['ProjectProposed', 'DateRecorded']);
  });

  it('names status changes with their reason, and milestone moves', () => {
    const base = [projectProposed, projectApproved, projectStarted, milestone];
    const before = rebuildProjectState(base);
    const after = rebuildProjectState([
      ...base,
      { type: 'MilestoneRescheduled', data: { projectId: P, milestoneId: 'm', previousDueDate: '2018-01-31', dueDate: '2018-03-31', reason: 'Rains' } },
      { type: 'MilestoneReached', data: { projectId: P, milestoneId: 'm', reachedOn: '2018-03-20', evidence: 'Handover record', documentLinks: [] } },
      projectSuspended,
    ]);
    expect(diffProjectStates(before, after)).toEqual([
      expect.objectContaining({ type: 'StatusChanged', from: 'implementation', to: 'suspended', reason: projectSuspended.data.reason }),
      expect.objectContaining({ type: 'MilestoneRescheduled', from: '2018-01-31', to: '2018-03-31' }),
      expect.objectContaining({ type: 'MilestoneReached', reachedOn: '2018-03-20', summary: 'Milestone reached: Cattle handed over, on 2018-03-20.' }),
    ]);
    expect(diffProjectStates(after, after)).toEqual([]);
  });

  it('names a revision of the planned dates, before and after, with its reason', () => {
    const base = [projectProposed, projectApproved, projectStarted];
    const after = rebuildProjectState([...base, { type: 'PlannedDatesRevised', data: { projectId: P, plannedEnd: '2021-06-30', reason: 'No-cost extension' } }]);
    expect(diffProjectStates(rebuildProjectState(base), after)).toEqual([
      {
        type: 'PlannedDatesRevised',
        from: { plannedStart: '2017-01-01', plannedEnd: '2020-12-31' },
        to: { plannedStart: '2017-01-01', plannedEnd: '2021-06-30' },
        reason: 'No-cost extension',
        summary: 'Planned dates revised from 2017-01-01 - 2020-12-31 to 2017-01-01 - 2021-06-30 (No-cost extension).',
      },
    ]);
  });
});
