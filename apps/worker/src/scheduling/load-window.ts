/** The shortest and the longest a gathering window may be, in milliseconds. */
export interface WindowBounds {
  minMs: number;
  maxMs: number;
}

/**
 * Announcements a second that lengthen a window by a millisecond: at 100 a second the window is 10 ms,
 * at 500 it is 50, at 1,000 it is 100 (within its bounds). The busier the pipeline, the more events each
 * job carries, and the more events share each job's fixed cost (its Redis round trips, its statements,
 * a project's row written once for all its events).
 */
export const ANNOUNCEMENTS_PER_SECOND_PER_MS = 10;

/**
 * The length of the next window, from the `announced` appends counted over the last `sinceMs`
 * milliseconds: it grows with their rate, so that under load one job carries many events (the worker's
 * and PostgreSQL's CPU per event fall), while a light load keeps the shortest window and its freshness.
 * After a quiet spell `sinceMs` is long (or unbounded) and the rate low. Whole milliseconds, so that a
 * window's end (and a job id named by it) is a whole number too.
 */
export function nextWindowMs(announced: number, sinceMs: number, bounds: WindowBounds): number {
  const perSecond = (announced * 1000) / Math.max(sinceMs, 1);
  return Math.min(bounds.maxMs, Math.max(bounds.minMs, Math.round(perSecond / ANNOUNCEMENTS_PER_SECOND_PER_MS)));
}
