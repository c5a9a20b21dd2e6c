import type pg from 'pg';

export interface LaggingProject {
  streamId: string;
  version: number;
}

/**
 * Projects whose view is behind their stream: the outbox in effect. Whatever was lost on the way
 * (a crash after commit, Redis losing its queues), this finds it again from PostgreSQL alone.
 */
export async function findLaggingProjects(pool: pg.Pool, limit = 1000): Promise<LaggingProject[]> {
  const result = await pool.query<{ stream_id: string; version: number }>(
    `SELECT s.stream_id, s.version FROM event_streams s
     LEFT JOIN project_views v ON v.id = s.stream_id
     WHERE s.stream_type = 'project' AND s.version > COALESCE(v.version, 0)
     ORDER BY s.updated_at
     LIMIT $1`,
    [limit],
  );
  return result.rows.map((row) => ({ streamId: row.stream_id, version: row.version }));
}
