import type { ProjectionJob } from '@app/read-models';

/**
 * The project versions this relay has sent on in batch jobs lately, so that a reconcile does not offer
 * again what the pipeline is already carrying. Under a steady load every busy project is a little behind
 * its stream at every reconcile (its latest events wait in the window or in a queued batch), and each
 * reconcile offered each of them a `sync` job of its own, which read and wrote the same rows once more:
 * at 1,500 commands/s on 16 projects, 193 of the worker's 334 syncs in 10 s.
 *
 * A version counts as carried for `forMs` after its batch was enqueued. A batch that has not brought the
 * view there by then (a worker that died with it, Redis that lost it) no longer covers it, and the next
 * reconcile offers the project as before.
 */
export class VersionsInFlight {
  private readonly carried = new Map<string, { version: number; at: number }>();

  constructor(
    private readonly forMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * The projects of a batch job that was enqueued, each at the version it brings the view to at least (a
   * sync reads up to the stream's head when it runs, so a later batch carries every version before it).
   */
  carry(jobs: readonly ProjectionJob[]): void {
    const at = this.now();
    for (const { streamId, version } of jobs) {
      const id = streamId.toLowerCase();
      const known = this.carried.get(id);
      this.carried.set(id, { version: Math.max(version, known?.version ?? 0), at });
    }
  }

  /**
   * Whether a batch enqueued within `forMs` carries a lagging project's stream to its version, so that the
   * project needs no job of its own. (A project waiting in the relay's window is covered too, whatever its
   * version; the relay asks its window that.)
   */
  covers(lagging: ProjectionJob): boolean {
    const carried = this.carried.get(lagging.streamId.toLowerCase());
    return carried !== undefined && carried.version >= lagging.version && this.now() - carried.at <= this.forMs;
  }

  /** Forgets versions carried longer ago than `forMs`: they cover nothing any more. */
  prune(): void {
    const oldest = this.now() - this.forMs;
    for (const [id, { at }] of this.carried) if (at < oldest) this.carried.delete(id);
  }

  /** Projects remembered (for tests: pruning keeps this to those carried within `forMs`). */
  get size(): number {
    return this.carried.size;
  }
}
