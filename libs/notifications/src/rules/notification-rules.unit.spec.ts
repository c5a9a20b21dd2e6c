import { describe, expect, it } from '@jest/globals';
import type { MeasurementCorrected, MeasurementRecorded, MilestoneReached, MilestoneRescheduled, ProjectEvent } from '@app/domain';
import {
  cattleIndicatorDefined,
  content,
  handoverPlanned,
  historyIn,
  PROJECT_ID,
  projectApproved,
  projectCancelled,
  projectProposed,
  projectResumed,
  projectStarted,
  projectSuspended,
} from '../../../domain/src/projects/testing/project.fixtures.js';
import { replay } from '../testing/replay.js';

const started = historyIn.implementation;

function measured(value: number, measurementId: string, date = '2018-06-30'): MeasurementRecorded {
  return { type: 'MeasurementRecorded', data: { projectId: PROJECT_ID, indicatorId: 'ind-cattle', measurementId, value, date } };
}

function corrected(value: number, measurementId: string, correctsMeasurementId: string): MeasurementCorrected {
  return {
    type: 'MeasurementCorrected',
    data: { projectId: PROJECT_ID, indicatorId: 'ind-cattle', measurementId, correctsMeasurementId, value, date: '2018-06-30', reason: 'Miscounted.' },
  };
}

const reached: MilestoneReached = {
  type: 'MilestoneReached',
  data: { projectId: PROJECT_ID, milestoneId: 'ms-handover', reachedOn: '2018-04-02', evidence: 'Handover record.', documentLinks: [] },
};
const rescheduled: MilestoneRescheduled = {
  type: 'MilestoneRescheduled',
  data: { projectId: PROJECT_ID, milestoneId: 'ms-handover', previousDueDate: '2018-03-31', dueDate: '2018-05-31', reason: 'Cattle purchase delayed.' },
};

const ofType = (events: ProjectEvent[], type: string) => replay(events).drafts.filter((draft) => draft.type === type);

describe('project.status_changed', () => {
  it('announces every lifecycle transition with from, to and reason', () => {
    const drafts = ofType([projectProposed, projectApproved, projectStarted, projectSuspended, projectResumed], 'project.status_changed');
    expect(drafts.map((draft) => [draft.data.from, draft.data.to, draft.data.reason])).toEqual([
      [null, 'proposed', null],
      ['proposed', 'approved', null],
      ['approved', 'implementation', null],
      ['implementation', 'suspended', 'The access road was washed out by floods.'],
      ['suspended', 'implementation', null],
    ]);
    const suspension = drafts[3]!;
    expect(suspension).toMatchObject({
      projectId: PROJECT_ID,
      country: 'LA',
      source: `/projects/${PROJECT_ID}`,
      subject: 'status',
      dedupeKey: 'project.status_changed:evt-4',
      headline:
        'China-Laos poverty reduction demonstration: Bansuo village (CN-LA-PRD-BANSUO): status changed from implementation to suspended (The access road was washed out by floods.)',
    });
    expect(suspension.data).toMatchObject({
      project: { id: PROJECT_ID, code: 'CN-LA-PRD-BANSUO', country: 'LA', status: 'suspended' },
      date: '2018-07-20',
      iatiActivityStatus: { from: 2, to: 6 },
      event: { id: 'evt-4', type: 'ProjectSuspended', position: 4, streamVersion: 4 },
    });
  });

  it('names the cancellation reason', () => {
    const [cancellation] = ofType([projectProposed, projectCancelled], 'project.status_changed').slice(1);
    expect(cancellation!.data).toMatchObject({ from: 'proposed', to: 'cancelled', reason: 'Funding was withdrawn.' });
  });
});

