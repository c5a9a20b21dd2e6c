import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { INBOX_CHANNEL } from '@app/notifications';
import { openStoreDatabase } from '../../../../test/support/store-database.js';
import { eventually, type TestEnvironment } from '../../../../test/support/test-environment.js';
import type pg from 'pg';
import { InboxStream } from './inbox-stream.service.js';

let env: TestEnvironment;
let pool: pg.Pool;
openStoreDatabase('inbox_stream', 2, (opened) => ({ env, pool } = opened));

/** The server processes LISTENing for inbox entries on this spec's database. */
async function listeners(): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = $1`,
    [`LISTEN ${INBOX_CHANNEL}`],
  );
  return rows.map((row) => row.pid);
}

describe('InboxStream', () => {
  it('LISTENs again after its connection is lost, and not once it was shut down with a retry due', async () => {
    const stream = new InboxStream(env.config);
    await stream.onApplicationBootstrap();
    const [first] = await eventually(
      async () => {
        const pids = await listeners();
        return pids.length === 1 && pids;
      },
      10_000,
      'a LISTEN connection',
    );
    expect(first).toEqual(expect.any(Number));

    await pool.query('SELECT pg_terminate_backend($1)', [first]);
    const [second] = await eventually(
      async () => {
        const pids = await listeners();
        return pids.length === 1 && pids[0] !== first && pids;
      },
      10_000,
      'a new LISTEN connection',
    );
    expect(second).not.toBe(first);

    // Lost again, and shut down while its retry (a second later) is due: nothing may LISTEN after that.
    await pool.query('SELECT pg_terminate_backend($1)', [second]);
    await eventually(async () => (await listeners()).length === 0, 10_000, 'the connection to close');
    await stream.onApplicationShutdown();
    await sleep(1_500);
    expect(await listeners()).toEqual([]);
  });
});
