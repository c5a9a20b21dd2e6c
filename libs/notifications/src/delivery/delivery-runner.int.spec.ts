import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { openStoreDatabase } from '../../../../test/support/store-database.js';
import type { DeliveryOutcome, DeliveryTarget, NotificationChannel } from '../channels/notification-channel.js';
import type { StoredNotification } from '../notification.js';
import { SecretBox } from '../secrets/secret-box.js';
import { DeliveryRunner, findStrandedDeliveries } from './delivery-runner.js';

let pool: pg.Pool;
openStoreDatabase('delivery_runner', 12, (opened) => {
  pool = opened.pool;
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the wall clock, which PostgreSQL's now() follows, is past `at`. A timer set for the
 * difference may fire a millisecond early by that clock, and a claim made then finds the retry not yet due.
 */
async function pauseUntil(at: Date): Promise<void> {
  while (Date.now() <= at.getTime()) await pause(at.getTime() - Date.now() + 1);
}

/**
 * A mailbox that takes a few milliseconds per message, notes what it was sent and how many messages were
 * being sent to it at once, and refuses the messages `refuse` names on their first try.
 */
class RecordingMailbox implements NotificationChannel {
  readonly sent: { notificationId: string; ok: boolean }[] = [];
  mostAtOnce = 0;
  private open = 0;

  constructor(private readonly refuse: (notificationId: string, tries: number) => boolean = () => false) {}

  async send(notification: StoredNotification, _target: DeliveryTarget): Promise<DeliveryOutcome> {
    this.mostAtOnce = Math.max(this.mostAtOnce, ++this.open);
    await pause(3);
    this.open--;
    const tries = this.sent.filter((sent) => sent.notificationId === notification.id).length + 1;
    const ok = !this.refuse(notification.id, tries);
    this.sent.push({ notificationId: notification.id, ok });
    return { ok, statusCode: ok ? 250 : 451, latencyMs: 3, error: ok ? null : 'try again later', responseExcerpt: null };
  }

  delivered(): string[] {
    return this.sent.filter((sent) => sent.ok).map((sent) => sent.notificationId);
  }
}

function runnerFor(mailbox: NotificationChannel, perRun?: number): DeliveryRunner {
  const unused: NotificationChannel = { send: () => Promise.reject(new Error('not this channel')) };
  return new DeliveryRunner(pool, { email: mailbox, webhook: unused, inbox: unused }, new SecretBox('a secrets key of at least thirty-two characters'), {
    retryDelaysMs: [50, 50, 50],
    leaseMs: 30_000,
    ...(perRun ? { perRun } : {}),
  });
}

/** An e-mail subscription with `count` notifications stored for it, one after the other; answers the deliveries in that order. */
async function subscriptionWith(count: number): Promise<{ subscriptionId: string; deliveries: { deliveryId: string; notificationId: string }[] }> {
  const keyId = randomUUID();
  await pool.query(`INSERT INTO api_keys (id, name, role, secret_hash) VALUES ($1, 'Provincial office', 'manager', $2)`, [keyId, randomUUID()]);
  const subscriptionId = randomUUID();
  await pool.query(`INSERT INTO subscriptions (id, owner_key_id, channel, target) VALUES ($1, $2, 'email', 'office@example.org')`, [subscriptionId, keyId]);
  const deliveries = [];
  for (let n = 0; n < count; n++) {
    const notificationId = randomUUID();
    await pool.query(
      `INSERT INTO notifications (id, type, dedupe_key, source, subject, headline, time, data)
       VALUES ($1::uuid, 'project.status_changed', $1::text, '/projects/x', 'status', $2, now(), '{}')`,
      [notificationId, `change ${n + 1}`],
    );
    const deliveryId = randomUUID();
    await pool.query(`INSERT INTO deliveries (id, notification_id, subscription_id) VALUES ($1, $2, $3)`, [deliveryId, notificationId, subscriptionId]);
    deliveries.push({ deliveryId, notificationId });
  }
  return { subscriptionId, deliveries };
}

/** Runs a delivery's job as the worker does: again when told to wait, and a new job for a line handed over. */
async function job(runner: DeliveryRunner, deliveryId: string): Promise<void> {
  for (;;) {
    const { result, handOff } = await runner.run(deliveryId);
    const next = handOff ? job(runner, handOff.deliveryId) : Promise.resolve();
    if (result.kind === 'retry' || result.kind === 'wait') {
      await pause(Math.max(0, (result.kind === 'retry' ? result.at : result.until).getTime() - Date.now()));
      await next;
      continue;
    }
    await next;
    return;
  }
}

describe('deliveries to one subscription', () => {
  it('go out once each, one at a time and in order, however many jobs on however many workers run them', async () => {
    const { deliveries } = await subscriptionWith(20);
    const order = deliveries.map((delivery) => delivery.notificationId);
    // The 3rd and the 11th are refused on their first try; each holds back those behind it until its retry.
    const mailbox = new RecordingMailbox((id, tries) => tries === 1 && (id === order[2] || id === order[10]));
    // Two workers, each with a job for every delivery (the notifier's, and a redelivery of each), all at once.
    const workers = [runnerFor(mailbox, 4), runnerFor(mailbox, 4)];
    await Promise.all(workers.flatMap((runner) => deliveries.flatMap(({ deliveryId }) => [job(runner, deliveryId), job(runner, deliveryId)])));

    expect(mailbox.delivered()).toEqual(order);
    expect(mailbox.sent.map((sent) => sent.notificationId)).toEqual([...order.slice(0, 3), ...order.slice(2, 11), ...order.slice(10)]);
    expect(mailbox.mostAtOnce).toBe(1);
    const rows = await pool.query(`SELECT status, attempts FROM deliveries WHERE id = ANY ($1::uuid[]) ORDER BY seq`, [deliveries.map((d) => d.deliveryId)]);
    expect(rows.rows.map((row) => row.status)).toEqual(Array(20).fill('delivered'));
    expect(rows.rows.map((row) => row.attempts)).toEqual(order.map((id) => (id === order[2] || id === order[10] ? 2 : 1)));
  });

  it('holds a job back whose delivery is behind one waiting for its retry, and sends it with the line once that one is settled', async () => {
    const { deliveries } = await subscriptionWith(3);
    const [first, second, third] = deliveries;
    const mailbox = new RecordingMailbox((id, tries) => id === first!.notificationId && tries === 1);
    const runner = runnerFor(mailbox);

    const firstRun = await runner.run(first!.deliveryId);
    expect(firstRun.result).toMatchObject({ kind: 'retry', attempt: 1 });
    // Not sent, not failed: queued behind the first, taking no worker while it waits.
    expect((await runner.run(second!.deliveryId)).result).toEqual({ kind: 'queued', behind: first!.deliveryId });
    expect((await runner.run(third!.deliveryId)).result).toEqual({ kind: 'queued', behind: first!.deliveryId });
    expect(mailbox.sent).toHaveLength(1);

    await pauseUntil((firstRun.result as { at: Date }).at);
    const retried = await runner.run(first!.deliveryId);
    expect(retried.result).toMatchObject({ kind: 'delivered', attempt: 2 });
    // The same run carried on down the line.
    expect(retried.attempts.map((attempt) => [attempt.deliveryId, attempt.kind])).toEqual([
      [first!.deliveryId, 'delivered'],
      [second!.deliveryId, 'delivered'],
      [third!.deliveryId, 'delivered'],
    ]);
  });

  it('takes at most its share of a line in one run, then hands the line to a job of its own', async () => {
    const { deliveries } = await subscriptionWith(7);
    const runner = runnerFor(new RecordingMailbox(), 3);
    const run = await runner.run(deliveries[0]!.deliveryId);
    expect(run.attempts.map((attempt) => attempt.deliveryId)).toEqual(deliveries.slice(0, 3).map((d) => d.deliveryId));
    expect(run.result).toMatchObject({ kind: 'delivered' });
    expect(run.handOff).toMatchObject({ deliveryId: deliveries[3]!.deliveryId, notificationId: deliveries[3]!.notificationId });

    // A job whose own delivery is still in the line comes back itself rather than hand over.
    const own = await runner.run(deliveries[6]!.deliveryId);
    expect(own.attempts).toHaveLength(3);
    expect(own.result.kind).toBe('wait');
    expect(own.handOff).toBeUndefined();
  });

  it('are offered again by the poll only from the first in line', async () => {
    const { subscriptionId, deliveries } = await subscriptionWith(3);
    await pool.query(`UPDATE deliveries SET next_attempt_at = now() - interval '1 minute' WHERE subscription_id = $1`, [subscriptionId]);
    const stranded = (await findStrandedDeliveries(pool, 10_000)).filter((delivery) => delivery.subscriptionId === subscriptionId);
    expect(stranded).toEqual([{ subscriptionId, ...deliveries[0] }]);

    // Held by a run (sending, or crashed and its lease not ended yet): not stranded, and nor is the one behind it.
    await pool.query(`UPDATE deliveries SET lease_until = now() + interval '1 minute' WHERE id = $1`, [deliveries[0]!.deliveryId]);
    expect((await findStrandedDeliveries(pool, 10_000)).filter((delivery) => delivery.subscriptionId === subscriptionId)).toEqual([]);
  });
});
