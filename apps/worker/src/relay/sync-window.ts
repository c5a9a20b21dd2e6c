import { ANNOUNCEMENT_SPACING_MS, type AppendNotice } from '@app/event-store';
import type { ProjectionJob } from '@app/read-models';
import { nextWindowMs, type WindowBounds } from '../scheduling/load-window.js';

/** Projects a batch job carries at most: a larger burst leaves as several jobs. */
export const PROJECTS_PER_BATCH = 64;

/**
 * Silence that ends a load: an API under load announces every ANNOUNCEMENT_SPACING_MS, so three spacings
 * without an announcement mean the appends have stopped (or slowed to a few a second).
 */
export const QUIET_SPELL_MS = 3 * ANNOUNCEMENT_SPACING_MS;

/**
 * Gathers the projects announced within a window, so that one job syncs them all. The first
 * announcement after a quiet spell (QUIET_SPELL_MS without any, or a whole window since the last
 * departure) leaves at the end of its turn of the event loop; later ones wait for the window to end, its
 * length after the previous departure. Each project leaves once per departure, with the latest version
 * announced, and the notices it stands for (their recorded-at times, for the enqueue lag). The window's
 * length follows the load (see nextWindowMs); without the quiet spell, the first command after a burst
 * would wait for what is left of the window the burst lengthened.
 */
export class SyncWindow {
  private readonly waiting = new Map<string, { job: ProjectionJob; notices: AppendNotice[] }>();
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private lastDeparture = Number.NEGATIVE_INFINITY;
  private lastOffer = Number.NEGATIVE_INFINITY;
  private windowMs: number;

  constructor(
    private readonly bounds: WindowBounds,
    private readonly depart: (jobs: ProjectionJob[], notices: AppendNotice[]) => void,
  ) {
    this.windowMs = bounds.minMs;
  }

  /** The length of the current window, in milliseconds. */
  get currentWindowMs(): number {
    return this.windowMs;
  }

  offer(notice: AppendNotice): void {
    const now = performance.now();
    const quiet = now - this.lastOffer >= QUIET_SPELL_MS;
    this.lastOffer = now;
    const waiting = this.waiting.get(notice.streamId);
    if (waiting) {
      waiting.job.version = Math.max(waiting.job.version, notice.version);
      waiting.notices.push(notice);
    } else {
      this.waiting.set(notice.streamId, { job: { streamId: notice.streamId, version: notice.version }, notices: [notice] });
    }
    if (this.timer || this.immediate) return;
    // After a quiet spell the load that lengthened the window is over, or the worker had no core for a
    // while: either way nothing is gained by waiting. The next window's length still comes from the rate
    // since the last departure (short after the load, as long as before for a backlog of announcements).
    const wait = quiet ? 0 : this.lastDeparture + this.windowMs - now;
    if (wait > 0) this.timer = setTimeout(() => this.leave(), wait);
    else this.immediate = setImmediate(() => this.leave());
  }

  /** Whether an announcement of the project waits in the window (its batch has not left yet). */
  holds(streamId: string): boolean {
    return this.waiting.has(streamId);
  }

  /** Sends what waits at once (at shutdown), and stops the window's timer. */
  flush(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.leave();
  }

  private leave(): void {
    this.timer = undefined;
    this.immediate = undefined;
    if (this.waiting.size === 0) return;
    const now = performance.now();
    const leaving = [...this.waiting.values()];
    this.waiting.clear();
    const announced = leaving.reduce((sum, { notices }) => sum + notices.length, 0);
    this.windowMs = nextWindowMs(announced, now - this.lastDeparture, this.bounds);
    this.lastDeparture = now;
    for (let start = 0; start < leaving.length; start += PROJECTS_PER_BATCH) {
      const part = leaving.slice(start, start + PROJECTS_PER_BATCH);
      this.depart(
        part.map(({ job }) => job),
        part.flatMap(({ notices }) => notices),
      );
    }
  }
}