describe('milestone rules', () => {
  it('announces a milestone reached, saying whether it was late', () => {
    const [draft] = ofType([...started, ...content, reached], 'milestone.reached');
    expect(draft).toMatchObject({ subject: 'milestones/ms-handover', dedupeKey: `milestone.reached:evt-${started.length + content.length + 1}` });
    expect(draft!.data.milestone).toMatchObject({ title: handoverPlanned.data.title, dueDate: '2018-03-31', reachedOn: '2018-04-02', late: true });
  });

  it('announces a reschedule with both dates and the reason', () => {
    const [draft] = ofType([...started, ...content, rescheduled], 'milestone.rescheduled');
    expect(draft!.data.milestone).toMatchObject({ previousDueDate: '2018-03-31', dueDate: '2018-05-31', reason: 'Cattle purchase delayed.', timesRescheduled: 1 });
    expect(draft!.headline).toMatch(/milestone "Cattle handed over to the raising group" rescheduled to 2018-05-31$/);
  });

  it('announces nothing for planning, waiving, components or indicators', () => {
    expect(replay([...started, ...content]).drafts.map((draft) => draft.type)).toEqual(['project.status_changed', 'project.status_changed', 'project.status_changed']);
  });
});

describe('indicator.threshold_reached', () => {
  const setup = [...started, cattleIndicatorDefined];

  it('66 of a 120 target from baseline 0 announces 25% and 50%, not 75%', () => {
    const drafts = ofType([...setup, measured(66, 'm1')], 'indicator.threshold_reached');
    expect(drafts.map((draft) => draft.data.thresholdPercent)).toEqual([25, 50]);
    expect(drafts[1]).toMatchObject({ dedupeKey: 'indicator.threshold_reached:ind-cattle:50', subject: 'indicators/ind-cattle' });
    expect(drafts[1]!.data.indicator).toMatchObject({ latestActual: { value: 66 }, progress: 0.55, target: { value: 120 } });
  });

  it('announces each threshold once, as measurements cross them', () => {
    const drafts = ofType([...setup, measured(20, 'm1'), measured(30, 'm2'), measured(40, 'm3'), measured(90, 'm4'), measured(120, 'm5')], 'indicator.threshold_reached');
    expect(drafts.map((draft) => [(draft.data.indicator as { latestActual: { value: number } }).latestActual.value, draft.data.thresholdPercent])).toEqual([
      [30, 25],
      [90, 50],
      [90, 75],
      [120, 100],
    ]);
  });

  it('treats 90 of 120 as exactly 75%', () => {
    expect(ofType([...setup, measured(90, 'm1')], 'indicator.threshold_reached').map((draft) => draft.data.thresholdPercent)).toEqual([25, 50, 75]);
  });

  it('does not announce a threshold again after a correction takes progress back below it', () => {
    const drafts = ofType([...setup, measured(66, 'm1'), corrected(20, 'm2', 'm1'), measured(70, 'm3', '2018-07-31')], 'indicator.threshold_reached');
    expect(drafts.map((draft) => draft.data.thresholdPercent)).toEqual([25, 50]);
  });

  it('uses the latest dated measurement, as the domain does', () => {
    // An older measurement recorded later does not move progress.
    const drafts = ofType([...setup, measured(10, 'm1', '2018-06-30'), measured(100, 'm2', '2017-12-31')], 'indicator.threshold_reached');
    expect(drafts).toEqual([]);
  });

  it('runs from baseline to target when the target is below the baseline', () => {
    const falling: ProjectEvent = {
      ...cattleIndicatorDefined,
      data: { ...cattleIndicatorDefined.data, baseline: { value: 40 }, target: { value: 10 } },
    };
    const drafts = ofType([...started, falling, measured(25, 'm1')], 'indicator.threshold_reached');
    expect(drafts.map((draft) => draft.data.thresholdPercent)).toEqual([25, 50]);
  });

  it('announces what a revised target brings within reach', () => {
    const revised: ProjectEvent = {
      type: 'IndicatorTargetRevised',
      data: { projectId: PROJECT_ID, indicatorId: 'ind-cattle', previousTarget: { value: 120 }, target: { value: 80 }, reason: 'Budget cut.' },
    };
    const drafts = ofType([...setup, measured(40, 'm1'), revised], 'indicator.threshold_reached');
    expect(drafts.map((draft) => draft.data.thresholdPercent)).toEqual([25, 50]);
    expect(replay([...setup, measured(40, 'm1'), revised]).memory.announcedThresholds).toEqual({ 'ind-cattle': [0.25, 0.5] });
  });
});
