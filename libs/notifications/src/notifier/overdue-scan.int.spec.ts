import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createProjectCommandHandler } from '@app/event-store';
import { metadata } from '../../../event-store/src/testing/project-streams.js';
import { eventually } from '../../../../test/support/test-environment.js';
import { openStoreDatabase } from '../../../../test/support/store-database.js';
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

/** A proposed project with one milestone that was due five days ago; answers the project's id. */
async function projectWithMissedMilestone(title: string): Promise<string> {
  const projectId = randomUUID();
  await handler.handle(projectId, {
    type: 'ProposeProject',
    data: { projectId, code: `O-${projectId.slice(0, 8)}`, title, description: 'D', country: 'LA', location: {}, sector: '43040', participatingOrganisations: [{ name: 'O', role: 1 }] },
  }, { metadata: metadata() });
  await handler.handle(projectId, { type: 'PlanMilestone', data: { milestoneId: `survey-${projectId}`, title: 'Survey', dueDate: daysAgo(5) } }, { metadata: metadata() });
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
    await handler.handle(cancelled, { type: 'CancelProject', data: { date: daysAgo(0), reason: 'Funding withdrawn' } }, { metadata: metadata() });

    const scan = new OverdueScan(pool);
    const first = await scan.run();
    expect(first.notifications.map((n) => n.projectId)).toEqual([current]);

    await notifierAt(cancelled, 3);
    const second = await scan.run();
    expect(second.notifications).toEqual([]);
    const { rows } = await pool.query(`SELECT project_id FROM notifications WHERE type = 'milestone.overdue'`);
    expect(rows.map((row) => row.project_id)).toEqual([current]);
  });
});
