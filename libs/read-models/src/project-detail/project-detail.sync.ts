import type { EntityManager } from '@mikro-orm/postgresql';
import type { PostgresEventStore } from '@app/event-store';
import { ProjectView } from './project-detail.entities.js';
import { ProjectDetailProjection } from './project-detail.projection.js';

/** Events applied per transaction when a view is far behind (a rebuild, a long outage). */
const BATCH = 500;

export interface SyncResult {
  streamId: string;
  fromVersion: number;
  toVersion: number;
  /** Recorded-at of the last event applied, if any. */
  lastRecordedAt?: string;
  /** Correlation ids of the events applied: the requests this sync carried on. */
  correlationIds: string[];
}

/**
 * Brings one project's view up to its stream. A transaction-scoped advisory lock on the project makes
 * concurrent syncs (redelivered jobs, a second worker) take turns; the view's own version says which
 * events are new, and it is written in the same transaction as their effects: each event applies once,
 * in version order, whatever the queue delivers.
 */
export class ProjectDetailSync {
  private readonly projection = new ProjectDetailProjection();

  constructor(
    private readonly em: EntityManager,
    private readonly store: PostgresEventStore,
  ) {}

  async sync(streamId: string): Promise<SyncResult> {
    let from: number | undefined;
    let lastRecordedAt: string | undefined;
    const correlationIds = new Set<string>();
    for (;;) {
      const step = await this.em.fork().transactional(async (em) => {
        await em.execute('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [streamId]);
        let project = await em.findOne(ProjectView, { id: streamId });
        const current = project?.version ?? 0;
        const events = await this.store.readStream(streamId, { fromVersion: current + 1, limit: BATCH });
        for (const event of events) {
          project = await this.projection.apply(em, project, event);
          correlationIds.add(event.metadata.correlationId);
        }
        return { current, applied: events.length, lastRecordedAt: events.at(-1)?.metadata.recordedAt };
      });
      from ??= step.current;
      lastRecordedAt = step.lastRecordedAt ?? lastRecordedAt;
      if (step.applied < BATCH) {
        return {
          streamId,
          fromVersion: from,
          toVersion: step.current + step.applied,
          ...(lastRecordedAt ? { lastRecordedAt } : {}),
          correlationIds: [...correlationIds],
        };
      }
    }
  }
}
