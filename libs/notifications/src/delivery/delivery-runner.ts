import type pg from 'pg';
import { inTransaction } from '@app/event-store';
import type { DeliveryOutcome, DeliveryTarget, NotificationChannel } from '../channels/notification-channel.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { type DeliveryRef, NOTIFICATION_COLUMNS, type NotificationRow, toStoredNotification } from '../store/notification-store.js';
import type { SubscriptionChannel } from '../subscriptions/subscription.js';
import { retryDelayMs } from './retry-schedule.js';

/** How often a run that found its delivery held by another looks again. */
const LEASE_RECHECK_MS = 1_000;

/** How many deliveries one run takes down a subscription's line before it lets other subscriptions' jobs go first. */
export const DELIVERIES_PER_RUN = 100;

/** An attempt made: the delivery it was for, and how it went. */
export type DeliveryAttempted =
  /** Sent now; the attempt that succeeded. */
  | { kind: 'delivered'; deliveryId: string; attempt: number; channel: SubscriptionChannel; latencyMs: number }
  /** This attempt failed; the next is due at `at`, and the deliveries behind it wait for it. */
  | { kind: 'retry'; deliveryId: string; attempt: number; at: Date; error: string; channel: SubscriptionChannel; latencyMs: number }
  /** This attempt failed for good (retries used up, a permanent refusal, 410 Gone). */
  | { kind: 'failed'; deliveryId: string; attempt: number; error: string; channel: SubscriptionChannel; latencyMs: number };

/** What became of a job's own delivery. */
export type DeliveryResult =
  | DeliveryAttempted
  /** Nothing to do: already delivered, failed or cancelled, or no such delivery. */
  | { kind: 'settled'; status: string }
  /**
   * Not now: another run is sending it, its next attempt is not due yet, or the first in its line waits
   * for a retry this job is to make. Try again at `until`.
   */
  | { kind: 'wait'; until: Date }
  /**
   * Behind an earlier delivery to its subscription that is not settled yet. The run that settles that one
   * carries on down the line to this one (or hands the line to a job of its own); this job has no more to do.
   */
  | { kind: 'queued'; behind: string };

/** One run of a delivery job: what became of its delivery, and every attempt it made down the line. */
export interface DeliveryRun {
  result: DeliveryResult;
  /** Its own delivery's attempt and those of the deliveries after it in its subscription's line, in order. */
  attempts: DeliveryAttempted[];
  /**
   * The run took its share of the line and stopped with this one's turn come: a job for it carries on.
   * Only when the job's own delivery is settled; one still pending comes back itself (`wait`).
   */
  handOff?: DeliveryRef;
}

export interface DeliveryRunnerOptions {
  retryDelaysMs: readonly number[];
  /** How long a run may hold a delivery before another may take it over (a crashed worker). */
  leaseMs: number;
  /** How many deliveries of one line a run takes at most (DELIVERIES_PER_RUN). */
  perRun?: number;
}

/** The leased delivery with its subscription and its notification (whose column names are all distinct). */
interface ClaimRow extends NotificationRow {
  delivery_id: string;
  attempts: number;
  notification_id: string;
  subscription_id: string;
  owner_key_id: string;
  channel: SubscriptionChannel;
  target: string | null;
  secret_sealed: string | null;
  /** Only while the last rotation's grace lasts. */
  previous_secret_sealed: string | null;
  status: string;
  key_valid: boolean;
}

/** A job's own delivery as it stands, and the first in its subscription's line. */
interface StandingRow {
  status: string;
  next_attempt_at: Date;
  lease_until: Date | null;
  head_id: string | null;
  head_notification_id: string | null;
  head_subscription_id: string | null;
  /** The first in line is due and no run holds it: its turn has come. */
  head_free: boolean | null;
}

/**
 * Makes deliveries, one (notification, subscription) pair at a time and, per subscription, in order: a
 * subscription's deliveries form a line by `seq`, and only the first in line that is not settled
 * (delivered, failed for good, cancelled) may be sent. A run leases the first in line when it is due and
 * no other run holds it (attempts + 1; the condition and the lease are one conditional update, so two
 * runs never both get it), sends, then records the attempt and the outcome in one statement. Once that one
 * is settled it carries on with the next in line, up to `perRun`; a failed attempt stops the line until its
 * retry, which the job that made it waits for in BullMQ's delayed set, holding no worker slot.
 *
 * A job whose delivery is further back has nothing to do (`queued`): the run that settles the one before
 * it carries on to it. A redelivered job finds its delivery settled and sends nothing; one that arrives
 * while another run is sending it waits for that run. Only a crash between a successful send and its
 * record (lease expiry) can send twice, and the webhook-id and Message-ID let receivers drop that; a
 * crash that leaves a line with no job is found by the poll (findStrandedDeliveries).
 */
