import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { openStoreDatabase } from '../../../../test/support/store-database.js';
import type { NotificationDraft, ProjectFacts } from '../notification.js';
import type { NotificationType } from '../notification-types.js';
import { milestoneOverdue } from '../rules/milestone-overdue.rule.js';
import { insertNotifications } from '../store/notification-store.js';
import { DigestRun } from './digest-run.js';
import { lockCursor } from './notifier.js';

let pool: pg.Pool;
openStoreDatabase('digest_run', 3, (opened) => {
  pool = opened.pool;
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A manager's inbox subscription taking digests (of `projectIds` only, when given), made an hour ago. */
async function digestSubscription(projectIds: string[] = []): Promise<string> {
  const keyId = randomUUID();
  await pool.query(`INSERT INTO api_keys (id, name, role, secret_hash) VALUES ($1, 'Provincial office', 'manager', $2)`, [keyId, randomUUID()]);
  const id = randomUUID();
  await pool.query(`INSERT INTO subscriptions (id, owner_key_id, channel, project_ids, created_at) VALUES ($1, $2, 'inbox', $3, now() - interval '1 hour')`, [
    id,
    keyId,
    projectIds,
  ]);
  return id;
}

describe('the digest', () => {
  it('takes a notification stored after it ran into the next period, even from a transaction that began before its period ended', async () => {
    const subscriptionId = await digestSubscription();
    // A notifier batch that began before the period ended, and stores its notification only after the
    // digest of that period has read (in a second worker it would have waited for the cursor lock).
    const late = await pool.connect();
    try {
      await late.query('BEGIN');
      await late.query('SELECT now()');
      await pause(20);
      const periodEnd = new Date();
      await pause(20);
      const first = await new DigestRun(pool).run(periodEnd);
      expect(first.notifications).toEqual([]);

      await lockCursor(late);
      const project = { id: randomUUID(), code: 'LA-BANSUO', title: 'Bansuo cattle raising', country: 'LA', status: 'implementation' as const };
      const today = new Date().toISOString().slice(0, 10);
      const draft = milestoneOverdue({ milestoneId: 'bridge', title: 'Bridge completed', dueDate: '2026-01-31', timesRescheduled: 0, project }, today, new Date().toISOString());
      expect(await insertNotifications(late, [draft])).toHaveLength(1);
      await late.query('COMMIT');
    } finally {
      late.release();
    }

    await pause(20);
    const next = await new DigestRun(pool).run(new Date());
    expect(next.notifications).toHaveLength(1);
    expect(next.notifications[0]).toMatchObject({ type: 'project.digest', recipientSubscriptionId: subscriptionId, data: { counts: { 'milestone.overdue': 1 } } });
  });

  it("counts a busy week whole, each project's included, and keeps the telling headlines of each", async () => {
    const bansuo: ProjectFacts = { id: randomUUID(), code: 'LA-BANSUO', title: 'Bansuo cattle raising', country: 'LA', status: 'implementation' };
    const xianglong: ProjectFacts = { id: randomUUID(), code: 'LA-XIANGLONG', title: 'Xianglong weaving group', country: 'LA', status: 'implementation' };
    const subscriptionId = await digestSubscription([bansuo.id, xianglong.id]);
    const draft = (type: NotificationType, project: ProjectFacts, n: number, headline: string): NotificationDraft => ({
      type,
      dedupeKey: `${type}:${project.id}:${n}`,
      projectId: project.id,
      country: project.country,
      source: `/projects/${project.id}`,
      subject: `milestones/m-${n}`,
      headline,
      time: new Date(Date.now() + n).toISOString(),
      data: { project, summary: headline },
    });
    // The bridge reached first, then 6,000 reschedules of the road, then the only news of another project.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await lockCursor(client);
      await insertNotifications(client, [draft('milestone.reached', bansuo, 0, 'Bansuo: bridge reached')]);
      await insertNotifications(client, Array.from({ length: 6000 }, (_, i) => draft('milestone.rescheduled', bansuo, i + 1, `Bansuo: road moved (${i + 1})`)));
      await insertNotifications(client, [draft('project.status_changed', xianglong, 7000, 'Xianglong: suspended')]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await pause(20);

    const run = await new DigestRun(pool).run(new Date(Date.now() + 10_000));
    const digest = run.notifications.find((notification) => notification.recipientSubscriptionId === subscriptionId)!;
    expect(digest.data.counts).toEqual({ 'milestone.reached': 1, 'milestone.rescheduled': 6000, 'project.status_changed': 1 });
    expect(digest.headline).toMatch(/: 6002 notifications in 2 projects$/);
    const projects = digest.data.projects as { project: ProjectFacts; counts: object; highlights: { headline: string }[] }[];
    expect(projects.map((own) => [own.project.code, own.counts])).toEqual([
      ['LA-BANSUO', { 'milestone.reached': 1, 'milestone.rescheduled': 6000 }],
      ['LA-XIANGLONG', { 'project.status_changed': 1 }],
    ]);
    // Ten headlines, latest first: the latest nine reschedules, then the bridge, which tells the most.
    expect(projects[0]!.highlights.map((highlight) => highlight.headline)).toEqual([
      ...Array.from({ length: 9 }, (_, i) => `Bansuo: road moved (${6000 - i})`),
      'Bansuo: bridge reached',
    ]);
    expect(projects[1]!.highlights.map((highlight) => highlight.headline)).toEqual(['Xianglong: suspended']);
  });
});
