import { beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { openStoreDatabase } from '../../../test/support/store-database.js';
import { inTransaction } from './transaction.js';

let pool: pg.Pool;
openStoreDatabase('store_transaction', 2, (opened) => {
  pool = opened.pool;
});

beforeAll(async () => {
  await pool.query('CREATE TABLE written (name text)');
});

const count = async (name: string) => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM written WHERE name = $1', [name])).rows[0]!.n;

describe('inTransaction', () => {
  it('commits what the work wrote when it returns, and answers what it answered', async () => {
    const answer = await inTransaction(pool, async (client) => {
      await client.query(`INSERT INTO written (name) VALUES ('committed')`);
      return 42;
    });
    expect(answer).toBe(42);
    expect(await count('committed')).toBe(1);
    expect(pool.idleCount).toBe(pool.totalCount);
  });

  it('rolls back everything the work wrote when it throws, passes the error on and gives the connection back', async () => {
    const failure = new Error('the work failed');
    await expect(
      inTransaction(pool, async (client) => {
        await client.query(`INSERT INTO written (name) VALUES ('rolled-back')`);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await count('rolled-back')).toBe(0);
    expect(pool.idleCount).toBe(pool.totalCount);
    // The connection handed back is usable, not left inside the aborted transaction.
    await expect(inTransaction(pool, (client) => client.query('SELECT 1'))).resolves.toMatchObject({ rowCount: 1 });
    expect(await count('rolled-back')).toBe(0);
  });
});