export class DeliveryRunner {
  private readonly perRun: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channels: Record<SubscriptionChannel, NotificationChannel>,
    private readonly secrets: SecretBox,
    private readonly options: DeliveryRunnerOptions,
  ) {
    this.perRun = options.perRun ?? DELIVERIES_PER_RUN;
  }

  async run(deliveryId: string): Promise<DeliveryRun> {
    const attempts: DeliveryAttempted[] = [];
    let own: DeliveryResult | undefined;
    let taken = 0;
    while (taken < this.perRun) {
      const claim = await this.claimFirstInLine(deliveryId);
      if (!claim) break;
      taken++;
      const result = await this.attempt(claim);
      if (claim.delivery_id === deliveryId) own = result;
      if (result.kind === 'settled') continue;
      attempts.push(result);
      // The line waits for this retry, and so does this job, whatever became of its own delivery: it makes the retry.
      if (result.kind === 'retry') return { result: claim.delivery_id === deliveryId ? result : { kind: 'wait', until: result.at }, attempts };
    }
    const standing = await this.standing(deliveryId);
    if (taken >= this.perRun && standing?.head_free) {
      // Its share of the line taken: the job goes to the back of the queue, or a new one does.
      if (standing.status === 'pending') return { result: { kind: 'wait', until: new Date() }, attempts };
      return {
        result: own ?? { kind: 'settled', status: standing.status },
        attempts,
        handOff: { deliveryId: standing.head_id!, notificationId: standing.head_notification_id!, subscriptionId: standing.head_subscription_id! },
      };
    }
    return { result: own ?? whyNot(standing), attempts };
  }

  /**
   * Leases the first in line of the delivery's subscription, when it is due and no run holds it, and
   * reads what sending needs, in one round trip. Settled deliveries are never pending again, so a
   * delivery read as first in line has none before it that is still to settle.
   */
  private async claimFirstInLine(deliveryId: string): Promise<ClaimRow | undefined> {
    const claimed = await this.pool.query<ClaimRow>(
      `WITH first_in_line AS (
         SELECT d.id FROM deliveries d
         WHERE d.subscription_id = (SELECT subscription_id FROM deliveries WHERE id = $1) AND d.status = 'pending'
         ORDER BY d.seq
         LIMIT 1
       ),
       claimed AS (
         UPDATE deliveries d SET attempts = d.attempts + 1, lease_until = now() + make_interval(secs => $2::double precision / 1000)
         FROM first_in_line f
         WHERE d.id = f.id AND d.status = 'pending' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
         RETURNING d.id, d.attempts, d.notification_id, d.subscription_id
       )
       SELECT c.id AS delivery_id, c.attempts, c.notification_id, c.subscription_id, s.owner_key_id, s.channel, s.target, s.secret_sealed, s.status,
         CASE WHEN s.previous_secret_valid_until > now() THEN s.previous_secret_sealed END AS previous_secret_sealed,
         (k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())) AS key_valid,
         ${NOTIFICATION_COLUMNS.split(', ').map((column) => `n.${column}`).join(', ')}
       FROM claimed c
       JOIN subscriptions s ON s.id = c.subscription_id
       JOIN api_keys k ON k.id = s.owner_key_id
       JOIN notifications n ON n.id = c.notification_id`,
      [deliveryId, this.options.leaseMs],
    );
    return claimed.rows[0];
  }

  /** Sends a leased delivery and records how it went; one for a stopped subscription is cancelled instead. */
  private async attempt(claim: ClaimRow): Promise<DeliveryAttempted | { kind: 'settled'; status: string }> {
    if (claim.status !== 'active' || !claim.key_valid) {
      const reason =
        claim.status === 'deleted' ? 'the subscription was deleted' : claim.key_valid ? 'the subscription is disabled' : "the subscriber's API key is no longer valid";
      await this.pool.query(
        `UPDATE deliveries SET status = 'cancelled', attempts = attempts - 1, lease_until = NULL, last_error = $2 WHERE id = $1`,
        [claim.delivery_id, reason],
      );
      return { kind: 'settled', status: 'cancelled' };
    }
    const notification = toStoredNotification(claim);
    const target: DeliveryTarget = {
      subscriptionId: claim.subscription_id,
      ownerKeyId: claim.owner_key_id,
      target: claim.target,
      secrets: [claim.secret_sealed, claim.previous_secret_sealed].filter((sealed) => sealed !== null).map((sealed) => this.secrets.open(sealed)),
    };
    const attemptedAt = new Date();
    const outcome = await this.channels[claim.channel].send(notification, target);
    return this.record(claim, attemptedAt, outcome);
  }

  /** Records the attempt and what it leaves the delivery as, together. */
  private async record(claim: ClaimRow, attemptedAt: Date, outcome: DeliveryOutcome): Promise<DeliveryAttempted> {
    const deliveryId = claim.delivery_id;
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
    if (outcome.ok) return { kind: 'delivered', deliveryId, attempt, channel, latencyMs };
    if (retryAt) return { kind: 'retry', deliveryId, attempt, at: retryAt, error: error!, channel, latencyMs };
    return { kind: 'failed', deliveryId, attempt, error: error!, channel, latencyMs };
  }

  private async standing(deliveryId: string): Promise<StandingRow | undefined> {
    const result = await this.pool.query<StandingRow>(
      `SELECT d.status, d.next_attempt_at, d.lease_until, h.id AS head_id, h.notification_id AS head_notification_id,
         h.subscription_id AS head_subscription_id,
         (h.next_attempt_at <= now() AND (h.lease_until IS NULL OR h.lease_until < now())) AS head_free
       FROM deliveries d
       LEFT JOIN LATERAL (
         SELECT id, notification_id, subscription_id, next_attempt_at, lease_until FROM deliveries
         WHERE subscription_id = d.subscription_id AND status = 'pending' ORDER BY seq LIMIT 1
       ) h ON true
       WHERE d.id = $1`,
      [deliveryId],
    );
    return result.rows[0];
  }
}

