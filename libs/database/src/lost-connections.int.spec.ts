import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestEnvironment, type TestEnvironment } from '../../../test/support/test-environment.js';
import { survivesLostConnections } from './lost-connections.js';

let env: TestEnvironment;
let pool: pg.Pool;
const lost: Error[] = [];

beforeAll(async () => {
  env = await createTestEnvironment('lost_connections');
  pool = survivesLostConnections(new pg.Pool({ connectionString: env.config.databaseUrl, max: 2 }), (error) => lost.push(error));
});

afterAll(async () => {
  await pool.end();
  await env.dispose();
});

/** Ends the backend behind a client, as a server restart would, from another connection. */
async function terminate(client: pg.PoolClient): Promise<void> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const admin = new pg.Client({ connectionString: env.config.databaseUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
  } finally {
    await admin.end();
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

// Without the pool's listeners either case below throws an uncaught 'error' event, which fails the run.
it('lives through the connection of a checked-out client being lost between its queries, and of one in the middle of a query', async () => {
  const between = await pool.connect();
  await terminate(between);
  await settle();
  await expect(between.query('SELECT 1')).rejects.toThrow();
  between.release(true);

  const during = await pool.connect();
  const pid = (await during.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const sleeping = during.query('SELECT pg_sleep(5)');
  await pool.query('SELECT pg_terminate_backend($1)', [pid]);
  await expect(sleeping).rejects.toThrow(/terminating connection/);
  await settle();
  during.release(true);

  // Told of both losses (pg may report one twice: the server's notice, then the socket's end).
  expect(lost.length).toBeGreaterThanOrEqual(2);
  for (const error of lost) expect(error.message).toMatch(/terminat/i);
  await expect(pool.query('SELECT 2 AS n')).resolves.toMatchObject({ rows: [{ n: 2 }] });
});
