import type pg from 'pg';
import { ProblemException } from '../common/problem.js';

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

/** Ids a refusal names at most: a thousand unknown ids made an answer of 76 KB. */
const NAMED_AT_MOST = 5;

/**
 * 400 `code` naming the unknown project ids, the first few and how many more, in `detail` and under
 * `field`: an answer stays short whatever the request named (docs/security.md, input limits).
 */
export function unknownProjectsProblem(code: string, field: string, unknown: readonly string[]): ProblemException {
  const named = unknown.slice(0, NAMED_AT_MOST).join(', ') + (unknown.length > NAMED_AT_MOST ? ` and ${unknown.length - NAMED_AT_MOST} more` : '');
  return new ProblemException(400, code, 'Bad Request', `No project has the id ${named}.`, [{ field, message: `names unknown projects: ${named}` }]);
}
