import type pg from 'pg';
import type { StoredEvent } from '@app/event-store';
import { type FoldedEventRow, foldedEvent } from '../event-rows.js';
import { ProjectDetailFolder, type ProjectDetailSeed } from './project-detail.rows.js';
import { writeViewChanges } from './view-rows.sql.js';

/** Events applied per sync step when a view is far behind (a rebuild, a long outage). */
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

type Row = Record<string, unknown>;

/**
 * One statement reads, from one snapshot, the project's view row, its events after the view's version and
 * the rows those events name: the milestones they move, the indicators they measure, and for a correction
 * every current measurement of its indicator (the next latest actual may be any of them). The events'
 * data and metadata (json, kept as written) are parsed once, to jsonb: `to_jsonb` would parse them for
 * the row and each `->>` again for its lookup.
 */
const READ_PENDING = `
  WITH view AS (SELECT * FROM project_views WHERE id = $1),
  pending AS (
    SELECT stream_id, stream_version, type, data::jsonb AS data, metadata::jsonb AS metadata FROM events
    WHERE stream_id = $1 AND stream_version > COALESCE((SELECT version FROM view), 0)
    ORDER BY stream_version
    LIMIT $2
  )
  SELECT 'project' AS source, to_jsonb(view) AS row FROM view
  UNION ALL SELECT 'event', to_jsonb(pending) FROM pending
  UNION ALL SELECT 'milestone', to_jsonb(m) FROM milestone_views m
    WHERE m.id IN (SELECT (data->>'milestoneId')::uuid FROM pending WHERE type IN ('MilestoneReached', 'MilestoneRescheduled', 'MilestoneWaived'))
  UNION ALL SELECT 'indicator', to_jsonb(i) FROM indicator_views i
    WHERE i.id IN (SELECT (data->>'indicatorId')::uuid FROM pending WHERE type IN ('IndicatorTargetRevised', 'MeasurementRecorded', 'MeasurementCorrected'))
  UNION ALL SELECT 'measurement', to_jsonb(ms) FROM measurement_views ms
    WHERE ms.superseded_by IS NULL AND ms.indicator_id IN (SELECT (data->>'indicatorId')::uuid FROM pending WHERE type = 'MeasurementCorrected')`;

/**
 * Brings one project's view up to its stream. The view's own version says which events are new; the fold
 * (the one rebuilds use) applies them in memory to the rows they touch, and one statement writes what
 * changed only if the view is still at the version read, moving it on (a compare-and-set): each event
 * applies once, in version order, whatever the queue delivers and however many syncs of a project run at
 * once (the loser of a race reads again).
 *
 * Two round trips a step, one per batch of up to a thousand events, and no transaction held open
 * between them: round trips are what a sync waits for on a busy machine. Both statements are named, so
 * each connection plans them once (planning the read cost PostgreSQL more than running it). The pool may commit without
 * waiting for the disk (`synchronous_commit = off`): the views are derived data, and a commit lost to a
 * server crash loses the effects and the version together, so the project shows up behind and its events
 * are applied again.
 */
export class ProjectDetailSync {
  constructor(private readonly pool: pg.Pool) {}

  async sync(streamId: string): Promise<SyncResult> {
    let from: number | undefined;
    let to = 0;
    let lastRecordedAt: string | undefined;
    const correlationIds = new Set<string>();
    for (;;) {
      const step = await this.step(streamId);
      if (!step) continue;
      for (const event of step.events) correlationIds.add(event.metadata.correlationId);
      from ??= step.current;
      to = step.current + step.events.length;
      lastRecordedAt = step.events.at(-1)?.metadata.recordedAt ?? lastRecordedAt;
      if (step.events.length < BATCH) break;
    }
    return { streamId, fromVersion: from ?? to, toVersion: to, ...(lastRecordedAt ? { lastRecordedAt } : {}), correlationIds: [...correlationIds] };
  }

  /** Up to BATCH new events applied; undefined when another sync moved the view on first (read again). */
  private async step(streamId: string): Promise<{ current: number; events: StoredEvent[] } | undefined> {
    const { rows } = await this.pool.query<{ source: string; row: Row }>({ name: 'project-detail-read-pending', text: READ_PENDING, values: [streamId, BATCH] });
    let project: Row | undefined;
    const events: StoredEvent[] = [];
    const seed: Omit<ProjectDetailSeed, 'project'> = { milestones: [], indicators: [], measurements: [] };
    for (const { source, row } of rows) {
      if (source === 'project') project = row;
      else if (source === 'event') events.push(foldedEvent(row as unknown as FoldedEventRow));
      else if (source === 'milestone') seed.milestones.push(row);
      else if (source === 'indicator') seed.indicators.push(row);
      else seed.measurements.push(row);
    }
    const current = (project?.version as number | undefined) ?? 0;
    if (events.length === 0) return { current, events };
    events.sort((a, b) => a.version - b.version);
    const folder = new ProjectDetailFolder(project && { project, ...seed });
    for (const event of events) folder.apply(event);
    const written = await writeViewChanges(this.pool, folder.changes(), current);
    return written ? { current, events } : undefined;
  }
}
