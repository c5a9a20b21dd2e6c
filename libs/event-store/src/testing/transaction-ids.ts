import type pg from 'pg';

/**
 * Test-only: makes the server's next transaction ids larger than `id`, as a long-lived server's are.
 * The specs that write events as if in transactions 9, 10, 99, 100, 999 and 1000 (a log written across
 * those boundaries) need every real transaction after them; a new server (a fresh container, the test
 * run's second server) starts its ids near 750. Commits empty transactions until then, if it must.
 */
export async function passTransactionId(pool: pg.Pool, id: number): Promise<void> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ current: string }>('SELECT pg_current_xact_id()::text AS current');
    const behind = id - Number(rows[0]!.current);
    if (behind <= 0) return;
    // One transaction id each, committed without waiting for the disk: they hold nothing.
    await client.query('SET synchronous_commit TO off');
    await client.query(`DO $$ BEGIN FOR n IN 1..${behind} LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$`);
    await client.query('RESET synchronous_commit');
  } finally {
    client.release();
  }
}
