import type pg from 'pg';
import { evolve, initialProjectState, PROJECT_EVENT_TYPES, type ProjectEvent, type ProjectState, rebuildProjectState } from '@app/domain';
import type { FeedCursor, PostgresEventStore, StoredEvent } from '@app/event-store';
import type { NotificationDraft, StoredNotification } from '../notification.js';
import type { AnnouncedThresholds } from '../rules/indicator-threshold-reached.rule.js';
import { notificationsFor } from '../rules/notification-rules.js';
import type { StoredProjectEvent } from '../rules/project-facts.js';
import { type DeliveryRef, fanOut, insertNotifications } from '../store/notification-store.js';
import { needsWholeState, rememberedState } from './remembered-state.js';

/** The cursor row of the notifier in notifier_cursors. */
export const NOTIFIER_CURSOR = 'notifier';

export interface NotifierBatch {
  /** Events read from the feed (each applied once; some may make no notification). */
  events: number;
  notifications: StoredNotification[];
  deliveries: DeliveryRef[];
}

/**
 * What the notifier keeps per project: the domain state after the last event applied (as
 * `rememberedState` cuts it), and what was announced.
 */
interface ProjectMemory {
  version: number;
  state: ProjectState;
  announcedThresholds: AnnouncedThresholds;
  touched: boolean;
}

const PROJECT_EVENTS: ReadonlySet<string> = new Set(PROJECT_EVENT_TYPES);

/**
 * Turns the global feed into notifications, exactly once per event. One batch is one transaction: it
 * locks the notifier's cursor row (so followers in several workers take turns), reads the events after
 * the cursor, evolves each project's state with the domain's `evolve`, applies the rules, stores the
 * notifications and their pending deliveries, and moves the cursor, all committed together. A crash or
 * a redelivered job before the commit leaves no trace; after it, the events are behind the cursor.
 *
 * Each project's own version is kept too: should the feed (ordered by transaction) ever offer a
 * project's events out of version order, the missing ones are read from the stream first and the later
 * offer is skipped, so the rules always see a project's events in order.
 */
