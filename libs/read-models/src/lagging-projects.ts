import type pg from 'pg';

export interface LaggingProject {
  streamId: string;
  /** The stream's version. */
  version: number;
  /** The version its view is at (0 without a view). */
  viewVersion: number;
}

/**
 * Projects whose view is behind their stream: the outbox in effect. Whatever was lost on the way
 * (a crash after commit, Redis losing its queues), this finds it again from PostgreSQL alone.
 */
export async function findLaggingProjects(pool: pg.Pool, limit = 1000): Promise<LaggingProject[]> {
  const result = await pool.query<{ stream_id: string; version: number; view_version: number }>(
    `SELECT s.stream_id, s.version, COALESCE(v.version, 0) AS view_version FROM event_streams s
     LEFT JOIN project_views v ON v.id = s.stream_id
     WHERE s.stream_type = 'project' AND s.version > COALESCE(v.version, 0)
     ORDER BY s.updated_at
     LIMIT $1`,
    [limit],
  );
  return result.rows.map((row) => ({ streamId: row.stream_id, version: row.version, viewVersion: row.view_version }));
}

/** The version each project's view is at (0 for one without a view), by project id as PostgreSQL writes it. */
export async function viewVersions(pool: pg.Pool, streamIds: readonly string[]): Promise<Map<string, number>> {
  const result = await pool.query<{ id: string; version: number }>('SELECT id, version FROM project_views WHERE id = ANY($1::uuid[])', [streamIds]);
  const versions = new Map(streamIds.map((streamId) => [streamId.toLowerCase(), 0]));
  for (const row of result.rows) versions.set(row.id, row.version);
  return versions;
}

/**
 * How far the project read model is behind the event store, in seconds: the age of the oldest event
 * not yet applied to its project's view (0 when every view is at its stream's version), leaving out
 * the projects `excluded` (those a parked dead letter holds back, for readiness).
 */
export async function projectionLagSeconds(pool: pg.Pool, excluded: readonly string[] = []): Promise<number> {
  const result = await pool.query<{ lag: string | null }>(
    `SELECT EXTRACT(EPOCH FROM now() - min(e.recorded_at)) AS lag
     FROM event_streams s
     LEFT JOIN project_views v ON v.id = s.stream_id
     JOIN events e ON e.stream_id = s.stream_id AND e.stream_version = COALESCE(v.version, 0) + 1
     WHERE s.stream_type = 'project' AND s.version > COALESCE(v.version, 0) AND s.stream_id <> ALL($1::uuid[])`,
    [excluded],
  );
  return Math.max(Number(result.rows[0]?.lag ?? 0), 0);
}
