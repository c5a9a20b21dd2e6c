import type { ProjectDetailSync, SyncOutcome, SyncResult } from '@app/read-models';

/**
 * Syncs the projects of batch jobs, never one project in two batches of this process at once. A project
 * that another batch is syncing is left to that batch, which syncs it once more when its round is done
 * (the events announced meanwhile may have come after its read): two batches reading the same project
 * would race, and the loser read it again for nothing. Across processes the views' compare-and-set
 * keeps it right.
 */
export class BatchSync {
  private readonly syncing = new Set<string>();
  /** Projects some batch asked for while another was syncing them. */
  private readonly again = new Set<string>();

  constructor(private readonly projectDetail: ProjectDetailSync) {}

  /** Throws as `ProjectDetailSync.syncMany` does; the projects it took on are then in no known state. */
  async sync(streamIds: readonly string[]): Promise<SyncOutcome> {
    const mine: string[] = [];
    for (const streamId of new Set(streamIds.map((id) => id.toLowerCase()))) {
      if (this.syncing.has(streamId)) this.again.add(streamId);
      else {
        this.syncing.add(streamId);
        mine.push(streamId);
      }
    }
    const synced = new Map<string, SyncResult>();
    const failed: SyncOutcome['failed'] = [];
    try {
      let round = mine;
      while (round.length > 0) {
        const outcome = await this.projectDetail.syncMany(round);
        for (const result of outcome.synced) {
          const before = synced.get(result.streamId);
          synced.set(result.streamId, before ? mergeResults(before, result) : result);
        }
        failed.push(...outcome.failed);
        const given = new Set(failed.map(({ streamId }) => streamId));
        // A project that failed is handed on as it is; one asked for again that did not is synced again.
        round = mine.filter((streamId) => this.again.delete(streamId) && !given.has(streamId));
      }
    } finally {
      for (const streamId of mine) {
        this.syncing.delete(streamId);
        this.again.delete(streamId);
      }
    }
    return { synced: [...synced.values()], failed };
  }
}

/** Two rounds of one project's sync as one (a round that applied nothing has no recorded-at). */
function mergeResults(first: SyncResult, next: SyncResult): SyncResult {
  const lastRecordedAt = next.lastRecordedAt ?? first.lastRecordedAt;
  return {
    streamId: first.streamId,
    fromVersion: first.fromVersion,
    toVersion: Math.max(first.toVersion, next.toVersion),
    ...(lastRecordedAt ? { lastRecordedAt } : {}),
    correlationIds: [...new Set([...first.correlationIds, ...next.correlationIds])],
  };
}
