import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { inTransaction } from '@app/event-store';
import { newWebhookSecret } from '../channels/webhook-signature.js';
import { disableSubscription } from '../delivery/delivery-runner.js';
import type { NotificationType } from '../notification-types.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { DeliveryAttempt, Subscription, SubscriptionChannel, SubscriptionFilter } from './subscription.js';

export interface NewSubscription {
  channel: SubscriptionChannel;
  /** The webhook URL or e-mail address; null for the inbox. */
  target: string | null;
  filter: SubscriptionFilter;
}

interface SubscriptionRow {
  id: string;
  owner_key_id: string;
  channel: SubscriptionChannel;
  target: string | null;
  project_ids: string[];
  countries: string[];
  types: NotificationType[];
  status: 'active' | 'disabled';
  status_reason: string | null;
  created_at: Date;
  secret_rotated_at: Date | null;
  /** Null once the grace is over. */
  previous_secret_valid_until: Date | null;
}

/** Every column but the secrets, with the previous secret's deadline as of now. */
const COLUMNS = `id, owner_key_id, channel, target, project_ids, countries, types, status, status_reason, created_at, secret_rotated_at,
  CASE WHEN previous_secret_valid_until > now() THEN previous_secret_valid_until END AS previous_secret_valid_until`;

/** What a webhook secret rotation came to. */
export type SecretRotation =
  | { outcome: 'rotated'; subscription: Subscription; secret: string }
  | { outcome: 'not_found' }
  | { outcome: 'not_webhook'; channel: SubscriptionChannel };

/** The owner already has an inbox subscription of the same filter (not deleted): see requireNoSameInbox. */
export class SubscriptionExists extends Error {
  constructor(
    readonly existingId: string,
    readonly status: string,
  ) {
    super(`Inbox subscription ${existingId} (${status}) already has this filter.`);
    this.name = 'SubscriptionExists';
  }
}

