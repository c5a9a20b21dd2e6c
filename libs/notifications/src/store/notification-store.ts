import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { putInInboxes } from '../channels/inbox.channel.js';
import type { NotificationType } from '../notification-types.js';
import type { NotificationData, NotificationDraft, StoredNotification } from '../notification.js';

/** A pool or a client inside a transaction. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

/** A delivery to make: the job that makes it is named after the (notification, subscription) pair. */
export interface DeliveryRef {
  deliveryId: string;
  notificationId: string;
  subscriptionId: string;
}

export interface NotificationRow {
  id: string;
  type: NotificationType;
  dedupe_key: string;
  project_id: string | null;
  country: string | null;
  recipient_subscription_id: string | null;
  source: string;
  subject: string;
  headline: string;
  time: Date;
  data: NotificationData;
  created_at: Date;
}

export const NOTIFICATION_COLUMNS = 'id, type, dedupe_key, project_id, country, recipient_subscription_id, source, subject, headline, time, data, created_at';

/**
 * Stores drafts; a draft whose fact was already announced (same dedupe key) is skipped. Answers the
 * notifications stored now, in draft order. Stamped with the time of the insert, not of the transaction's
 * start: digests cut their periods by it, and a batch that began before a period ended but stores its
 * notifications after that period's digest ran (it waited for the cursor lock) must land in the next
 * period, not in one already sent.
 */
export async function insertNotifications(db: Queryable, drafts: readonly NotificationDraft[]): Promise<StoredNotification[]> {
  const stored: StoredNotification[] = [];
  for (const draft of drafts) {
    const result = await db.query<NotificationRow>(
      `INSERT INTO notifications (id, type, dedupe_key, project_id, country, recipient_subscription_id, source, subject,
         headline, time, data, source_event_id, source_position, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, clock_timestamp())
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING ${NOTIFICATION_COLUMNS}`,
      [
        randomUUID(),
        draft.type,
        draft.dedupeKey,
        draft.projectId,
        draft.country,
        draft.recipientSubscriptionId ?? null,
        draft.source,
        draft.subject,
        draft.headline,
        draft.time,
        JSON.stringify(draft.data),
        draft.data.event?.id ?? null,
        draft.data.event?.position ?? null,
      ],
    );
    const row = result.rows[0];
    if (row) stored.push(toStoredNotification(row));
  }
  return stored;
}

/**
 * One delivery per subscription that wants the notification: active, its owner's key still valid, made
 * before the fact (a subscription hears of what is recorded after it, however far the notifier lags),
 * and its filter matching (an empty list matches everything). A notification meant for one subscription
 * (a digest) goes to that one only. The (notification, subscription) pair is unique.
 *
 * Inbox deliveries are made here and now, in the caller's transaction, with their attempt recorded;
 * the answer is the deliveries still to make (webhooks, e-mail), for the deliveries queue.
 */
export async function fanOut(db: Queryable, notifications: readonly StoredNotification[]): Promise<DeliveryRef[]> {
  const deliveries: DeliveryRef[] = [];
  for (const notification of notifications) {
    const result = await db.query<{ id: string; subscription_id: string; channel: string; owner_key_id: string }>(
      `WITH matched AS (
         INSERT INTO deliveries (id, notification_id, subscription_id)
         SELECT gen_random_uuid(), $1, s.id
         FROM subscriptions s
         JOIN api_keys k ON k.id = s.owner_key_id AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
         WHERE s.status = 'active' AND s.created_at <= $6
           AND CASE WHEN $5::uuid IS NOT NULL THEN s.id = $5::uuid
               ELSE (cardinality(s.project_ids) = 0 OR $2::uuid = ANY (s.project_ids))
                AND (cardinality(s.countries) = 0 OR $3::text = ANY (s.countries))
                AND (cardinality(s.types) = 0 OR $4::text = ANY (s.types))
               END
         ON CONFLICT ON CONSTRAINT deliveries_once DO NOTHING
         RETURNING id, subscription_id
       )
       SELECT m.id, m.subscription_id, s.channel, s.owner_key_id FROM matched m JOIN subscriptions s ON s.id = m.subscription_id`,
      [
        notification.id,
        notification.projectId,
        notification.country,
        notification.type,
        notification.recipientSubscriptionId ?? null,
        notification.data.event?.recordedAt ?? notification.createdAt,
      ],
    );
    const inbox = result.rows.filter((row) => row.channel === 'inbox');
    if (inbox.length > 0) {
      await putInInboxes(db, notification.id, inbox.map((row) => ({ subscriptionId: row.subscription_id, ownerKeyId: row.owner_key_id })));
      const ids = inbox.map((row) => row.id);
      await db.query(`UPDATE deliveries SET status = 'delivered', attempts = 1, delivered_at = now() WHERE id = ANY ($1::uuid[])`, [ids]);
      await db.query(
        `INSERT INTO delivery_attempts (delivery_id, subscription_id, notification_id, attempt, attempted_at, outcome, latency_ms)
         SELECT d.id, d.subscription_id, d.notification_id, 1, now(), 'delivered', 0 FROM deliveries d WHERE d.id = ANY ($1::uuid[])`,
        [ids],
      );
    }
    for (const row of result.rows) {
      if (row.channel !== 'inbox') deliveries.push({ deliveryId: row.id, notificationId: notification.id, subscriptionId: row.subscription_id });
    }
  }
  return deliveries;
}

export function toStoredNotification(row: NotificationRow): StoredNotification {
  return {
    id: row.id,
    type: row.type,
    dedupeKey: row.dedupe_key,
    projectId: row.project_id,
    country: row.country,
    ...(row.recipient_subscription_id ? { recipientSubscriptionId: row.recipient_subscription_id } : {}),
    source: row.source,
    subject: row.subject,
    headline: row.headline,
    time: row.time.toISOString(),
    data: row.data,
    createdAt: row.created_at.toISOString(),
  };
}

/** Counts a scheduled run (overdue scan, digest), so operators and tests can see the schedule works. */
export async function recordRun(db: Queryable, name: string): Promise<void> {
  await db.query(
    `INSERT INTO notifier_runs (name, runs, last_run_at) VALUES ($1, 1, now())
     ON CONFLICT (name) DO UPDATE SET runs = notifier_runs.runs + 1, last_run_at = now()`,
    [name],
  );
}
