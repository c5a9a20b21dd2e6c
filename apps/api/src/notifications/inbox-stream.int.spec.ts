import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { INBOX_CHANNEL } from '@app/notifications';
import { openStoreDatabase } from '../../../../test/support/store-database.js';
import type { TestEnvironment } from '../../../../test/support/test-environment.js';
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

async function eventually<T>(read: () => Promise<T>, holds: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (holds(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}

describe('InboxStream', () => {
  it('LISTENs again after its connection is lost, and not once it was shut down with a retry due', async () => {
    const stream = new InboxStream(env.config);
    await stream.onApplicationBootstrap();
    const [first] = await eventually(listeners, (pids) => pids.length === 1);
    expect(first).toEqual(expect.any(Number));

    await pool.query('SELECT pg_terminate_backend($1)', [first]);
    const [second] = await eventually(listeners, (pids) => pids.length === 1 && pids[0] !== first);
    expect(second).not.toBe(first);

    // Lost again, and shut down while its retry (a second later) is due: nothing may LISTEN after that.
    await pool.query('SELECT pg_terminate_backend($1)', [second]);
    await eventually(listeners, (pids) => pids.length === 0);
    await stream.onApplicationShutdown();
    await sleep(1_500);
    expect(await listeners()).toEqual([]);
  });
});
