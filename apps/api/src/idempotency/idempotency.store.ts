import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '@app/database';

/** The first answer to a request made with an Idempotency-Key, stored with what the request wrote. */
export interface IdempotentAnswer {
  requestHash: string;
  status: number;
  /** The answer as sent, less any secret it showed once: a secret is never stored here, not even sealed. */
  body: unknown;
  /** True when the first answer showed a secret once (a webhook's signing secret, an API key's secret). */
  secretWithheld: boolean;
}

/** Keys are scoped to the API key that sent them: two clients may pick the same key without colliding. */
@Injectable()
export class IdempotencyStore {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async find(apiKeyId: string, idempotencyKey: string): Promise<IdempotentAnswer | undefined> {
    const result = await this.pool.query<{ request_hash: string; status_code: number; response: unknown; secret_withheld: boolean }>(
      `SELECT request_hash, status_code, response, secret_withheld FROM idempotency_records
       WHERE api_key_id = $1 AND idempotency_key = $2`,
      [apiKeyId, idempotencyKey],
    );
    const row = result.rows[0];
    return row && { requestHash: row.request_hash, status: row.status_code, body: row.response, secretWithheld: row.secret_withheld };
  }

  /**
   * Records the answer in the caller's transaction, so it exists exactly when what the request wrote
   * does. A second record under one key fails on the primary key (`idempotency_records_pkey`), after
   * waiting for the first one's transaction: that decides between concurrent requests.
   */
  async record(client: pg.PoolClient, apiKeyId: string, idempotencyKey: string, answer: IdempotentAnswer): Promise<void> {
    await client.query(
      `INSERT INTO idempotency_records (api_key_id, idempotency_key, request_hash, status_code, response, secret_withheld)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [apiKeyId, idempotencyKey, answer.requestHash, answer.status, JSON.stringify(answer.body), answer.secretWithheld],
    );
  }
}
