import type pg from 'pg';

/** Which of these project ids (lower-case UUIDs) name no project in the event store, in their order. */
export async function unknownProjects(pool: pg.Pool, projectIds: readonly string[]): Promise<string[]> {
  if (projectIds.length === 0) return [];
  const found = await pool.query<{ stream_id: string }>(
    `SELECT stream_id FROM event_streams WHERE stream_type = 'project' AND stream_id = ANY ($1::uuid[])`,
    [projectIds],
  );
  const known = new Set(found.rows.map((row) => row.stream_id));
  return projectIds.filter((id) => !known.has(id));
}
