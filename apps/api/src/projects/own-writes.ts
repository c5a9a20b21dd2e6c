import type pg from 'pg';
import { ProblemException } from '../common/problem.js';
import { invalidRequest } from '../common/validation.js';
import type { ViewWatching } from './view-watches.js';

/**
 * How long a read with `minVersion` waits for the project's view to hold that version. Commit to
 * visible takes milliseconds idle and under 100 ms at 500 commands/s (docs/benchmarks.md); a view
 * still behind after this is held up (a stopped worker, a dead letter), and waiting longer would only
 * tie up the request.
 */
export const OWN_WRITE_WAIT_MS = 5_000;

/**
 * Pauses between looks at the view, cut short when the worker announces the project's views updated:
 * the looks are for announcements lost (Redis away, a worker killed between commit and announcement).
 */
const FIRST_PAUSE_MS = 20;
const LONGEST_PAUSE_MS = 200;

/** The request a read waits for, and when its caller gave up on it (the connection closed). */
export interface OwnWriteRead<T extends { version: number }> {
  projectId: string;
  minVersion: number;
  /** Reads the answer from the views; undefined when the project has none. */
  read: () => Promise<T | undefined>;
  notFound: () => Error;
  /** Aborted when the caller has gone: no one is left to answer. */
  signal: AbortSignal;
  waitMs?: number;
  /** The pauses between looks at the view, first and longest; FIRST_PAUSE_MS and LONGEST_PAUSE_MS unless given. */
  pausesMs?: { first: number; longest: number };
}

/**
 * What `read` answers once the project's view holds version `minVersion` or later, so that a client
 * that has just written that version reads its own write (the views follow the event store a moment
 * later). It looks at the view again as soon as `views` hears it was updated, and now and then besides.
 * The answer itself is checked: a rebuild swapping its tables in between hands back views a little
 * behind, and the wait goes on. Refuses, rather than wait for nothing, a version the project's stream
 * has not reached (400) and a project that does not exist (`notFound`); answers 503 with Retry-After
 * when the view is still behind after OWN_WRITE_WAIT_MS. Stops looking once the caller has gone.
 */
export async function readOwnWrite<T extends { version: number }>(pool: pg.Pool, views: ViewWatching, request: OwnWriteRead<T>): Promise<T> {
  const { projectId, minVersion, read, notFound, signal, waitMs = OWN_WRITE_WAIT_MS, pausesMs = { first: FIRST_PAUSE_MS, longest: LONGEST_PAUSE_MS } } = request;
  const deadline = Date.now() + waitMs;
  // Watched before the first look, so that an update announced between the look and the wait counts.
  const watch = views.watch(projectId);
  try {
    let viewVersion = await viewVersionOf(pool, projectId);
    if (viewVersion < minVersion) await requireWritten(pool, projectId, minVersion, notFound);
    for (;;) {
      for (let pause = pausesMs.first; viewVersion < minVersion; pause = Math.min(pause * 2, pausesMs.longest)) {
        const left = deadline - Date.now();
        if (left <= 0) throw behind(viewVersion, minVersion, `did not reach version ${minVersion} within ${waitMs / 1000} s`);
        await watch.next(Math.min(pause, left), signal);
        if (signal.aborted) throw behind(viewVersion, minVersion, 'was still behind when the client closed the connection');
        viewVersion = await viewVersionOf(pool, projectId);
      }
      const answer = await read();
      if (answer === undefined) throw notFound();
      if (answer.version >= minVersion) return answer;
      viewVersion = answer.version;
    }
  } finally {
    watch.close();
  }
}

/** Refuses a version the project's stream has not reached, and a project that has no stream. */
async function requireWritten(pool: pg.Pool, projectId: string, minVersion: number, notFound: () => Error): Promise<void> {
  const stream = await pool.query<{ version: number }>(`SELECT version FROM event_streams WHERE stream_id = $1 AND stream_type = 'project'`, [projectId]);
  const streamVersion = stream.rows[0]?.version;
  if (streamVersion === undefined) throw notFound();
  if (streamVersion < minVersion) {
    throw invalidRequest([{ field: 'minVersion', message: `is beyond the project's version, ${streamVersion}: no such version was written` }]);
  }
}

function behind(viewVersion: number, minVersion: number, what: string): ProblemException {
  return new ProblemException(
    503,
    'READ_MODEL.BEHIND',
    'Service Unavailable',
    `The project's view is at version ${viewVersion} and ${what} ` +
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
