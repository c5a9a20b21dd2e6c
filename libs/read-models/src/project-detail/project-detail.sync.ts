import type pg from 'pg';
import type { StoredEvent } from '@app/event-store';
import { type FoldedEventRow, foldedEvent } from '../event-rows.js';
import { ProjectDetailFolder, type ProjectDetailRows, type ProjectDetailSeed } from './project-detail.rows.js';
import { type ViewWrite, writeViewChanges } from './view-rows.sql.js';

/** Events applied per project per sync step when a view is far behind (a rebuild, a long outage). */
const BATCH = 1_000;

export interface SyncResult {
  streamId: string;
  fromVersion: number;
  toVersion: number;
  /** Recorded-at of the last event applied, if any. */
  lastRecordedAt?: string;
  /** Correlation ids of the events applied: the requests this sync carried on. */
  correlationIds: string[];
}

/** A project whose events could not be folded (a poison event): nothing of it was written. */
export interface SyncFailure {
  streamId: string;
  /** The version its view stays at. */
  viewVersion: number;
  error: Error;
}

/** What a sync of several projects did: each project either synced or failed, on its own. */
export interface SyncOutcome {
  synced: SyncResult[];
  failed: SyncFailure[];
}

type Row = Record<string, unknown>;

/**
 * One statement reads, from one snapshot, the projects' view rows, each project's events after its view's
 * version and the rows those events name: the milestones they move, the indicators they measure, and for
 * a correction every current measurement of its indicator (the next latest actual may be any of them).
 * The events' data and metadata (json, kept as written) are parsed once, to jsonb: `to_jsonb` would parse
 * them for the row and each `->>` again for its lookup.
 */
const READ_PENDING = `
  WITH wanted AS (SELECT DISTINCT unnest($1::uuid[]) AS id),
  view AS (SELECT * FROM project_views WHERE id IN (SELECT id FROM wanted)),
  pending AS (
    SELECT e.stream_id, e.stream_version, e.type, e.data::jsonb AS data, e.metadata::jsonb AS metadata
    FROM wanted CROSS JOIN LATERAL (
      SELECT stream_id, stream_version, type, data, metadata FROM events
      WHERE stream_id = wanted.id AND stream_version > COALESCE((SELECT version FROM view WHERE view.id = wanted.id), 0)
      ORDER BY stream_version
      LIMIT $2
    ) e
  )
  SELECT 'project' AS source, to_jsonb(view) AS row FROM view
  UNION ALL SELECT 'event', to_jsonb(pending) FROM pending
  UNION ALL SELECT 'milestone', to_jsonb(m) FROM milestone_views m
    WHERE m.id IN (SELECT (data->>'milestoneId')::uuid FROM pending WHERE type IN ('MilestoneReached', 'MilestoneRescheduled', 'MilestoneWaived'))
  UNION ALL SELECT 'indicator', to_jsonb(i) FROM indicator_views i
    WHERE i.id IN (SELECT (data->>'indicatorId')::uuid FROM pending WHERE type IN ('IndicatorTargetRevised', 'MeasurementRecorded', 'MeasurementCorrected'))
  UNION ALL SELECT 'measurement', to_jsonb(ms) FROM measurement_views ms
    WHERE ms.superseded_by IS NULL AND ms.indicator_id IN (SELECT (data->>'indicatorId')::uuid FROM pending WHERE type = 'MeasurementCorrected')`;

/** What one step read of one project. */
interface PendingOfProject {
  project?: Row;
  events: StoredEvent[];
  seed: Omit<ProjectDetailSeed, 'project'>;
}

/** What one step did for one project. */
type StepOutcome =
  | { kind: 'applied'; current: number; events: StoredEvent[] }
  | { kind: 'raced' }
  | { kind: 'failed'; current: number; error: Error };

/**
 * Brings projects' views up to their streams. A view's own version says which events are new; the fold
 * (the one rebuilds use) applies them in memory to the rows they touch, and one statement writes what
 * changed of every project whose view is still at the version read, moving it on (a compare-and-set per
 * project): each event applies once, in version order, whatever the queue delivers and however many
 * syncs of a project run at once (the loser of a race reads again).
 *
 * Two round trips a step whatever the number of projects, one step per thousand events of a project, and
 * no transaction held open between them: round trips are what a sync waits for on a busy machine, so
 * the worker syncs the projects announced together in one go (`syncMany`). A project whose events cannot
 * be folded fails on its own and the others are written. Both statements are named, so each connection
 * plans them once (planning the read cost PostgreSQL more than running it). The pool may commit without
 * waiting for the disk (`synchronous_commit = off`): the views are derived data, and a commit lost to a
 * server crash loses the effects and the version together, so the project shows up behind and its events
 * are applied again.
 */
export class ProjectDetailSync {
  constructor(private readonly pool: pg.Pool) {}

