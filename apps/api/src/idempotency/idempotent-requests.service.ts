import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '@app/database';
import { inTransaction } from '@app/event-store';
import { ProblemException } from '../common/problem.js';
import { idempotencyKeyReused } from './idempotency.errors.js';
import { IdempotencyStore } from './idempotency.store.js';
import type { IdempotentRequest } from './idempotent-request.js';

/** An answer to a request that honours Idempotency-Key: the first one, or its replay. */
export interface Answer<B> {
  status: number;
  body: B;
  /** True for the stored first answer to an Idempotency-Key (sent as `Idempotent-Replayed: true`). */
  replayed: boolean;
}

/** What a write answers, and the secret the answer shows this once, if any (sent as its `secret` member). */
export interface ShownOnce<B> {
  body: B;
  secret?: string;
}

/**
 * A write outside the event store (a subscription, an API key) run so that Idempotency-Key holds for it
 * as it does for project commands.
 */
export interface IdempotentWrite<P, B extends object> {
  status: 200 | 201;
  /**
   * Checks and reads before the write, which may be slow (resolving a webhook's host): not run for a
   * replay, and outside the transaction, so no connection is held meanwhile. A throw stores nothing.
   */
  prepare: () => Promise<P>;
  /** The write, in the transaction that records its answer. A throw rolls both back: nothing is stored. */
  write: (client: pg.PoolClient, prepared: P) => Promise<ShownOnce<B>>;
  /** The refusal of a retry whose first answer showed a secret, naming what that answer made. */
  secretShownOnce?: (first: B) => ProblemException;
}

/**
 * Idempotency-Key for every write that honours it: a retry with the same key and request stores nothing
 * and answers the first answer; the key with another request is 422; keys are scoped per API key.
 *
 * A first answer that showed a secret once is stored without it, and its retry answers 409
 * IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE naming what was made, instead of the secret. Keeping the secret to
 * show it again, even sealed under SECRETS_KEY, would make "shown once" untrue: an API key's secret,
 * stored only as a hash so far, could be recovered from a backup and the settings; and anyone who later
 * held the caller's key and an old Idempotency-Key (they travel in client logs and retry queues) could
 * fetch a live credential or a webhook signing secret, for as long as the record lives. The 409 tells
 * an integrator exactly what exists, so it can finish cleanly (delete or revoke it, or rotate again)
 * without a duplicate.
 */
@Injectable()
export class IdempotentRequests {
  constructor(
    private readonly store: IdempotencyStore,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
  ) {}

  /**
   * The first answer to `request` under the caller's key; undefined when the key is new. Throws 422 when
   * the key was used for another request, and `secretShownOnce` when the first answer showed a secret.
   */
  async replay<B>(apiKeyId: string, request: IdempotentRequest, secretShownOnce?: (first: B) => ProblemException): Promise<Answer<B> | undefined> {
    const first = await this.store.find(apiKeyId, request.key);
    if (!first) return undefined;
    if (first.requestHash !== request.requestHash) throw idempotencyKeyReused(request.key);
    if (first.secretWithheld) {
      // Only a route whose answers hold secrets stores such a record, and one request hash is one route.
      if (!secretShownOnce) throw new Error(`Idempotency-Key record with a withheld secret replayed on a route that shows none`);
      throw secretShownOnce(first.body as B);
    }
    return { status: first.status, body: first.body as B, replayed: true };
  }

  /** Records the first answer in the transaction of the write it answers (project commands append with it). */
  async record(client: pg.PoolClient, apiKeyId: string, request: IdempotentRequest, status: number, answer: ShownOnce<object>): Promise<void> {
    await this.store.record(client, apiKeyId, request.key, {
      requestHash: request.requestHash,
      status,
      body: answer.body,
      secretWithheld: answer.secret !== undefined,
    });
  }

  /**
   * Runs a write, or replays its first answer. Concurrent requests with one key may all get past the
   * first look-up; the idempotency record's primary key then lets one commit, and every other one rolls
   * its write back and replays. So does one whose write the first one's made fail (a refusal of what
   * already exists, when the writes take turns): when its key has an answer by then, that is its answer.
   */
  async run<P, B extends object>(apiKeyId: string, request: IdempotentRequest | undefined, write: IdempotentWrite<P, B>): Promise<Answer<B & { secret?: string }>> {
    if (request) {
      const first = await this.replay(apiKeyId, request, write.secretShownOnce);
      if (first) return first;
    }
    const prepared = await write.prepare();
    try {
      const answer = await inTransaction(this.pool, async (client) => {
        const written = await write.write(client, prepared);
        if (request) await this.record(client, apiKeyId, request, write.status, written);
        return written;
      });
      const body = answer.secret === undefined ? answer.body : { ...answer.body, secret: answer.secret };
      return { status: write.status, body, replayed: false };
    } catch (error) {
      if (request) {
        // A look-up that cannot be made (PostgreSQL gone) leaves the write's own failure to answer.
        const first = await this.replay(apiKeyId, request, write.secretShownOnce).catch((lookUp: unknown) => {
          if (lookUp instanceof ProblemException) throw lookUp;
          return undefined;
        });
        if (first) return first;
      }
      throw error;
    }
  }
}
