import type { EntityManager } from '@mikro-orm/postgresql';
import { isMilestoneOverdue } from '@app/domain';
import { isoTimestamp } from './json-timestamps.js';

/** GET /projects/{id}/timeline's answer, but for the project's id. */
export interface ProjectTimeline {
  version: number;
  /** In due-date order, each with what happened to it, in the order it happened. */
  milestones: {
    milestoneId: string;
    title: string;
    componentId: string | null;
    dueDate: string;
    status: string;
    /** Derived from the day it is read, as on GET /projects/{id}. */
    overdue: boolean;
    reachedOn: string | null;
    history: {
      kind: string;
      version: number;
      date: string | null;
      dueDate: string;
      previousDueDate: string | null;
      note: string | null;
      occurredAt: string;
    }[];
  }[];
  /** Every revision of the project's planned dates, in the order they were recorded: before, after and why. */
  plannedDateRevisions: {
    version: number;
    plannedStart: string | null;
    plannedEnd: string | null;
    previousPlannedStart: string | null;
    previousPlannedEnd: string | null;
    reason: string;
    occurredAt: string;
  }[];
}

/**
 * A project's timeline, written out by PostgreSQL as the answer's JSON in one statement, of one
 * snapshot of the views, as the project's detail is (project-detail.reader.ts). The project's status
 * comes beside it: with the day, it decides which milestones are overdue.
 */
const PROJECT_TIMELINE = `
  WITH history AS (
    SELECT milestone_id, json_agg(json_build_object(
      'kind', kind, 'version', version, 'date', date, 'dueDate', due_date, 'previousDueDate', previous_due_date,
      'note', note, 'occurredAt', occurred_at
    ) ORDER BY version) AS entries
    FROM milestone_timeline_views WHERE project_id = ? GROUP BY milestone_id
  )
  SELECT p.status, json_build_object(
    'version', p.version,
    'milestones', coalesce((
      SELECT json_agg(json_build_object(
        'milestoneId', m.id, 'title', m.title, 'componentId', m.component_id, 'dueDate', m.due_date, 'status', m.status,
        'overdue', false, 'reachedOn', m.reached_on, 'history', coalesce(h.entries, '[]')
      ) ORDER BY m.due_date, m.position)
      FROM milestone_views m LEFT JOIN history h ON h.milestone_id = m.id WHERE m.project_id = p.id
    ), '[]'),
    'plannedDateRevisions', coalesce((
      SELECT json_agg(json_build_object(
        'version', r.version, 'plannedStart', r.planned_start, 'plannedEnd', r.planned_end,
        'previousPlannedStart', r.previous_planned_start, 'previousPlannedEnd', r.previous_planned_end,
        'reason', r.reason, 'occurredAt', r.occurred_at
      ) ORDER BY r.version)
      FROM planned_date_revision_views r WHERE r.project_id = p.id
    ), '[]')
  ) AS timeline
  FROM project_views p WHERE p.id = ?`;

/** The project's timeline, its milestones' `overdue` as of `today`; undefined when it has no view. */
export async function readProjectTimeline(em: EntityManager, projectId: string, today: string): Promise<ProjectTimeline | undefined> {
  const rows = await em.getConnection().execute<{ status: string; timeline: ProjectTimeline }[]>(PROJECT_TIMELINE, [projectId, projectId], 'all');
  const row = rows[0];
  if (!row) return undefined;
  const { status, timeline } = row;
  for (const milestone of timeline.milestones) {
    milestone.overdue = isMilestoneOverdue(milestone, status, today);
    for (const entry of milestone.history) entry.occurredAt = isoTimestamp(entry.occurredAt);
  }
  for (const revision of timeline.plannedDateRevisions) revision.occurredAt = isoTimestamp(revision.occurredAt);
  return timeline;
}