export class Notifier {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly batchSize = 200,
  ) {}

  /** Batches until the feed has nothing new; answers the totals. */
  async catchUp(onBatch?: (batch: NotifierBatch) => Promise<void>): Promise<NotifierBatch> {
    const total: NotifierBatch = { events: 0, notifications: [], deliveries: [] };
    for (;;) {
      const batch = await this.runBatch();
      total.events += batch.events;
      total.notifications.push(...batch.notifications);
      total.deliveries.push(...batch.deliveries);
      if (onBatch && batch.events > 0) await onBatch(batch);
      if (batch.events < this.batchSize) return total;
    }
  }

  async runBatch(): Promise<NotifierBatch> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const cursor = await lockCursor(client);
      const events = await this.store.readAll(cursor, this.batchSize);
      if (events.length === 0) {
        await client.query('COMMIT');
        return { events: 0, notifications: [], deliveries: [] };
      }

      const memories = await this.loadMemories(client, events);
      const drafts: NotificationDraft[] = [];
      for (const event of events) {
        if (!PROJECT_EVENTS.has(event.type)) continue;
        const memory = memories.get(event.streamId)!;
        if (event.version <= memory.version) continue;
        if (event.version > memory.version + 1) {
          const missing = await this.store.readStream(event.streamId, { fromVersion: memory.version + 1, toVersion: event.version - 1 });
          for (const earlier of missing) drafts.push(...(await this.apply(memory, earlier)));
        }
        drafts.push(...(await this.apply(memory, event)));
      }

      await this.saveMemories(client, memories);
      const notifications = await insertNotifications(client, drafts);
      const deliveries = await fanOut(client, notifications);
      const last = events.at(-1)!;
      await client.query(
        `UPDATE notifier_cursors SET transaction_id = $2::xid8, position = $3, updated_at = now() WHERE name = $1`,
        [NOTIFIER_CURSOR, last.transactionId, last.position],
      );
      await client.query('COMMIT');
      return { events: events.length, notifications, deliveries };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async apply(memory: ProjectMemory, event: StoredEvent): Promise<NotificationDraft[]> {
    if (needsWholeState(memory.state, event as ProjectEvent)) {
      const earlier = await this.store.readStream(event.streamId, { toVersion: event.version - 1 });
      memory.state = rebuildProjectState(earlier.map((stored) => ({ type: stored.type, data: stored.data }) as ProjectEvent));
    }
    return evolveMemory(memory, event);
  }

  private async loadMemories(client: pg.PoolClient, events: StoredEvent[]): Promise<Map<string, ProjectMemory>> {
    const ids = [...new Set(events.filter((event) => PROJECT_EVENTS.has(event.type)).map((event) => event.streamId))];
    const result = await client.query<{ project_id: string; version: number; state: ProjectState; announced_thresholds: AnnouncedThresholds }>(
      `SELECT project_id, version, state, announced_thresholds FROM notifier_projects WHERE project_id = ANY ($1::uuid[])`,
      [ids],
    );
    const memories = new Map<string, ProjectMemory>();
    for (const id of ids) memories.set(id, { version: 0, state: initialProjectState, announcedThresholds: {}, touched: false });
    for (const row of result.rows) {
      memories.set(row.project_id, { version: row.version, state: row.state, announcedThresholds: row.announced_thresholds, touched: false });
    }
    return memories;
  }

  /** Writes each changed project's state, and the milestones the overdue scan reads. */
  private async saveMemories(client: pg.PoolClient, memories: Map<string, ProjectMemory>): Promise<void> {
    for (const [projectId, memory] of memories) {
      if (!memory.touched) continue;
      await client.query(
        `INSERT INTO notifier_projects (project_id, version, state, announced_thresholds, updated_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (project_id) DO UPDATE
           SET version = EXCLUDED.version, state = EXCLUDED.state, announced_thresholds = EXCLUDED.announced_thresholds, updated_at = now()`,
        [projectId, memory.version, JSON.stringify(memory.state), JSON.stringify(memory.announcedThresholds)],
      );
      const project = memory.state;
      if (project.status === 'none') continue;
      const milestones = Object.values(project.milestones);
      if (milestones.length === 0) continue;
      await client.query(
        `INSERT INTO notifier_milestones (milestone_id, project_id, title, due_date, status, times_rescheduled, project_status)
         SELECT m.id, $1, m.title, m.due_date, m.status, m.times_rescheduled, $2
         FROM unnest($3::text[], $4::text[], $5::date[], $6::text[], $7::int[]) AS m (id, title, due_date, status, times_rescheduled)
         ON CONFLICT (milestone_id) DO UPDATE
           SET title = EXCLUDED.title, due_date = EXCLUDED.due_date, status = EXCLUDED.status,
               times_rescheduled = EXCLUDED.times_rescheduled, project_status = EXCLUDED.project_status`,
        [
          projectId,
          project.status,
          milestones.map((m) => m.id),
          milestones.map((m) => m.title),
          milestones.map((m) => m.dueDate),
          milestones.map((m) => m.status),
          milestones.map((m) => m.timesRescheduled),
        ],
      );
    }
  }
}

/** Locks the notifier's cursor for the transaction and answers where it stands. */
export async function lockCursor(client: pg.PoolClient): Promise<FeedCursor> {
  const result = await client.query<{ transaction_id: string; position: string }>(
    `SELECT transaction_id::text AS transaction_id, position FROM notifier_cursors WHERE name = $1 FOR UPDATE`,
    [NOTIFIER_CURSOR],
  );
  const row = result.rows[0];
  if (!row) throw new Error('The notifier cursor is missing: run the migrations (npm run db:migrate)');
  return { transactionId: row.transaction_id, position: Number(row.position) };
}

function evolveMemory(memory: ProjectMemory, event: StoredEvent): NotificationDraft[] {
  const projectEvent = { type: event.type, data: event.data } as ProjectEvent;
  const before = memory.state;
  const after = evolve(before, projectEvent);
  const outcome = notificationsFor(event as StoredProjectEvent, before, after, { announcedThresholds: memory.announcedThresholds });
  memory.state = rememberedState(after);
  memory.version = event.version;
  memory.announcedThresholds = outcome.memory.announcedThresholds;
  memory.touched = true;
  return outcome.drafts;
}
