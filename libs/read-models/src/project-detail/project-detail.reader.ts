import type { EntityManager } from '@mikro-orm/postgresql';
import { isMilestoneOverdue, type ParticipatingOrganisation, type ProjectLocation, type SexDisaggregation } from '@app/domain';
import { isoTimestamp } from './json-timestamps.js';
import { type ProjectTimeline, readProjectTimeline } from './project-timeline.reader.js';

export interface ProjectSummary {
  id: string;
  code: string;
  title: string;
  country: string;
  status: string;
  sector: string;
  version: number;
  plannedStart: string | null;
  plannedEnd: string | null;
  actualStart: string | null;
  actualEnd: string | null;
  updatedAt: string;
}

export interface ProjectListFilter {
  country?: string;
  status?: string;
  /** Restricts the list to these projects (a team key's scope). */
  ids?: string[];
  limit: number;
  offset: number;
  /** Only projects whose code sorts after this one: the next page of a list that changes meanwhile. */
  afterCode?: string;
}

/** A measurement as GET /projects/{id} answers it, within its indicator. */
interface MeasurementAnswer {
  id: string;
  value: number;
  date: string;
  periodStart: string | null;
  disaggregation: SexDisaggregation | null;
  note: string | null;
  correctsMeasurementId: string | null;
  correctionReason: string | null;
  supersededBy: string | null;
}

/** GET /projects/{id}'s answer: the project with its components, milestones and indicators. */
export interface ProjectDetail extends ProjectSummary {
  description: string;
  location: ProjectLocation;
  participatingOrganisations: ParticipatingOrganisation[];
  lastReason: string | null;
  components: { id: string; name: string; kind: string; description: string | null }[];
  milestones: {
    id: string;
    title: string;
    description: string | null;
    componentId: string | null;
    dueDate: string;
    status: string;
    /** Derived from the day it is read: planned, due before today, the project neither closed nor cancelled. */
    overdue: boolean;
    reachedOn: string | null;
    evidence: string | null;
    documentLinks: string[];
    waiveReason: string | null;
    timesRescheduled: number;
  }[];
  indicators: {
    id: string;
    title: string;
    description: string | null;
    componentId: string | null;
    unit: string;
    measure: number;
    resultLevel: number;
    baseline: { value: number; date: string | null };
    target: { value: number; date: string | null };
    sexBreakdown: string | null;
    latestActual: { value: number; date: string; disaggregation: SexDisaggregation | null } | null;
    progress: number | null;
    measurements: MeasurementAnswer[];
  }[];
}

/** A project's summary (ProjectSummary) as JSON object fields, of `project_views` aliased `p`. */
const SUMMARY_FIELDS = `
  'id', p.id, 'code', p.code, 'title', p.title, 'country', p.country, 'status', p.status, 'sector', p.sector, 'version', p.version,
  'plannedStart', p.planned_start, 'plannedEnd', p.planned_end, 'actualStart', p.actual_start, 'actualEnd', p.actual_end,
  'updatedAt', p.updated_at`;

/**
 * A project's detail, written out by PostgreSQL as the answer's JSON in one statement, of one snapshot
 * of the views (a statement sees one committed state). Read as entities, in a REPEATABLE READ
 * transaction so that its five statements saw one state, the read took seven round trips and the ORM's
 * hydration: a small project's GET took 4.6-5.9 ms on average on one connection, 2.3-2.4 in one
 * statement (docs/benchmarks.md, Twenty-fourth pass). The measurements, thousands on a long-lived
 * project, were already written out so (as entities each one cost far more than its row: Fifth pass).
 * Dates are JSON's `YYYY-MM-DD`; `updatedAt`, a timestamp, and each milestone's `overdue`, which depends
 * on the day, are set after.
 */