/** Subscriptions and their delivery records. Deleted ones are kept (their history) but never shown. */
export class SubscriptionStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly secrets: SecretBox,
  ) {}

  /**
   * Answers the subscription and, for a webhook, its signing secret: shown this once, stored encrypted.
   * `db` is a transaction's client when the subscription must commit with something else (its
   * Idempotency-Key record).
   */
  async create(ownerKeyId: string, input: NewSubscription, db: pg.Pool | pg.PoolClient = this.pool): Promise<{ subscription: Subscription; secret?: string }> {
    if (input.channel === 'inbox' && db === this.pool) return inTransaction(this.pool, (client) => this.create(ownerKeyId, input, client));
    if (input.channel === 'inbox') await this.requireNoSameInbox(ownerKeyId, input, db);
    const secret = input.channel === 'webhook' ? newWebhookSecret() : undefined;
    const result = await db.query<SubscriptionRow>(
      `INSERT INTO subscriptions (id, owner_key_id, channel, target, secret_sealed, project_ids, countries, types)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        ownerKeyId,
        input.channel,
        input.target,
        secret ? this.secrets.seal(secret) : null,
        input.filter.projectIds,
        input.filter.countries,
        input.filter.types,
      ],
    );
    return { subscription: toSubscription(result.rows[0]!), ...(secret ? { secret } : {}) };
  }

  /**
   * Refuses a second inbox subscription of the same filter (SubscriptionExists): both deliver to the one
   * inbox of their owner, which takes each event once whatever the subscriptions, but each subscription
   * has its own digest, so the inbox showed every digest twice. (Two webhooks or e-mails to one target are
   * each a delivery of their own, as their owner asked.) `db` is a transaction's client.
   */
  private async requireNoSameInbox(ownerKeyId: string, input: NewSubscription, db: pg.Pool | pg.PoolClient): Promise<void> {
    // One owner's inbox subscriptions are created one at a time, so that two alike cannot both pass the
    // check. Filters compare as sets (each contains the other): their order and repeats do not matter.
    await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7347003))', [ownerKeyId]);
    const same = await db.query<{ id: string; status: string }>(
      `SELECT id, status FROM subscriptions
       WHERE owner_key_id = $1 AND channel = 'inbox' AND status <> 'deleted'
         AND project_ids @> $2::uuid[] AND project_ids <@ $2::uuid[]
         AND countries @> $3::text[] AND countries <@ $3::text[]
         AND types @> $4::text[] AND types <@ $4::text[]
       ORDER BY created_at LIMIT 1`,
      [ownerKeyId, input.filter.projectIds, input.filter.countries, input.filter.types],
    );
    if (same.rows[0]) throw new SubscriptionExists(same.rows[0].id, same.rows[0].status);
  }

  /** The owner's subscriptions, oldest first. */
  async list(ownerKeyId: string, page: { limit: number; offset: number }): Promise<{ items: Subscription[]; total: number }> {
    const [items, total] = await Promise.all([
      this.pool.query<SubscriptionRow>(
        `SELECT ${COLUMNS} FROM subscriptions WHERE owner_key_id = $1 AND status <> 'deleted'
         ORDER BY created_at, id LIMIT $2 OFFSET $3`,
        [ownerKeyId, page.limit, page.offset],
      ),
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM subscriptions WHERE owner_key_id = $1 AND status <> 'deleted'`, [
        ownerKeyId,
      ]),
    ]);
    return { items: items.rows.map(toSubscription), total: total.rows[0]!.n };
  }

  /** A subscription that is not deleted (or, with `deleted`, one that is too), with its owner. */
  async find(id: string, options: { deleted?: boolean } = {}): Promise<(Subscription & { ownerKeyId: string }) | undefined> {
    const result = await this.pool.query<SubscriptionRow>(
      `SELECT ${COLUMNS} FROM subscriptions WHERE id = $1 AND ($2 OR status <> 'deleted')`,
      [id, options.deleted === true],
    );
    const row = result.rows[0];
    return row ? { ...toSubscription(row), ownerKeyId: row.owner_key_id } : undefined;
  }

  /** Deletes it: nothing more is delivered, pending deliveries are cancelled, the attempts stay on record. */
  async delete(id: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(`UPDATE subscriptions SET status = 'deleted', status_changed_at = now(), status_reason = 'deleted by its owner' WHERE id = $1`, [id]);
      await client.query(
        `UPDATE deliveries SET status = 'cancelled', last_error = 'the subscription was deleted' WHERE subscription_id = $1 AND status = 'pending'`,
        [id],
      );
    });
  }

  /**
   * The recipient of an e-mail subscription stops it with the link in its e-mails: disabled, with a
   * reason its owner reads, and what was still to be sent is cancelled. Answers whether this call
   * stopped it, and how it stands (stopped before, by its owner or by an earlier click, is the same
   * to the recipient: nothing more is sent); undefined for no e-mail subscription of that id.
   */
  async stopByRecipient(id: string): Promise<{ stoppedNow: boolean; status: string } | undefined> {
    return inTransaction(this.pool, async (client) => {
      const result = await client.query<{ status: string }>(`SELECT status FROM subscriptions WHERE id = $1 AND channel = 'email' FOR UPDATE`, [id]);
      const status = result.rows[0]?.status;
      if (status === undefined) return undefined;
      if (status !== 'active') return { stoppedNow: false, status };
      await disableSubscription(client, id, `Its recipient unsubscribed with the link in an e-mail on ${new Date().toISOString()}.`);
      return { stoppedNow: true, status: 'disabled' };
    });
  }

  /** Resumes a disabled subscription (after a 410 or its recipient's unsubscribing); what was cancelled meanwhile stays cancelled. */
  async enable(id: string): Promise<Subscription | undefined> {
    const result = await this.pool.query<SubscriptionRow>(
      `UPDATE subscriptions SET status = 'active', status_reason = NULL, status_changed_at = now()
       WHERE id = $1 AND status <> 'deleted' RETURNING ${COLUMNS}`,
      [id],
    );
    const row = result.rows[0];
    return row ? toSubscription(row) : undefined;
  }

  /**
   * Gives a webhook a new signing secret, answered this once and stored sealed. The secret it replaces
   * keeps signing deliveries beside the new one for `graceSeconds` (none when 0), so the receiver can
   * change over without refusing one; a rotation during another's grace ends that grace: the secret
   * before it stops at once. `db` is a transaction's client when the rotation must commit with
   * something else (its Idempotency-Key record). Dated no earlier than the rotation before it: now()
   * is when the transaction began, and a rotation that waited for another's lock would otherwise be
   * dated before the one whose secret it replaced.
   */
  async rotateSecret(id: string, graceSeconds: number, db: pg.Pool | pg.PoolClient = this.pool): Promise<SecretRotation> {
    const secret = newWebhookSecret();
    const result = await db.query<SubscriptionRow>(
      `UPDATE subscriptions
         SET previous_secret_sealed = CASE WHEN $3::int > 0 THEN secret_sealed END,
             previous_secret_valid_until = CASE WHEN $3::int > 0 THEN greatest(now(), secret_rotated_at) + make_interval(secs => $3::int) END,
             secret_sealed = $2,
             secret_rotated_at = greatest(now(), secret_rotated_at)
       WHERE id = $1 AND channel = 'webhook' AND status <> 'deleted'
       RETURNING ${COLUMNS}`,
      [id, this.secrets.seal(secret), graceSeconds],
    );
    const row = result.rows[0];
    if (row) return { outcome: 'rotated', subscription: toSubscription(row), secret };
    const other = await db.query<{ channel: SubscriptionChannel }>(`SELECT channel FROM subscriptions WHERE id = $1 AND status <> 'deleted'`, [id]);
    return other.rows[0] ? { outcome: 'not_webhook', channel: other.rows[0].channel } : { outcome: 'not_found' };
  }

  /** Every recorded attempt for the subscription, newest first, paged by attempt id (`before`). */
  async attempts(subscriptionId: string, page: { limit: number; before?: number }): Promise<{ items: DeliveryAttempt[]; nextBefore: number | null }> {
    const result = await this.pool.query<{
      id: string;
      delivery_id: string;
      notification_id: string;
      type: NotificationType;
      attempt: number;
      attempted_at: Date;
      outcome: 'delivered' | 'failed';
      status_code: number | null;
      latency_ms: number;
      error: string | null;
      response_excerpt: string | null;
      delivery_status: DeliveryAttempt['delivery']['status'];
      next_attempt_at: Date;
    }>(
      `SELECT a.id, a.delivery_id, a.notification_id, n.type, a.attempt, a.attempted_at, a.outcome, a.status_code, a.latency_ms,
         a.error, a.response_excerpt, d.status AS delivery_status, d.next_attempt_at
       FROM delivery_attempts a JOIN notifications n ON n.id = a.notification_id JOIN deliveries d ON d.id = a.delivery_id
       WHERE a.subscription_id = $1 AND ($2::bigint IS NULL OR a.id < $2)
       ORDER BY a.id DESC LIMIT $3`,
      [subscriptionId, page.before ?? null, page.limit + 1],
    );
    const rows = result.rows.slice(0, page.limit);
    return {
      items: rows.map((row) => ({
        id: Number(row.id),
        deliveryId: row.delivery_id,
        notificationId: row.notification_id,
        notificationType: row.type,
        attempt: row.attempt,
        attemptedAt: row.attempted_at.toISOString(),
        status: row.outcome,
        statusCode: row.status_code,
        latencyMs: row.latency_ms,
        error: row.error,
        responseExcerpt: row.response_excerpt,
        delivery: { status: row.delivery_status, nextAttemptAt: row.delivery_status === 'pending' ? row.next_attempt_at.toISOString() : null },
      })),
      nextBefore: result.rows.length > page.limit ? Number(rows.at(-1)!.id) : null,
    };
  }
}

function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    channel: row.channel,
    ...(row.channel === 'webhook'
      ? {
          url: row.target!,
          secretRotatedAt: row.secret_rotated_at?.toISOString() ?? null,
          previousSecretValidUntil: row.previous_secret_valid_until?.toISOString() ?? null,
        }
      : {}),
    ...(row.channel === 'email' ? { address: row.target! } : {}),
    filter: { projectIds: row.project_ids, countries: row.countries, types: row.types },
    status: row.status,
    statusReason: row.status_reason,
    createdAt: row.created_at.toISOString(),
  };
}
