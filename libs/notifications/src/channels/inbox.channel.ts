import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { StoredNotification } from '../notification.js';
import type { DeliveryOutcome, DeliveryTarget, NotificationChannel } from './notification-channel.js';

/** NOTIFY channel of new inbox entries, with `<owner key id>:<entry seq>`: the API's live stream listens. */
export const INBOX_CHANNEL = 'pt_inbox_items';

/**
 * The in-app inbox: an entry for the subscription's owner. One entry per owner and notification, however
 * many of the owner's inbox subscriptions match it or however often the delivery runs.
 */
export class InboxChannel implements NotificationChannel {
  constructor(private readonly pool: pg.Pool) {}

  async send(notification: StoredNotification, target: DeliveryTarget): Promise<DeliveryOutcome> {
    const started = performance.now();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query<{ seq: string }>(
        `INSERT INTO inbox_items (owner_key_id, notification_id, subscription_id) VALUES ($1, $2, $3)
         ON CONFLICT (owner_key_id, notification_id) DO NOTHING RETURNING seq`,
        [target.ownerKeyId, notification.id, target.subscriptionId],
      );
      const seq = inserted.rows[0]?.seq;
      if (seq !== undefined) await client.query('SELECT pg_notify($1, $2)', [INBOX_CHANNEL, `${target.ownerKeyId}:${seq}`]);
      await client.query('COMMIT');
      return { ok: true, statusCode: null, latencyMs: Math.round(performance.now() - started), error: null, responseExcerpt: null };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
