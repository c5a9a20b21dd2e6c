import type pg from 'pg';
import { inTransaction } from '@app/event-store';
import type { DeliveryOutcome, DeliveryTarget, NotificationChannel } from '../channels/notification-channel.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { NOTIFICATION_COLUMNS, type NotificationRow, toStoredNotification } from '../store/notification-store.js';
import type { SubscriptionChannel } from '../subscriptions/subscription.js';
import { retryDelayMs } from './retry-schedule.js';

/** How often a run that found the delivery held by another looks again. */
const LEASE_RECHECK_MS = 1_000;

export type DeliveryResult =
  /** Sent now; the attempt that succeeded. */
  | { kind: 'delivered'; attempt: number; channel: SubscriptionChannel; latencyMs: number }
  /** This attempt failed; the next is due at `at`. */
  | { kind: 'retry'; attempt: number; at: Date; error: string; channel: SubscriptionChannel; latencyMs: number }
  /** This attempt failed for good (retries used up, a permanent refusal, 410 Gone). */
  | { kind: 'failed'; attempt: number; error: string; channel: SubscriptionChannel; latencyMs: number }
  /** Nothing to do: already delivered, failed or cancelled, or no such delivery. */
  | { kind: 'settled'; status: string }
  /** Not now: another run holds it, or its next attempt is not due yet. Try again at `until`. */
  | { kind: 'wait'; until: Date };

export interface DeliveryRunnerOptions {
  retryDelaysMs: readonly number[];
  /** How long a run may hold a delivery before another may take it over (a crashed worker). */
  leaseMs: number;
}

/** The leased delivery with its subscription and its notification (whose column names are all distinct). */
interface ClaimRow extends NotificationRow {
  attempts: number;
  notification_id: string;
  subscription_id: string;
  owner_key_id: string;
  channel: SubscriptionChannel;
  target: string | null;
  secret_sealed: string | null;
  status: string;
  key_valid: boolean;
}

/**
 * Makes one delivery: one (notification, subscription) pair. The deliveries row decides, not the queue:
 * a run first leases a pending, due row (attempts + 1), sends, then records the attempt and the outcome
 * in one transaction. A redelivered job finds the row delivered and sends nothing; one that arrives while
 * another run is sending finds the lease and waits for it. Only a crash between a successful send and
 * its record (lease expiry) can send twice, and the webhook-id and Message-ID let receivers drop that.
 */
export class DeliveryRunner {
  constructor(
    private readonly pool: pg.Pool,
    private readonly channels: Record<SubscriptionChannel, NotificationChannel>,
    private readonly secrets: SecretBox,
    private readonly options: DeliveryRunnerOptions,
  ) {}

  async run(deliveryId: string): Promise<DeliveryResult> {
    // Lease the row and read what sending needs, in one round trip.
    const claimed = await this.pool.query<ClaimRow>(
      `WITH claimed AS (
         UPDATE deliveries SET attempts = attempts + 1, lease_until = now() + make_interval(secs => $2::double precision / 1000)
         WHERE id = $1 AND status = 'pending' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
         RETURNING attempts, notification_id, subscription_id
       )
       SELECT c.attempts, c.notification_id, c.subscription_id, s.owner_key_id, s.channel, s.target, s.secret_sealed, s.status,
         (k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())) AS key_valid,
         ${NOTIFICATION_COLUMNS.split(', ').map((column) => `n.${column}`).join(', ')}
       FROM claimed c
       JOIN subscriptions s ON s.id = c.subscription_id
       JOIN api_keys k ON k.id = s.owner_key_id
       JOIN notifications n ON n.id = c.notification_id`,
      [deliveryId, this.options.leaseMs],
    );
    const claim = claimed.rows[0];
    if (!claim) return this.whyNot(deliveryId);

    if (claim.status !== 'active' || !claim.key_valid) {
      const reason =
        claim.status === 'deleted' ? 'the subscription was deleted' : claim.key_valid ? 'the subscription is disabled' : "the subscriber's API key is no longer valid";
      await this.pool.query(
        `UPDATE deliveries SET status = 'cancelled', attempts = attempts - 1, lease_until = NULL, last_error = $2 WHERE id = $1`,
        [deliveryId, reason],
      );
      return { kind: 'settled', status: 'cancelled' };
    }
    const notification = toStoredNotification(claim);
    const target: DeliveryTarget = {
      subscriptionId: claim.subscription_id,
      ownerKeyId: claim.owner_key_id,
      target: claim.target,
      secret: claim.secret_sealed ? this.secrets.open(claim.secret_sealed) : null,
    };
    const attemptedAt = new Date();
    const outcome = await this.channels[claim.channel].send(notification, target);
    return this.record(deliveryId, claim, attemptedAt, outcome);
  }