/** Why a job could not take its own delivery, from where it stands. */
function whyNot(row: StandingRow | undefined): DeliveryResult {
  if (!row) return { kind: 'settled', status: 'missing' };
  if (row.status !== 'pending') return { kind: 'settled', status: row.status };
  const now = Date.now();
  // Held by another run: look again shortly, as that run usually settles it long before its lease ends.
  if (row.lease_until && row.lease_until.getTime() > now) return { kind: 'wait', until: new Date(Math.min(row.lease_until.getTime(), now + LEASE_RECHECK_MS)) };
  if (row.next_attempt_at.getTime() > now) return { kind: 'wait', until: row.next_attempt_at };
  // First in line, due and free, yet not taken: another run settled the one before it a moment ago and
  // is taking it now. Look again shortly rather than trust that.
  if (row.head_id === null || row.head_free) return { kind: 'wait', until: new Date(now + 50) };
  return { kind: 'queued', behind: row.head_id };
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
 * The first in line of each subscription, when its attempt is overdue by more than `graceMs` and no run
 * holds it: its job was lost (Redis keeps nothing on disk), never enqueued (a crash right after the
 * notifier's commit), or the run that was to carry the line on to it crashed. Those behind it are not
 * offered: they wait for it, and the run that settles it carries on to them. Offering one again is
 * harmless: the job id is fixed, and the rows decide.
 */
export async function findStrandedDeliveries(db: Pick<pg.Pool, 'query'>, graceMs: number, limit = 1000) {
  const result = await db.query<{ id: string; notification_id: string; subscription_id: string }>(
    `SELECT first.id, first.notification_id, first.subscription_id
     FROM subscriptions s
     CROSS JOIN LATERAL (
       SELECT d.id, d.notification_id, d.subscription_id, d.next_attempt_at, d.lease_until FROM deliveries d
       WHERE d.subscription_id = s.id AND d.status = 'pending'
       ORDER BY d.seq
       LIMIT 1
     ) first
     WHERE first.next_attempt_at < now() - make_interval(secs => $1::double precision / 1000)
       AND (first.lease_until IS NULL OR first.lease_until < now())
     ORDER BY first.next_attempt_at
     LIMIT $2`,
    [graceMs, limit],
  );
  return result.rows.map((row) => ({ deliveryId: row.id, notificationId: row.notification_id, subscriptionId: row.subscription_id }));
}
