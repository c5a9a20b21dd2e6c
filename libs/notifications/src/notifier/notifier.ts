import type pg from 'pg';
import { evolve, initialProjectState, PROJECT_EVENT_TYPES, type ProjectEvent, type ProjectState, rebuildProjectState } from '@app/domain';
import { type FeedCursor, foldingStored, inTransaction, type PostgresEventStore, type StoredEvent, UnreadableEvent } from '@app/event-store';
import type { NotificationDraft, StoredNotification } from '../notification.js';
import type { AnnouncedThresholds } from '../rules/indicator-threshold-reached.rule.js';
import { hasMilestoneAnnouncedOverdue } from '../rules/milestone-overdue.rule.js';
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
  /**
   * Whether a project it followed has a milestone the overdue scan would announce today (or already
   * did). When none has, a scan after it finds nothing new: what a scan can claim changes only when the
   * notifier follows a project, and when a date passes, which the scan's own schedule covers.
   */
  milestonesPastDue: boolean;
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
  /**
   * The state as loaded. `evolve` hands an unchanged part of a state on as it is, so the milestone rows
   * (which carry the project's status) are written only when the milestones or the status changed, not
   * again for every measurement of a project with many milestones.
   */
  loaded: ProjectState;
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
    /** Told of each event the domain cannot fold, which the notifier steps over with its project. */
    private readonly onUnreadable: (error: UnreadableEvent) => void = () => undefined,
  ) {}

  /** Batches until the feed has nothing new; answers the totals. */
  async catchUp(onBatch?: (batch: NotifierBatch) => Promise<void>): Promise<NotifierBatch> {
    const total: NotifierBatch = { events: 0, notifications: [], deliveries: [], milestonesPastDue: false };
    for (;;) {
      const batch = await this.runBatch();
      total.events += batch.events;
      total.milestonesPastDue ||= batch.milestonesPastDue;
      total.notifications.push(...batch.notifications);
      total.deliveries.push(...batch.deliveries);
      if (onBatch && batch.events > 0) await onBatch(batch);
      if (batch.events < this.batchSize) return total;
    }
  }

  async runBatch(): Promise<NotifierBatch> {
    return inTransaction(this.pool, async (client) => {
      const cursor = await lockCursor(client);
      const events = await this.store.readAll(cursor, this.batchSize);
      if (events.length === 0) return { events: 0, notifications: [], deliveries: [], milestonesPastDue: false };

      const memories = await this.loadMemories(client, events);
      const drafts: NotificationDraft[] = [];
      for (const event of events) {
        if (!PROJECT_EVENTS.has(event.type)) continue;
        const memory = memories.get(event.streamId)!;
        if (event.version <= memory.version) continue;
        try {
          if (event.version > memory.version + 1) {
            const missing = await this.store.readStream(event.streamId, { fromVersion: memory.version + 1, toVersion: event.version - 1 });
            for (const earlier of missing) drafts.push(...(await this.apply(memory, earlier)));
          }
          drafts.push(...(await this.apply(memory, event)));
        } catch (error) {
          if (!(error instanceof UnreadableEvent)) throw error;
          // A history changed by hand (its audit says how): the project stays where it was, each later
          // event of it meets the same event again, and the feed goes on for every other project. It
          // stopped every notification of every project at that event.
          this.onUnreadable(error);
        }
      }

      await this.saveMemories(client, memories);
      const notifications = await insertNotifications(client, drafts);
      const deliveries = await fanOut(client, notifications);
      const last = events.at(-1)!;
      await client.query(
        `UPDATE notifier_cursors SET transaction_id = $2::xid8, position = $3, updated_at = now() WHERE name = $1`,
        [NOTIFIER_CURSOR, last.transactionId, last.position],
      );
      const today = new Date().toISOString().slice(0, 10);
      const milestonesPastDue = [...memories.values()].some((memory) => memory.touched && hasMilestoneAnnouncedOverdue(memory.state, today));
      return { events: events.length, notifications, deliveries, milestonesPastDue };
    });
  }

  private async apply(memory: ProjectMemory, event: StoredEvent): Promise<NotificationDraft[]> {
    if (needsWholeState(memory.state, event as ProjectEvent)) {
      const earlier = await this.store.readStream(event.streamId, { toVersion: event.version - 1 });
      memory.state = foldingStored(event, () => rebuildProjectState(earlier.map((stored) => ({ type: stored.type, data: stored.data }) as ProjectEvent)));
    }
    return foldingStored(event, () => evolveMemory(memory, event));
  }

  private async loadMemories(client: pg.PoolClient, events: StoredEvent[]): Promise<Map<string, ProjectMemory>> {
    const ids = [...new Set(events.filter((event) => PROJECT_EVENTS.has(event.type)).map((event) => event.streamId))];
    const result = await client.query<{ project_id: string; version: number; state: ProjectState; announced_thresholds: AnnouncedThresholds }>(
      `SELECT project_id, version, state, announced_thresholds FROM notifier_projects WHERE project_id = ANY ($1::uuid[])`,
      [ids],
    );
    const memories = new Map<string, ProjectMemory>();
    for (const id of ids) memories.set(id, { version: 0, state: initialProjectState, announcedThresholds: {}, touched: false, loaded: initialProjectState });
    for (const row of result.rows) {
      memories.set(row.project_id, { version: row.version, state: row.state, announcedThresholds: row.announced_thresholds, touched: false, loaded: row.state });
    }
    return memories;
  }

  /**
   * Writes each changed project's state, and the milestones the overdue scan reads of those whose
   * milestones or status changed: one statement for each, whatever the number of projects in the batch.
   */
  private async saveMemories(client: pg.PoolClient, memories: Map<string, ProjectMemory>): Promise<void> {
    const projects: { project_id: string; version: number; state: ProjectState; announced_thresholds: AnnouncedThresholds }[] = [];
    const milestones: { milestone_id: string; project_id: string; title: string; due_date: string; status: string; times_rescheduled: number; project_status: string }[] = [];
    for (const [projectId, memory] of memories) {
      if (!memory.touched) continue;
      projects.push({ project_id: projectId, version: memory.version, state: memory.state, announced_thresholds: memory.announcedThresholds });
      const { state, loaded } = memory;
      if (state.status === 'none') continue;
      if (loaded.status !== 'none' && loaded.status === state.status && loaded.milestones === state.milestones) continue;
      for (const milestone of Object.values(state.milestones)) {
        milestones.push({
          milestone_id: milestone.id,
          project_id: projectId,
          title: milestone.title,
          due_date: milestone.dueDate,
          status: milestone.status,
          times_rescheduled: milestone.timesRescheduled,
          project_status: state.status,
        });
      }
    }
    if (projects.length > 0) {
      await client.query(
        `INSERT INTO notifier_projects (project_id, version, state, announced_thresholds, updated_at)
         SELECT p.project_id, p.version, p.state, p.announced_thresholds, now()
         FROM json_to_recordset($1::json) AS p (project_id uuid, version integer, state jsonb, announced_thresholds jsonb)
         ON CONFLICT (project_id) DO UPDATE
           SET version = EXCLUDED.version, state = EXCLUDED.state, announced_thresholds = EXCLUDED.announced_thresholds, updated_at = now()`,
        [JSON.stringify(projects)],
      );
    }
    if (milestones.length > 0) {
      await client.query(
        `INSERT INTO notifier_milestones (milestone_id, project_id, title, due_date, status, times_rescheduled, project_status)
         SELECT m.milestone_id, m.project_id, m.title, m.due_date, m.status, m.times_rescheduled, m.project_status
         FROM json_to_recordset($1::json)
           AS m (milestone_id text, project_id uuid, title text, due_date date, status text, times_rescheduled integer, project_status text)
         ON CONFLICT (milestone_id) DO UPDATE
           SET title = EXCLUDED.title, due_date = EXCLUDED.due_date, status = EXCLUDED.status,
               times_rescheduled = EXCLUDED.times_rescheduled, project_status = EXCLUDED.project_status`,
        [JSON.stringify(milestones)],
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