  /** Records the attempt and what it leaves the delivery as, together. */
  private async record(deliveryId: string, claim: ClaimRow, attemptedAt: Date, outcome: DeliveryOutcome): Promise<DeliveryResult> {
    const attempt = claim.attempts;
    const error = outcome.ok ? null : (outcome.error ?? 'failed');
    const delay = outcome.ok || outcome.gone || outcome.permanent ? null : retryDelayMs(this.options.retryDelaysMs, attempt);
    const retryAt = delay === null ? null : new Date(Date.now() + delay);
    const status = outcome.ok ? 'delivered' : retryAt ? 'pending' : 'failed';
    const recordAttempt = (db: Pick<pg.ClientBase, 'query'>) =>
      db.query(
        `WITH attempt AS (
           INSERT INTO delivery_attempts (delivery_id, subscription_id, notification_id, attempt, attempted_at, outcome, status_code,
             latency_ms, error, response_excerpt)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         )
         UPDATE deliveries SET status = $11, lease_until = NULL, last_error = $9,
           delivered_at = CASE WHEN $11 = 'delivered' THEN now() END, next_attempt_at = COALESCE($12, next_attempt_at)
         WHERE id = $1`,
        [
          deliveryId,
          claim.subscription_id,
          claim.notification_id,
          attempt,
          attemptedAt,
          outcome.ok ? 'delivered' : 'failed',
          outcome.statusCode,
          outcome.latencyMs,
          error,
          outcome.responseExcerpt,
          status,
          retryAt,
        ],
      );
    if (outcome.gone) {
      await inTransaction(this.pool, async (client) => {
        await recordAttempt(client);
        await disableSubscription(client, claim.subscription_id, 'The receiver answered 410 Gone.');
      });
    } else {
      // One statement, so one transaction: the attempt and the delivery's new state are written together.
      await recordAttempt(this.pool);
    }
    const { channel } = claim;
    const latencyMs = outcome.latencyMs;
    if (outcome.ok) return { kind: 'delivered', attempt, channel, latencyMs };
    if (retryAt) return { kind: 'retry', attempt, at: retryAt, error: error!, channel, latencyMs };
    return { kind: 'failed', attempt, error: error!, channel, latencyMs };
  }

  private async whyNot(deliveryId: string): Promise<DeliveryResult> {
    const result = await this.pool.query<{ status: string; next_attempt_at: Date; lease_until: Date | null }>(
      'SELECT status, next_attempt_at, lease_until FROM deliveries WHERE id = $1',
      [deliveryId],
    );
    const row = result.rows[0];
    if (!row) return { kind: 'settled', status: 'missing' };
    if (row.status !== 'pending') return { kind: 'settled', status: row.status };
    const now = Date.now();
    // Held by another run: look again shortly, as that run usually settles it long before its lease ends.
    const until = row.lease_until && row.lease_until.getTime() > now ? Math.min(row.lease_until.getTime(), now + LEASE_RECHECK_MS) : row.next_attempt_at.getTime();
    return { kind: 'wait', until: new Date(Math.max(until, now + 50)) };
  }
}

/** Stops a subscription and cancels what was still to be delivered to it. */
export async function disableSubscription(client: pg.PoolClient, subscriptionId: string, reason: string): Promise<void> {
  await client.query(
    `UPDATE subscriptions SET status = 'disabled', status_reason = $2, status_changed_at = now() WHERE id = $1 AND status = 'active'`,
    [subscriptionId, reason],
  );
  await client.query(
    `UPDATE deliveries SET status = 'cancelled', last_error = 'the subscription was disabled', lease_until = NULL
     WHERE subscription_id = $1 AND status = 'pending' AND (lease_until IS NULL OR lease_until < now())`,
    [subscriptionId],
  );
}

/**
 * Pending deliveries whose attempt is overdue by more than `graceMs` and that no run holds: their job
 * was lost (Redis keeps nothing on disk) or never enqueued (a crash right after the notifier's commit).
 * Offering them again is harmless: the job id is fixed, and the row decides.
 */
export async function findStrandedDeliveries(db: Pick<pg.Pool, 'query'>, graceMs: number, limit = 1000) {
  const result = await db.query<{ id: string; notification_id: string; subscription_id: string }>(
    `SELECT id, notification_id, subscription_id FROM deliveries
     WHERE status = 'pending' AND next_attempt_at < now() - make_interval(secs => $1::double precision / 1000)
       AND (lease_until IS NULL OR lease_until < now())
     ORDER BY next_attempt_at
     LIMIT $2`,
    [graceMs, limit],
  );
  return result.rows.map((row) => ({ deliveryId: row.id, notificationId: row.notification_id, subscriptionId: row.subscription_id }));
}
