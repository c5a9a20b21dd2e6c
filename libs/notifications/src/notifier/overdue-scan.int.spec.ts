import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createProjectCommandHandler } from '@app/event-store';
import { metadata } from '../../../event-store/src/testing/project-streams.js';
import { eventually } from '../../../../test/support/test-environment.js';
import { openStoreDatabase } from '../../../../test/support/store-database.js';
import { followFeed } from '../testing/follow-feed.js';
import { Notifier } from './notifier.js';
import { OverdueScan } from './overdue-scan.js';

let pool: pg.Pool;
let handler: ReturnType<typeof createProjectCommandHandler>;
let notifier: Notifier;
openStoreDatabase('overdue_scan', 4, (opened) => {
  pool = opened.pool;
  handler = createProjectCommandHandler(opened.store);
  notifier = new Notifier(opened.pool, opened.store);
});

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

const run = (projectId: string, command: Parameters<typeof handler.handle>[1]) => handler.handle(projectId, command, { metadata: metadata() });

/** A proposed project with no milestone; answers its id. */
async function proposedProject(title: string): Promise<string> {
  const projectId = randomUUID();
  await run(projectId, {
    type: 'ProposeProject',
    data: { projectId, code: `O-${projectId.slice(0, 8)}`, title, description: 'D', country: 'LA', location: {}, sector: '43040', participatingOrganisations: [{ name: 'O', role: 1 }] },
  });
  return projectId;
}

/** A proposed project with one milestone that was due five days ago; answers the project's id. */
async function projectWithMissedMilestone(title: string): Promise<string> {
  const projectId = await proposedProject(title);
  await run(projectId, { type: 'PlanMilestone', data: { milestoneId: `survey-${projectId}`, title: 'Survey', dueDate: daysAgo(5) } });
  return projectId;
}

/** Lets the notifier follow the feed until it has applied `version` events of the project. */
async function notifierAt(projectId: string, version: number): Promise<void> {
  await eventually(async () => {
    await notifier.catchUp();
    const { rows } = await pool.query('SELECT version FROM notifier_projects WHERE project_id = $1', [projectId]);
    return rows[0]?.version === version;
  }, 20_000, `the notifier at version ${version} of ${projectId}`);
}

describe('the overdue scan', () => {
  it('judges a milestone only once the notifier has followed its project to the head of its stream', async () => {
    const current = await projectWithMissedMilestone('Followed to its head');
    const cancelled = await projectWithMissedMilestone('Cancelled after the notifier last looked');
    await notifierAt(current, 2);
    await notifierAt(cancelled, 2);
    // The cancellation is in the store, but the notifier has not applied it: the milestone it knows is
    // still planned and overdue, under a project it believes proposed.
    await run(cancelled, { type: 'CancelProject', data: { date: daysAgo(0), reason: 'Funding withdrawn' } });

    const scan = new OverdueScan(pool);
    const first = await scan.run();
    expect(first.notifications.map((n) => n.projectId)).toEqual([current]);

    await notifierAt(cancelled, 3);
    const second = await scan.run();
    expect(second.notifications).toEqual([]);
    const { rows } = await pool.query(`SELECT project_id FROM notifications WHERE type = 'milestone.overdue'`);
    expect(rows.map((row) => row.project_id)).toEqual([current]);
  });

  it('is needed after a batch only when a project it followed has a milestone past its due date', async () => {
    const pastDueAfter = async (...commands: [string, Parameters<typeof handler.handle>[1]][]) => {
      for (const [projectId, command] of commands) await run(projectId, command);
      const batch = await followFeed(notifier, commands.length);
      expect(batch.events).toBe(commands.length);
      return batch.milestonesPastDue;
    };
    const project = await proposedProject('Weaving group');
    const other = await proposedProject('Cattle group');
    await followFeed(notifier, 2);
    const milestone = { milestoneId: `looms-${project}`, title: 'Looms delivered' };

    expect(await pastDueAfter([project, { type: 'PlanMilestone', data: { ...milestone, dueDate: daysAgo(-30) } }])).toBe(false);
    expect(await pastDueAfter([project, { type: 'RescheduleMilestone', data: { milestoneId: milestone.milestoneId, dueDate: daysAgo(1), reason: 'Rains' } }])).toBe(true);
    // Whether the scan has announced it already is the scan's to know: the project still has one.
    await new OverdueScan(pool).run();
    expect(await pastDueAfter([project, { type: 'AddComponent', data: { componentId: `c-${project}`, name: 'Weaving', kind: 'industry' } }])).toBe(true);
    // A batch that follows only projects without one gives the scan nothing to find.
    expect(await pastDueAfter([other, { type: 'AddComponent', data: { componentId: `c-${other}`, name: 'Cattle', kind: 'industry' } }])).toBe(false);
    expect(await pastDueAfter([project, { type: 'WaiveMilestone', data: { milestoneId: milestone.milestoneId, reason: 'Looms bought by the group itself' } }])).toBe(false);

    const cancelled = await projectWithMissedMilestone('Cancelled with a milestone missed');
    expect((await followFeed(notifier, 2)).milestonesPastDue).toBe(true);
    expect(await pastDueAfter([cancelled, { type: 'CancelProject', data: { date: daysAgo(0), reason: 'Funding withdrawn' } }])).toBe(false);
  });
});
