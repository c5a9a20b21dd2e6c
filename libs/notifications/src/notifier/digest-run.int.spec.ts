import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { openStoreDatabase } from '../../../../test/support/store-database.js';
import { milestoneOverdue } from '../rules/milestone-overdue.rule.js';
import { insertNotifications } from '../store/notification-store.js';
import { DigestRun } from './digest-run.js';
import { lockCursor } from './notifier.js';

let pool: pg.Pool;
openStoreDatabase('digest_run', 3, (opened) => {
  pool = opened.pool;
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A manager's inbox subscription taking digests, made an hour ago. */
async function digestSubscription(): Promise<string> {
  const keyId = randomUUID();
  await pool.query(`INSERT INTO api_keys (id, name, role, secret_hash) VALUES ($1, 'Provincial office', 'manager', $2)`, [keyId, randomUUID()]);
  const id = randomUUID();
  await pool.query(`INSERT INTO subscriptions (id, owner_key_id, channel, created_at) VALUES ($1, $2, 'inbox', now() - interval '1 hour')`, [id, keyId]);
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
});
