import { describe, expect, it } from '@jest/globals';
import { diffProjectStates, foldWithSteps } from './project.diff.js';
import { rebuildProjectState } from './project.evolve.js';
import type { ProjectEvent } from './project.events.js';
import { initialProjectState } from './project.state.js';
import { projectApproved, projectProposed, projectResumed, projectStarted, projectSuspended } from './testing/project.fixtures.js';

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

  it('names each lifecycle step between the two, given the steps: a suspension resumed changes no status from end to end', () => {
    const base = [projectProposed, projectApproved, projectStarted];
    const before = rebuildProjectState(base);
    const after = rebuildProjectState([...base, projectSuspended, projectResumed]);
    expect(diffProjectStates(before, after)).toEqual([]);
    const { state, steps } = foldWithSteps(before, [projectSuspended, projectResumed]);
    expect(state).toEqual(after);
    expect(diffProjectStates(before, state, steps)).toEqual([
      {
        type: 'StatusChanged', from: 'implementation', to: 'suspended', date: projectSuspended.data.date, reason: projectSuspended.data.reason,
        summary: `Status changed from implementation to suspended on ${projectSuspended.data.date} (${projectSuspended.data.reason}).`,
      },
      expect.objectContaining({ type: 'StatusChanged', from: 'suspended', to: 'implementation', date: projectResumed.data.date }),
    ]);
  });

  it('counts only the steps of the events it is told to count, and not the proposal, folding every event', () => {
    const history = [projectProposed, projectApproved, projectStarted, projectSuspended];
    const all = foldWithSteps(initialProjectState, history);
    expect(all.steps.map((step) => `${step.from}>${step.to}`)).toEqual(['proposed>approved', 'approved>implementation', 'implementation>suspended']);
    const later = foldWithSteps(initialProjectState, history, (index) => index >= 2);
    expect(later.steps.map((step) => step.to)).toEqual(['implementation', 'suspended']);
    expect(later.state).toEqual(rebuildProjectState(history));
  });

  it('says what a correction changed beside its value: the date or period, and the breakdown', () => {
    const indicator: ProjectEvent = {
      type: 'IndicatorDefined',
      data: { projectId: P, indicatorId: 'i', title: 'People trained', unit: 'people', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 40 } },
    };
    const recorded: ProjectEvent = {
      type: 'MeasurementRecorded',
      data: { projectId: P, indicatorId: 'i', measurementId: 'm1', value: 20, date: '2020-03-15', disaggregation: { female: 7, unknown: 13 } },
    };
    const corrected: ProjectEvent = {
      type: 'MeasurementCorrected',
      data: { projectId: P, indicatorId: 'i', measurementId: 'm2', correctsMeasurementId: 'm1', value: 20, date: '2020-03-10', reason: 'Wrong day' },
    };
    const base = [projectProposed, projectApproved, projectStarted, indicator, recorded];
    const [change] = diffProjectStates(rebuildProjectState(base), rebuildProjectState([...base, corrected]));
    expect(change).toMatchObject({
      type: 'MeasurementCorrected', from: 20, to: 20,
      summary: 'Measurement of People trained corrected keeping 20 people, for 2020-03-10 instead of 2020-03-15, its breakdown female 7, unknown 13 now none (Wrong day).',
    });
    const revalued = { ...corrected, data: { ...corrected.data, value: 25, date: '2020-03-15', disaggregation: { female: 7, unknown: 18 } } } as ProjectEvent;
    expect(diffProjectStates(rebuildProjectState(base), rebuildProjectState([...base, revalued]))[0]).toMatchObject({
      summary: 'Measurement of People trained corrected from 20 to 25 people, its breakdown female 7, unknown 13 now female 7, unknown 18 (Wrong day).',
    });
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
