import { describe, expect, it } from '@jest/globals';
import type { ProjectFacts } from '../notification.js';
import { milestoneOverdue } from './milestone-overdue.rule.js';
import { projectDigest } from './project-digest.rule.js';

const bansuo: ProjectFacts = { id: 'p-1', code: 'CN-LA-BANSUO', title: 'Bansuo village', country: 'LA', status: 'implementation' };
const xianglong: ProjectFacts = { id: 'p-2', code: 'CN-LA-XIANGLONG', title: 'Xianglong village', country: 'LA', status: 'suspended' };

describe('milestone.overdue', () => {
  it('is keyed by milestone and reschedule count, so only a new date missed again is announced again', () => {
    const draft = milestoneOverdue({ milestoneId: 'm-1', title: 'Bridge completed', dueDate: '2026-11-20', timesRescheduled: 0, project: bansuo }, '2026-11-25', '2026-11-25T06:00:00.000Z');
    expect(draft).toMatchObject({
      type: 'milestone.overdue',
      dedupeKey: 'milestone.overdue:m-1:0',
      subject: 'milestones/m-1',
      source: '/projects/p-1',
      time: '2026-11-25T06:00:00.000Z',
      headline: 'Bansuo village (CN-LA-BANSUO): milestone "Bridge completed" is overdue (due 2026-11-20)',
      data: { project: bansuo, milestone: { daysOverdue: 5, dueDate: '2026-11-20' } },
    });
    const again = milestoneOverdue({ milestoneId: 'm-1', title: 'Bridge completed', dueDate: '2026-11-22', timesRescheduled: 1, project: bansuo }, '2026-11-25', '2026-11-25T06:00:00.000Z');
    expect(again.dedupeKey).toBe('milestone.overdue:m-1:1');
  });
});

describe('project.digest', () => {
  const period = { subscriptionId: 's-1', periodStart: '2026-11-16T07:00:00.000Z', periodEnd: '2026-11-23T07:00:00.000Z' };

  it('sends nothing for a quiet period', () => {
    expect(projectDigest({ ...period, entries: [] })).toBeNull();
  });

  it('groups the period by project, with counts per type and the latest headlines first', () => {
    const draft = projectDigest({
      ...period,
      entries: [
        { type: 'milestone.reached', headline: 'Bansuo: bridge', time: '2026-11-17T10:00:00.000Z', project: bansuo },
        { type: 'project.status_changed', headline: 'Xianglong: suspended', time: '2026-11-18T10:00:00.000Z', project: xianglong },
        { type: 'indicator.threshold_reached', headline: 'Bansuo: 50%', time: '2026-11-19T10:00:00.000Z', project: { ...bansuo, status: 'suspended' } },
        { type: 'project.digest', headline: 'an earlier digest', time: '2026-11-19T11:00:00.000Z', project: bansuo },
      ],
    })!;
    expect(draft).toMatchObject({
      type: 'project.digest',
      dedupeKey: 'project.digest:s-1:2026-11-23T07:00:00.000Z',
      recipientSubscriptionId: 's-1',
      projectId: null,
      source: '/subscriptions/s-1',
      subject: 'digests/2026-11-23',
      headline: 'Digest 2026-11-16 to 2026-11-23: 3 notifications in 2 projects',
    });
    expect(draft.data.counts).toEqual({ 'milestone.reached': 1, 'project.status_changed': 1, 'indicator.threshold_reached': 1 });
    expect(draft.data.projects).toEqual([
      {
        project: { ...bansuo, status: 'suspended' },
        counts: { 'milestone.reached': 1, 'indicator.threshold_reached': 1 },
        highlights: [
          { type: 'indicator.threshold_reached', time: '2026-11-19T10:00:00.000Z', headline: 'Bansuo: 50%' },
          { type: 'milestone.reached', time: '2026-11-17T10:00:00.000Z', headline: 'Bansuo: bridge' },
        ],
      },
      { project: xianglong, counts: { 'project.status_changed': 1 }, highlights: [expect.objectContaining({ headline: 'Xianglong: suspended' })] },
    ]);
  });

  it('counts each project, and the period, whole from the counts it is given when the entries are only the highlights', () => {
    const draft = projectDigest({
      ...period,
      entries: [
        { type: 'milestone.reached', headline: 'Bansuo: bridge', time: '2026-11-17T10:00:00.000Z', project: bansuo },
        { type: 'project.status_changed', headline: 'Xianglong: suspended', time: '2026-11-22T10:00:00.000Z', project: xianglong },
      ],
      countsByProject: new Map([
        [bansuo.id, { 'milestone.reached': 3, 'milestone.rescheduled': 6000 }],
        [xianglong.id, { 'project.status_changed': 1 }],
      ]),
    })!;
    expect(draft.data.counts).toEqual({ 'milestone.reached': 3, 'milestone.rescheduled': 6000, 'project.status_changed': 1 });
    expect((draft.data.projects as { counts: object }[]).map((project) => project.counts)).toEqual([
      { 'milestone.reached': 3, 'milestone.rescheduled': 6000 },
      { 'project.status_changed': 1 },
    ]);
    expect(draft.headline).toBe('Digest 2026-11-16 to 2026-11-23: 6004 notifications in 2 projects');
  });

  it('keeps a milestone reached and a target share among the highlights of a week of many reschedules', () => {
    const reschedules = Array.from({ length: 12 }, (_, i) => ({
      type: 'milestone.rescheduled' as const,
      headline: `Bansuo: road moved (${i + 1})`,
      time: `2026-11-22T${String(10 + i).padStart(2, '0')}:00:00.000Z`,
      project: bansuo,
    }));
    const draft = projectDigest({
      ...period,
      entries: [
        { type: 'milestone.reached', headline: 'Bansuo: bridge', time: '2026-11-17T00:00:00.000Z', project: bansuo },
        { type: 'indicator.threshold_reached', headline: 'Bansuo: 50%', time: '2026-11-16T00:00:00.000Z', project: bansuo },
        ...reschedules,
      ],
    })!;
    const [own] = draft.data.projects as { counts: object; highlights: { headline: string }[] }[];
    expect(own!.counts).toEqual({ 'milestone.reached': 1, 'milestone.rescheduled': 12, 'indicator.threshold_reached': 1 });
    // Ten in all, latest recorded first: the eight latest reschedules, then the two that tell the most.
    expect(own!.highlights.map((h) => h.headline)).toEqual([
      ...reschedules.slice(4).reverse().map((r) => r.headline),
      'Bansuo: 50%',
      'Bansuo: bridge',
    ]);
  });

  it('orders by when each was recorded, not by its time: a step dated in the past recorded after the proposal is the latest', () => {
    const draft = projectDigest({
      ...period,
      entries: [
        { type: 'project.status_changed', headline: 'Bansuo: proposed', time: '2026-11-22T09:00:00.000Z', project: { ...bansuo, status: 'proposed' } },
        { type: 'project.status_changed', headline: 'Bansuo: approved', time: '2026-11-20T00:00:00.000Z', project: { ...bansuo, status: 'approved' } },
      ],
    })!;
    const [own] = draft.data.projects as { project: { status: string }; highlights: { headline: string }[] }[];
    expect(own!.project.status).toBe('approved');
    expect(own!.highlights.map((h) => h.headline)).toEqual(['Bansuo: approved', 'Bansuo: proposed']);
  });
});
