import type { InferEntity } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isMilestoneOverdue, type SexDisaggregation } from '@app/domain';
import { inOneSnapshot } from '../one-snapshot.js';
import { readMilestoneTimeline } from './milestone-timeline.reader.js';
import { readPlannedDateRevisions } from './planned-date-revisions.reader.js';
import { ComponentView, IndicatorView, MilestoneView, ProjectView } from './project-detail.entities.js';

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

/**
 * Each indicator's measurements of a project, in the order they were recorded, written out by
 * PostgreSQL as the answer's JSON: a long-lived project holds thousands, and as entities each one cost
 * the API far more than the row itself (docs/benchmarks.md, Fifth pass).
 */
const MEASUREMENTS_BY_INDICATOR = `
  SELECT indicator_id, json_agg(json_build_object(
    'id', id, 'value', value, 'date', date, 'periodStart', period_start, 'disaggregation', disaggregation, 'note', note,
    'correctsMeasurementId', corrects_measurement_id, 'correctionReason', correction_reason, 'supersededBy', superseded_by
  ) ORDER BY recorded_version) AS measurements
  FROM measurement_views WHERE project_id = ? GROUP BY indicator_id`;

/** Reads of the project read model, for GET /projects and GET /projects/{id}. */
export class ProjectDetailReader {
  constructor(private readonly em: EntityManager) {}

  /**
   * Projects by code. `nextAfter` is the last code of a full page (null on the last page): given back as
   * `afterCode`, the next page starts after it however the list changed meanwhile, where an offset
   * skips a project when one before it leaves the filter and repeats one when a project sorts in before.
   */
  async list(filter: ProjectListFilter): Promise<{ items: ProjectSummary[]; total: number; nextAfter: string | null }> {
    const where: Record<string, unknown> = {};
    if (filter.country) where.country = filter.country;
    if (filter.status) where.status = filter.status;
    if (filter.ids) where.id = { $in: filter.ids };
    // One more than the page: a full last page has no next one (it pointed to an empty page).
    const [rows, total] = await inOneSnapshot(this.em, (em) =>
      Promise.all([
        em.find(ProjectView, filter.afterCode === undefined ? where : { ...where, code: { $gt: filter.afterCode } }, {
          orderBy: { code: 'asc' },
          limit: filter.limit + 1,
          offset: filter.offset,
        }),
        em.count(ProjectView, where),
      ]),
    );
    const page = rows.slice(0, filter.limit);
    const nextAfter = rows.length > filter.limit ? page.at(-1)!.code : null;
    return { items: page.map(summary), total, nextAfter };
  }

  /** One project with its components, milestones (with the derived overdue flag) and indicators, of one version. */
  get(projectId: string, today: string) {
    return inOneSnapshot(this.em, (em) => this.detail(em, projectId, today));
  }

  /** The project's milestones with their histories, and the revisions of its planned dates, of one version. */
  timeline(projectId: string, today: string) {
    return inOneSnapshot(this.em, async (em) => {
      const project = await em.findOne(ProjectView, { id: projectId });
      if (!project) return undefined;
      const [milestones, plannedDateRevisions] = await Promise.all([
        readMilestoneTimeline(em, projectId, project.status, today),
        readPlannedDateRevisions(em, projectId),
      ]);
      return { version: project.version, milestones, plannedDateRevisions };
    });
  }

  private async detail(em: EntityManager, projectId: string, today: string) {
    const project = await em.findOne(ProjectView, { id: projectId });
    if (!project) return undefined;
    const [components, milestones, indicators, measurements] = await Promise.all([
      em.find(ComponentView, { projectId }, { orderBy: { position: 'asc' } }),
      em.find(MilestoneView, { projectId }, { orderBy: { position: 'asc' } }),
      em.find(IndicatorView, { projectId }, { orderBy: { position: 'asc' } }),
      em
        .getConnection()
        .execute<{ indicator_id: string; measurements: MeasurementAnswer[] }[]>(MEASUREMENTS_BY_INDICATOR, [projectId], 'all', em.getTransactionContext()),
    ]);
    const measurementsOf = new Map(measurements.map((row) => [row.indicator_id, row.measurements]));
    return {
      ...summary(project),
      description: project.description,
      location: project.location,
      participatingOrganisations: project.participatingOrganisations,
      lastReason: project.lastReason ?? null,
      components: components.map((c) => ({ id: c.id, name: c.name, kind: c.kind, description: c.description ?? null })),
      milestones: milestones.map((m) => ({
        id: m.id,
        title: m.title,
        description: m.description ?? null,
        componentId: m.componentId ?? null,
        dueDate: m.dueDate,
        status: m.status,
        overdue: isMilestoneOverdue(m, project.status, today),
        reachedOn: m.reachedOn ?? null,
        evidence: m.evidence ?? null,
        documentLinks: m.documentLinks,
        waiveReason: m.waiveReason ?? null,
        timesRescheduled: m.timesRescheduled,
      })),
      indicators: indicators.map((i) => ({
        id: i.id,
        title: i.title,
        description: i.description ?? null,
        componentId: i.componentId ?? null,
        unit: i.unit,
        measure: i.measure,
        resultLevel: i.resultLevel,
        baseline: { value: i.baselineValue, date: i.baselineDate ?? null },
        target: { value: i.targetValue, date: i.targetDate ?? null },
        sexBreakdown: i.sexBreakdown ?? null,
        latestActual:
          i.latestActual === null || i.latestActual === undefined
            ? null
            : { value: i.latestActual, date: i.latestActualDate, disaggregation: i.latestDisaggregation ?? null },
        progress: i.progress ?? null,
        measurements: measurementsOf.get(i.id) ?? [],
      })),
    };
  }
}

export type ProjectDetail = NonNullable<Awaited<ReturnType<ProjectDetailReader['get']>>>;
export type ProjectTimeline = NonNullable<Awaited<ReturnType<ProjectDetailReader['timeline']>>>;

function summary(project: InferEntity<typeof ProjectView>): ProjectSummary {
  return {
    id: project.id,
    code: project.code,
    title: project.title,
    country: project.country,
    status: project.status,
    sector: project.sector,
    version: project.version,
    plannedStart: project.plannedStart ?? null,
    plannedEnd: project.plannedEnd ?? null,
    actualStart: project.actualStart ?? null,
    actualEnd: project.actualEnd ?? null,
    updatedAt: toIso(project.updatedAt),
  };
}

function toIso(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}
