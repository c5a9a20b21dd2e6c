import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { inTransaction } from '@app/event-store';
import type { StoredNotification } from '../notification.js';
import type { DeliveryOutcome, DeliveryTarget, NotificationChannel } from './notification-channel.js';

/** NOTIFY channel of new inbox entries, with `<owner key id>:<entry seq>`: the API's live stream listens. */
export const INBOX_CHANNEL = 'pt_inbox_items';

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * Puts a notification in its subscribers' inboxes: one entry per owner and notification, however many
 * of the owner's inbox subscriptions match it or however often this runs. Open streams hear of each new
 * entry when the caller's transaction commits.
 */
export async function putInInboxes(db: Queryable, notificationId: string, targets: readonly { subscriptionId: string; ownerKeyId: string }[]): Promise<void> {
  if (targets.length === 0) return;
  const inserted = await db.query<{ owner_key_id: string; seq: string }>(
    `INSERT INTO inbox_items (owner_key_id, notification_id, subscription_id)
     SELECT t.owner_key_id, $1, t.subscription_id FROM unnest($2::uuid[], $3::uuid[]) AS t (owner_key_id, subscription_id)
     ON CONFLICT ON CONSTRAINT inbox_items_once DO NOTHING
     RETURNING owner_key_id, seq`,
    [notificationId, targets.map((target) => target.ownerKeyId), targets.map((target) => target.subscriptionId)],
  );
  for (const row of inserted.rows) await db.query('SELECT pg_notify($1, $2)', [INBOX_CHANNEL, `${row.owner_key_id}:${row.seq}`]);
}

/**
 * The in-app inbox. The fan-out fills inboxes in the notifier's own transaction (nothing remote can
 * fail, and entries then arrive in the order things happened); this channel serves a delivery that is
 * run as a job all the same.
 */
export class InboxChannel implements NotificationChannel {
  constructor(private readonly pool: pg.Pool) {}

  async send(notification: StoredNotification, target: DeliveryTarget): Promise<DeliveryOutcome> {
    const started = performance.now();
    await inTransaction(this.pool, (client) => putInInboxes(client, notification.id, [target]));
    return { ok: true, statusCode: null, latencyMs: Math.round(performance.now() - started), error: null, responseExcerpt: null };
  }
}