  /** Brings one project's view up to its stream; a project whose events cannot be folded throws. */
  async sync(streamId: string): Promise<SyncResult> {
    const { synced, failed } = await this.syncMany([streamId]);
    if (failed[0]) throw failed[0].error;
    return synced[0]!;
  }

  /**
   * Brings each project's view up to its stream. Throws only when the statements fail (PostgreSQL
   * unreachable): then nothing is known of any of them, though some may have been written.
   */
  async syncMany(streamIds: readonly string[]): Promise<SyncOutcome> {
    const progress = new Map<string, { from?: number; to: number; lastRecordedAt?: string; correlationIds: Set<string> }>();
    const failed: SyncFailure[] = [];
    // Ids as PostgreSQL writes them, so that the rows read can be told apart by project.
    let todo = [...new Set(streamIds.map((streamId) => streamId.toLowerCase()))];
    for (const streamId of todo) progress.set(streamId, { to: 0, correlationIds: new Set() });
    while (todo.length > 0) {
      const outcomes = await this.step(todo);
      const again: string[] = [];
      for (const streamId of todo) {
        const outcome = outcomes.get(streamId)!;
        if (outcome.kind === 'failed') {
          failed.push({ streamId, viewVersion: outcome.current, error: outcome.error });
          progress.delete(streamId);
          continue;
        }
        if (outcome.kind === 'raced') {
          again.push(streamId);
          continue;
        }
        const done = progress.get(streamId)!;
        for (const event of outcome.events) done.correlationIds.add(event.metadata.correlationId);
        done.from ??= outcome.current;
        done.to = outcome.current + outcome.events.length;
        done.lastRecordedAt = outcome.events.at(-1)?.metadata.recordedAt ?? done.lastRecordedAt;
        if (outcome.events.length === BATCH) again.push(streamId);
      }
      todo = again;
    }
    const synced = [...progress].map(([streamId, { from, to, lastRecordedAt, correlationIds }]) => ({
      streamId,
      fromVersion: from ?? to,
      toVersion: to,
      ...(lastRecordedAt ? { lastRecordedAt } : {}),
      correlationIds: [...correlationIds],
    }));
    return { synced, failed };
  }

  /** Up to BATCH new events of each project applied, or the project raced (read again) or failed. */
  private async step(streamIds: readonly string[]): Promise<Map<string, StepOutcome>> {
    const pending = await this.readPending(streamIds);
    const outcomes = new Map<string, StepOutcome>();
    const writes: (ViewWrite & { events: StoredEvent[] })[] = [];
    for (const streamId of streamIds) {
      const { project, events, seed } = pending.get(streamId) ?? { events: [], seed: { milestones: [], indicators: [], measurements: [] } };
      const current = (project?.version as number | undefined) ?? 0;
      if (events.length === 0) {
        outcomes.set(streamId, { kind: 'applied', current, events });
        continue;
      }
      let changes: ProjectDetailRows;
      try {
        events.sort((a, b) => a.version - b.version);
        const folder = new ProjectDetailFolder(project && { project, ...seed });
        for (const event of events) folder.apply(event);
        changes = folder.changes();
        const [row, ...others] = changes.project_views;
        if (row?.id !== streamId || others.length > 0) throw new Error(`the events of ${streamId} fold into the view of project ${String(row?.id)}`);
      } catch (error) {
        outcomes.set(streamId, { kind: 'failed', current, error: error instanceof Error ? error : new Error(String(error)) });
        continue;
      }
      writes.push({ projectId: streamId, changes, expectedVersion: current, events });
    }
    const moved = writes.length > 0 ? await writeViewChanges(this.pool, writes) : new Set<string>();
    for (const { projectId, expectedVersion, events } of writes) {
      outcomes.set(projectId, moved.has(projectId) ? { kind: 'applied', current: expectedVersion, events } : { kind: 'raced' });
    }
    return outcomes;
  }

  /** The rows of one read, by project: its view row, its pending events, the rows they name. */
  private async readPending(streamIds: readonly string[]): Promise<Map<string, PendingOfProject>> {
    const { rows } = await this.pool.query<{ source: string; row: Row }>({
      name: 'project-detail-read-pending',
      text: READ_PENDING,
      values: [streamIds, BATCH],
    });
    const byProject = new Map<string, PendingOfProject>();
    const of = (projectId: string) => {
      let pending = byProject.get(projectId);
      if (!pending) byProject.set(projectId, (pending = { events: [], seed: { milestones: [], indicators: [], measurements: [] } }));
      return pending;
    };
    for (const { source, row } of rows) {
      if (source === 'project') of(row.id as string).project = row;
      else if (source === 'event') of(row.stream_id as string).events.push(foldedEvent(row as unknown as FoldedEventRow));
      else if (source === 'milestone') of(row.project_id as string).seed.milestones.push(row);
      else if (source === 'indicator') of(row.project_id as string).seed.indicators.push(row);
      else of(row.project_id as string).seed.measurements.push(row);
    }
    return byProject;
  }
}
