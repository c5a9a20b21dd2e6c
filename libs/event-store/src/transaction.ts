import type pg from 'pg';

/**
 * Runs `work` in a transaction on a connection of its own: committed when `work` returns, rolled back
 * when it throws (the error passed on), the connection given back to the pool either way. `begin`
 * opens it (another isolation level, a read-only one).
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
