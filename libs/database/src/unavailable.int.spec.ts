import { describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort } from '../../../test/support/processes.js';
import { isUnavailable } from './unavailable.js';

/** The error a call to a dependency that is not there rejects with, as the driver makes it. */
async function rejectionOf(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('the call did not fail');
}

describe('isUnavailable', () => {
  it('knows PostgreSQL refusing connections', async () => {
    const port = await freePort();
    const error = await rejectionOf(() => new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${port}/x` }).query('SELECT 1'));
    expect(isUnavailable(error)).toBe(true);
  });

  it('knows Redis gone, when a command has used up its retries (what the admin endpoints met: a 500)', async () => {
    const port = await freePort();
    const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, retryStrategy: () => 10, lazyConnect: true });
    redis.on('error', () => undefined);
    try {
      const error = await rejectionOf(() => redis.get('k'));
      expect((error as Error).name).toBe('MaxRetriesPerRequestError');
      expect(isUnavailable(error)).toBe(true);
    } finally {
      redis.disconnect();
    }
  });

  it('knows a fault from an outage', () => {
    expect(isUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isUnavailable(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false);
  });
});
