import type pg from 'pg';
import { NOTIFIER_CURSOR } from './notifier.js';

/**
 * Seconds the notifier is behind the event log: the age of the oldest event after its cursor, 0 when
 * it has followed every event. The notifier follows the feed in order, so an event it cannot get past
 * holds back every project's notifications: this is the figure that shows it.
 */
export async function notifierLagSeconds(pool: pg.Pool): Promise<number> {
  const result = await pool.query<{ lag: string | null }>(
    `SELECT EXTRACT(EPOCH FROM now() - min(e.recorded_at)) AS lag
     FROM notifier_cursors c JOIN events e ON (e.transaction_id, e.position) > (c.transaction_id, c.position)
     WHERE c.name = $1`,
    [NOTIFIER_CURSOR],
  );
  return Math.max(Number(result.rows[0]?.lag ?? 0), 0);
}
