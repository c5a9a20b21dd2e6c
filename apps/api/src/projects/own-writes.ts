import type pg from 'pg';
import { ProblemException } from '../common/problem.js';
import { invalidRequest } from '../common/validation.js';

/**
 * How long a read with `minVersion` waits for the project's view to hold that version. Commit to
 * visible takes milliseconds idle and under 100 ms at 500 commands/s (docs/benchmarks.md); a view
 * still behind after this is held up (a stopped worker, a dead letter), and waiting longer would only
 * tie up the request.
 */
export const OWN_WRITE_WAIT_MS = 5_000;

/** Pauses between looks at the view: short at first, as it is usually there within a few. */
const FIRST_PAUSE_MS = 5;
const LONGEST_PAUSE_MS = 100;

/**
 * Returns once the project's view holds version `minVersion` or later, so that a client that has just
 * written that version reads its own write (the views follow the event store a moment later).
 * Refuses, rather than wait for nothing, a version the project's stream has not reached (400) and a
 * project that does not exist (`notFound`); answers 503 with Retry-After when the view is still behind
 * after OWN_WRITE_WAIT_MS.
 */
export async function awaitOwnWrite(pool: pg.Pool, projectId: string, minVersion: number, notFound: () => Error, waitMs = OWN_WRITE_WAIT_MS): Promise<void> {
  let viewVersion = await viewVersionOf(pool, projectId);
  if (viewVersion >= minVersion) return;
  const stream = await pool.query<{ version: number }>(`SELECT version FROM event_streams WHERE stream_id = $1 AND stream_type = 'project'`, [projectId]);
  const streamVersion = stream.rows[0]?.version;
  if (streamVersion === undefined) throw notFound();
  if (streamVersion < minVersion) {
    throw invalidRequest([{ field: 'minVersion', message: `is beyond the project's version, ${streamVersion}: no such version was written` }]);
  }
  const deadline = Date.now() + waitMs;
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, LONGEST_PAUSE_MS)) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
    viewVersion = await viewVersionOf(pool, projectId);
    if (viewVersion >= minVersion) return;
  }
  throw new ProblemException(
    503,
    'READ_MODEL.BEHIND',
    'Service Unavailable',
    `The project's view is at version ${viewVersion} and did not reach version ${minVersion} within ${waitMs / 1000} s ` +
      '(the worker may be stopped or the project held back); the events are stored: try again shortly, or read them at /projects/{id}/events.',
    undefined,
    { 'Retry-After': '1' },
  );
}

/** The version the project's view is at; 0 when it has none yet. */
async function viewVersionOf(pool: pg.Pool, projectId: string): Promise<number> {
  const result = await pool.query<{ version: number }>({ name: 'project-view-version', text: 'SELECT version FROM project_views WHERE id = $1', values: [projectId] });
  return result.rows[0]?.version ?? 0;
}
