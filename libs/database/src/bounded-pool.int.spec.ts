import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createTestEnvironment, type TestEnvironment } from '../../../test/support/test-environment.js';
import { BoundedPool, POOL_QUEUE_FULL } from './bounded-pool.js';

let env: TestEnvironment;
let pool: BoundedPool;

beforeAll(async () => {
  env = await createTestEnvironment('bounded_pool');
  pool = new BoundedPool({ connectionString: env.config.databaseUrl, max: 1, connectionTimeoutMillis: 10_000 }, 2);
  pool.on('error', () => undefined);
});

afterAll(async () => {
  await pool.end();
  await env.dispose();
});

it('refuses at once a request for a connection beyond the waiting ones it allows, and serves again once they are done', async () => {
  const held = await pool.connect();
  const waiting = [pool.query('SELECT 1 AS n'), pool.connect()];
  await expect(pool.query('SELECT 2 AS n')).rejects.toThrow(POOL_QUEUE_FULL);
  await expect(pool.connect()).rejects.toThrow(POOL_QUEUE_FULL);
  expect(pool.waitingCount).toBe(2);
  held.release();
  const [first, second] = await Promise.all(waiting);
  expect((first as { rows: unknown[] }).rows).toEqual([{ n: 1 }]);
  (second as { release(): void }).release();
  await expect(pool.query('SELECT 3 AS n')).resolves.toMatchObject({ rows: [{ n: 3 }] });
});
