import type pg from 'pg';

/** What a superuser can do behind the application's back: the append-only trigger off, a change, the trigger on. */
export async function asSuperuser(pool: pg.Pool, sql: string, params: unknown[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
    await client.query(sql, params);
    await client.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