const PROJECT_DETAIL = `
  WITH measurements AS (
    SELECT indicator_id, json_agg(json_build_object(
      'id', id, 'value', value, 'date', date, 'periodStart', period_start, 'disaggregation', disaggregation, 'note', note,
      'correctsMeasurementId', corrects_measurement_id, 'correctionReason', correction_reason, 'supersededBy', superseded_by
    ) ORDER BY recorded_version) AS list
    FROM measurement_views WHERE project_id = ? GROUP BY indicator_id
  )
  SELECT json_build_object(${SUMMARY_FIELDS}, 'description', p.description, 'location', p.location,
    'participatingOrganisations', p.participating_organisations, 'lastReason', p.last_reason,
    'components', coalesce((
      SELECT json_agg(json_build_object('id', c.id, 'name', c.name, 'kind', c.kind, 'description', c.description) ORDER BY c.position)
      FROM component_views c WHERE c.project_id = p.id
    ), '[]'),
    'milestones', coalesce((
      SELECT json_agg(json_build_object(
        'id', m.id, 'title', m.title, 'description', m.description, 'componentId', m.component_id, 'dueDate', m.due_date,
        'status', m.status, 'overdue', false, 'reachedOn', m.reached_on, 'evidence', m.evidence, 'documentLinks', m.document_links,
        'waiveReason', m.waive_reason, 'timesRescheduled', m.times_rescheduled
      ) ORDER BY m.position)
      FROM milestone_views m WHERE m.project_id = p.id
    ), '[]'),
    'indicators', coalesce((
      SELECT json_agg(json_build_object(
        'id', i.id, 'title', i.title, 'description', i.description, 'componentId', i.component_id, 'unit', i.unit,
        'measure', i.measure, 'resultLevel', i.result_level,
        'baseline', json_build_object('value', i.baseline_value, 'date', i.baseline_date),
        'target', json_build_object('value', i.target_value, 'date', i.target_date),
        'sexBreakdown', i.sex_breakdown,
        'latestActual', CASE WHEN i.latest_actual IS NULL THEN NULL
          ELSE json_build_object('value', i.latest_actual, 'date', i.latest_actual_date, 'disaggregation', i.latest_disaggregation) END,
        'progress', i.progress, 'measurements', coalesce(ms.list, '[]')
      ) ORDER BY i.position)
      FROM indicator_views i LEFT JOIN measurements ms ON ms.indicator_id = i.id WHERE i.project_id = p.id
    ), '[]')
  ) AS detail
  FROM project_views p WHERE p.id = ?`;

/**
 * A page of the projects a filter keeps, by code, and how many it keeps in all, in one statement (one
 * snapshot: the count and the page agree). `kept` and `page` are conditions on `project_views`, only
 * those the filter names, so that the planner sees each as it is; their parameters come first, then
 * the page's length and its offset.
 */
function projectList(kept: string, page: string): string {
  return `
  WITH kept AS (SELECT * FROM project_views WHERE ${kept})
  SELECT (SELECT count(*) FROM kept)::int AS total, coalesce((
    SELECT json_agg(json_build_object(${SUMMARY_FIELDS}) ORDER BY p.code)
    FROM (SELECT * FROM kept WHERE ${page} ORDER BY code LIMIT ? OFFSET ?) p
  ), '[]') AS items`;
}

/** A condition on a row, with its one parameter. */
type Condition = [sql: string, value: unknown];

/** Conditions joined with AND; 'true' when there are none. */
function allOf(conditions: Condition[]): string {
  return conditions.map(([sql]) => sql).join(' AND ') || 'true';
}

function valuesOf(conditions: Condition[]): unknown[] {
  return conditions.map(([, value]) => value);
}

/** Reads of the project read model, for GET /projects and GET /projects/{id}. */
export class ProjectDetailReader {
  constructor(private readonly em: EntityManager) {}

  /**
   * Projects by code. `nextAfter` is the last code of a full page (null on the last page): given back as
   * `afterCode`, the next page starts after it however the list changed meanwhile, where an offset
   * skips a project when one before it leaves the filter and repeats one when a project sorts in before.
   */
  async list(filter: ProjectListFilter): Promise<{ items: ProjectSummary[]; total: number; nextAfter: string | null }> {
    const kept: Condition[] = [];
    if (filter.country) kept.push(['country = ?', filter.country]);
    if (filter.status) kept.push(['status = ?', filter.status]);
    if (filter.ids) kept.push(['id = ANY(ARRAY(SELECT jsonb_array_elements_text(?::jsonb)::uuid))', JSON.stringify(filter.ids)]);
    const from: Condition[] = filter.afterCode === undefined ? [] : [['code > ?', filter.afterCode]];
    // One more than the page: a full last page has no next one (it pointed to an empty page).
    const rows = await this.em
      .getConnection()
      .execute<{ total: number; items: ProjectSummary[] }[]>(projectList(allOf(kept), allOf(from)), [...valuesOf(kept), ...valuesOf(from), filter.limit + 1, filter.offset], 'all');
    const { total, items } = rows[0]!;
    for (const item of items) item.updatedAt = isoTimestamp(item.updatedAt);
    const page = items.slice(0, filter.limit);
    const nextAfter = items.length > filter.limit ? page.at(-1)!.code : null;
    return { items: page, total, nextAfter };
  }

  /** One project with its components, milestones (with the derived overdue flag) and indicators, of one version. */
  async get(projectId: string, today: string): Promise<ProjectDetail | undefined> {
    const rows = await this.em.getConnection().execute<{ detail: ProjectDetail }[]>(PROJECT_DETAIL, [projectId, projectId], 'all');
    const detail = rows[0]?.detail;
    if (!detail) return undefined;
    detail.updatedAt = isoTimestamp(detail.updatedAt);
    for (const milestone of detail.milestones) milestone.overdue = isMilestoneOverdue(milestone, detail.status, today);
    return detail;
  }

  /** The project's milestones with their histories, and the revisions of its planned dates, of one version. */
  timeline(projectId: string, today: string): Promise<ProjectTimeline | undefined> {
    return readProjectTimeline(this.em, projectId, today);
  }
}
