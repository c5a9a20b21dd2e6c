import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { ProjectCommand } from '@app/domain';
import { createProjectCommandHandler, type PostgresEventStore, type UnreadableEvent } from '@app/event-store';
import { metadata, newEvent, startedProject } from '../../../event-store/src/testing/project-streams.js';
import { openStoreDatabase } from '../../../../test/support/store-database.js';
import { followFeed } from '../testing/follow-feed.js';
import { Notifier } from './notifier.js';

let pool: pg.Pool;
let store: PostgresEventStore;
let handler: ReturnType<typeof createProjectCommandHandler>;
let notifier: Notifier;
/** The events the notifier could not fold, as it reported them. */
const unreadable: UnreadableEvent[] = [];
openStoreDatabase('notifier_memory', 4, (opened) => {
  pool = opened.pool;
  store = opened.store;
  handler = createProjectCommandHandler(opened.store);
  notifier = new Notifier(opened.pool, opened.store, undefined, (error) => unreadable.push(error));
});

const run = (projectId: string, command: ProjectCommand) => handler.handle(projectId, command, { metadata: metadata() });

interface MilestoneRow {
  milestone_id: string;
  title: string;
  due_date: string;
  status: string;
  times_rescheduled: number;
  project_status: string;
  /** The transaction that last wrote the row. */
  xmin: string;
}

async function milestoneRows(projectId: string): Promise<MilestoneRow[]> {
  const { rows } = await pool.query<MilestoneRow>(
    `SELECT milestone_id, title, to_char(due_date, 'YYYY-MM-DD') AS due_date, status, times_rescheduled, project_status, xmin::text AS xmin
     FROM notifier_milestones WHERE project_id = $1 ORDER BY milestone_id`,
    [projectId],
  );
  return rows;
}

async function rememberedVersion(projectId: string): Promise<number | undefined> {
  const { rows } = await pool.query<{ version: number }>('SELECT version FROM notifier_projects WHERE project_id = $1', [projectId]);
  return rows[0]?.version;
}

describe("the notifier's memory of projects", () => {
  let projectId: string;
  beforeAll(async () => {
    projectId = await startedProject(handler, 0);
    await run(projectId, { type: 'PlanMilestone', data: { milestoneId: 'survey', title: 'Baseline survey', dueDate: '2030-03-31' } });
    await run(projectId, { type: 'PlanMilestone', data: { milestoneId: 'looms', title: 'Looms delivered', dueDate: '2030-06-30' } });
    await followFeed(notifier, 6);
  });

  it('keeps the milestones the overdue scan reads, with the project status', async () => {
    expect((await milestoneRows(projectId)).map(({ xmin: _, ...row }) => row)).toEqual([
      { milestone_id: 'looms', title: 'Looms delivered', due_date: '2030-06-30', status: 'planned', times_rescheduled: 0, project_status: 'implementation' },
      { milestone_id: 'survey', title: 'Baseline survey', due_date: '2030-03-31', status: 'planned', times_rescheduled: 0, project_status: 'implementation' },
    ]);
    expect(await rememberedVersion(projectId)).toBe(6);
  });

  it('does not write the milestone rows again for events that leave the milestones and the status as they were', async () => {
    const before = await milestoneRows(projectId);
    for (let n = 0; n < 3; n++) {
      await run(projectId, { type: 'RecordMeasurement', data: { indicatorId: 'i', measurementId: `untouched-${n}`, value: n, date: '2025-01-15' } });
    }
    const batch = await followFeed(notifier, 3);

    expect(batch.events).toBe(3);
    expect(await rememberedVersion(projectId)).toBe(9);
    expect(await milestoneRows(projectId)).toEqual(before);
  });

  it('writes a milestone that was rescheduled or reached, and a change of the project status, in the next batch', async () => {
    await run(projectId, { type: 'RescheduleMilestone', data: { milestoneId: 'survey', dueDate: '2030-04-30', reason: 'Rains' } });
    await run(projectId, { type: 'ReachMilestone', data: { milestoneId: 'looms', date: '2025-01-20', evidence: 'Delivery note' } });
    await followFeed(notifier, 2);
    expect((await milestoneRows(projectId)).map(({ milestone_id, due_date, status, times_rescheduled }) => ({ milestone_id, due_date, status, times_rescheduled }))).toEqual([
      { milestone_id: 'looms', due_date: '2030-06-30', status: 'reached', times_rescheduled: 0 },
      { milestone_id: 'survey', due_date: '2030-04-30', status: 'planned', times_rescheduled: 1 },
    ]);

    await run(projectId, { type: 'SuspendProject', data: { date: '2025-01-25', reason: 'Flooding' } });
    await followFeed(notifier, 1);
    expect(new Set((await milestoneRows(projectId)).map((row) => row.project_status))).toEqual(new Set(['suspended']));
  });

  it('remembers every project a batch touches, each at its own version', async () => {
    const projects = await Promise.all(Array.from({ length: 5 }, (_, n) => startedProject(handler, n)));
    const planned = projects[0]!;
    await run(planned, { type: 'PlanMilestone', data: { milestoneId: `m-${randomUUID()}`, title: 'Cattle distributed', dueDate: '2030-05-01' } });
    const expected = projects.reduce((sum, _, n) => sum + 4 + n, 0) + 1;
    const batch = await followFeed(notifier, expected);

    expect(batch.events).toBe(expected);
    expect(await Promise.all(projects.map(rememberedVersion))).toEqual([5, 5, 6, 7, 8]);
    expect((await milestoneRows(planned)).map((row) => [row.title, row.project_status])).toEqual([['Cattle distributed', 'implementation']]);
  });
});

describe('an event the notifier cannot fold', () => {
  it('is stepped over with its project, and every other project is still notified', async () => {
    const poisoned = await startedProject(handler, 0);
    const healthy = await startedProject(handler, 0);
    await followFeed(notifier, 8);
    // Data changed by hand, appended behind the decider's back: a component without id, name or kind.
    await store.append(poisoned, 4, [newEvent('ComponentAdded', { projectId: poisoned })], { streamType: 'project' });
    await run(healthy, { type: 'SuspendProject', data: { date: '2020-01-05', reason: 'Floods' } });
    await run(healthy, { type: 'ResumeProject', data: { date: '2020-01-06' } });

    const batch = await followFeed(notifier, 3);
    expect(batch.notifications.filter((n) => n.type === 'project.status_changed').map((n) => n.projectId)).toEqual([healthy, healthy]);
    expect(unreadable.map((error) => [error.streamId, error.version, error.message])).toEqual([
      [poisoned, 5, `event 5 (ComponentAdded) of stream ${poisoned} cannot be replayed: its data's componentId is missing`],
    ]);
    expect(await rememberedVersion(poisoned)).toBe(4);
    expect(await rememberedVersion(healthy)).toBe(6);
  });
});
