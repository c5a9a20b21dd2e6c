import { actualEndOf, type ProjectEvent, progressShare, requireEventData } from '@app/domain';
import { requireEveryVersion, type StoredEvent } from '@app/event-store';

/**
 * The project read model as plain rows, column for column, folded in memory from a project's events.
 * Rebuilds and drift checks fold whole streams and write whole tables in bulk; the worker's sync
 * (project-detail.sync.ts) resumes from the rows its new events touch and writes back the ones that
 * changed. One fold for both, so an incremental view and a rebuilt one cannot disagree; the drift check
 * (`projections:verify`) and its spec hold them to it.
 */
export interface ProjectDetailRows {
  project_views: Record<string, unknown>[];
  component_views: Record<string, unknown>[];
  milestone_views: Record<string, unknown>[];
  indicator_views: Record<string, unknown>[];
  measurement_views: Record<string, unknown>[];
  milestone_timeline_views: Record<string, unknown>[];
  planned_date_revision_views: Record<string, unknown>[];
}

export type ViewTable = keyof ProjectDetailRows;

/** The tables of the project read model and their columns, in insert order. */
export const VIEW_COLUMNS: Record<ViewTable, readonly string[]> = {
  project_views: [
    'id', 'code', 'title', 'description', 'country', 'status', 'sector', 'location', 'participating_organisations',
    'planned_start', 'planned_end', 'actual_start', 'actual_end', 'last_reason', 'version', 'proposed_at', 'updated_at',
  ],
  component_views: ['id', 'project_id', 'name', 'kind', 'description', 'position'],
  milestone_views: [
    'id', 'project_id', 'component_id', 'title', 'description', 'due_date', 'status', 'reached_on', 'evidence',
    'document_links', 'waive_reason', 'times_rescheduled', 'position',
  ],
  indicator_views: [
    'id', 'project_id', 'component_id', 'title', 'description', 'unit', 'measure', 'result_level', 'baseline_value',
    'baseline_date', 'target_value', 'target_date', 'latest_actual', 'latest_actual_date', 'latest_disaggregation',
    'progress', 'measurement_count', 'position', 'sex_breakdown',
  ],
  measurement_views: [
    'id', 'project_id', 'indicator_id', 'value', 'date', 'period_start', 'disaggregation', 'note',
    'corrects_measurement_id', 'correction_reason', 'superseded_by', 'recorded_version', 'original_version',
  ],
  milestone_timeline_views: [
    'id', 'project_id', 'milestone_id', 'version', 'kind', 'date', 'due_date', 'previous_due_date', 'note', 'occurred_at',
  ],
  planned_date_revision_views: [
    'id', 'project_id', 'version', 'planned_start', 'planned_end', 'previous_planned_start', 'previous_planned_end', 'reason',
    'occurred_at',
  ],
};

export const VIEW_TABLES = Object.keys(VIEW_COLUMNS) as ViewTable[];

type Row = Record<string, unknown>;

/**
 * The rows a sync resumes from: the project's row and those its new events name. An indicator whose
 * measurements are among `measurements` must have all its current ones there (a correction of its
 * latest needs the next one); any other indicator's latest actual is read from its own row.
 */
export interface ProjectDetailSeed {
  project: Row;
  milestones: Row[];
  indicators: Row[];
  measurements: Row[];
}

/** Folds one project's events, in version order, into its rows. */
export class ProjectDetailFolder {
  private project: Row | undefined;
  private readonly components = new Map<string, Row>();
  private readonly milestones = new Map<string, Row>();
  private readonly indicators = new Map<string, Row>();
  private readonly measurements = new Map<string, Row>();
  /** Per indicator: its measurements and the current latest one, so a recording costs O(1). */
  private readonly measurementsOf = new Map<string, Row[]>();
  private readonly latestOf = new Map<string, Row | undefined>();
  private readonly timeline: Row[] = [];
  private readonly plannedDateRevisions: Row[] = [];
  /** Rows created or modified since the folder started (all of them when it started from nothing). */
  private readonly changed = new Set<Row>();

  /** Without a seed, from a stream's first event; with one, from the rows a sync has loaded. */
  constructor(seed?: ProjectDetailSeed) {
    if (!seed) return;
    this.project = seed.project;
    for (const milestone of seed.milestones) this.milestones.set(milestone.id as string, milestone);
    for (const indicator of seed.indicators) this.indicators.set(indicator.id as string, indicator);
    for (const measurement of seed.measurements) {
      const indicatorId = measurement.indicator_id as string;
      this.measurements.set(measurement.id as string, measurement);
      const ofIndicator = this.measurementsOf.get(indicatorId);
      if (ofIndicator) ofIndicator.push(measurement);
      else this.measurementsOf.set(indicatorId, [measurement]);
    }
    for (const indicator of seed.indicators) {
      const id = indicator.id as string;
      this.latestOf.set(id, this.measurementsOf.has(id) ? this.findLatest(id) : latestFromRow(indicator));
    }
  }

  apply(stored: StoredEvent): void {
    const event = { type: stored.type, data: stored.data };
    requireEventData(event);
    const at = stored.metadata.recordedAt;
    if (event.type === 'ProjectProposed') {
      const d = event.data;
      this.project = {
        id: d.projectId, code: d.code, title: d.title, description: d.description, country: d.country,
        status: 'proposed', sector: d.sector, location: d.location, participating_organisations: d.participatingOrganisations,
        planned_start: d.plannedStart ?? null, planned_end: d.plannedEnd ?? null, actual_start: null, actual_end: null,
        last_reason: null, version: stored.version, proposed_at: at, updated_at: at,
      };
      this.changed.add(this.project);
      return;
    }
    const project = this.project;
    // An event deleted by hand from the stream: folding on would show a state that never was (the sync
    // fails the project; a rebuild leaves it out and keeps its views as they were). The proposal deleted
    // is one too.
    requireEveryVersion(stored.streamId, (project?.version as number | undefined) ?? 0, [stored]);
    if (!project) throw new Error(`${event.type} at version ${stored.version} of ${stored.streamId} has no project to apply to`);
    this.changed.add(project);
    project.version = stored.version;
    project.updated_at = at;
    const projectId = project.id as string;

    switch (event.type) {
      case 'ProjectApproved':
        return this.transition('approved', event.data.reason);
      case 'ProjectStarted':
        project.actual_start = event.data.actualStart;
        return this.transition('implementation', event.data.reason);
      case 'ProjectSuspended':
        return this.transition('suspended', event.data.reason);
      case 'ProjectResumed':
        return this.transition('implementation', event.data.reason);
      case 'ProjectFinalised':
        project.actual_end = event.data.actualEnd;
        return this.transition('finalisation', event.data.reason);
      case 'ProjectClosed':
        return this.transition('closed', event.data.reason);
      case 'ProjectCancelled':
        // Cancelled once started, its work ended that day (the domain's rule, as the IATI export has it).
        project.actual_end =
          actualEndOf({ status: 'cancelled', actualStart: (project.actual_start as string | null) ?? undefined, cancelledOn: event.data.date }) ??
          null;
        return this.transition('cancelled', event.data.reason);
      case 'PlannedDatesRevised': {
        const previous = { start: project.planned_start, end: project.planned_end };
        if (event.data.plannedStart !== undefined) project.planned_start = event.data.plannedStart;
        if (event.data.plannedEnd !== undefined) project.planned_end = event.data.plannedEnd;
        this.plannedDateRevisions.push({
          id: stored.metadata.eventId, project_id: projectId, version: stored.version, planned_start: project.planned_start,
          planned_end: project.planned_end, previous_planned_start: previous.start, previous_planned_end: previous.end,
          reason: event.data.reason, occurred_at: stored.metadata.occurredAt,
        });
        return;
      }
      case 'ComponentAdded':
        this.add(this.components, {
          id: event.data.componentId, project_id: projectId, name: event.data.name, kind: event.data.kind,
          description: event.data.description ?? null, position: stored.version,
        });
        return;
      case 'MilestonePlanned':
        this.add(this.milestones, {
          id: event.data.milestoneId, project_id: projectId, component_id: event.data.componentId ?? null,
          title: event.data.title, description: event.data.description ?? null, due_date: event.data.dueDate,
          status: 'planned', reached_on: null, evidence: null, document_links: [], waive_reason: null,
          times_rescheduled: 0, position: stored.version,
        });
        this.addTimeline(stored, event.data.milestoneId, 'planned', null, event.data.dueDate, null, event.data.title);
        return;
      case 'MilestoneReached': {
        const milestone = this.must(this.milestones, event.data.milestoneId, stored);
        this.changed.add(milestone);
        milestone.status = 'reached';
        milestone.reached_on = event.data.reachedOn;
        milestone.evidence = event.data.evidence;
        milestone.document_links = event.data.documentLinks;
        this.addTimeline(stored, event.data.milestoneId, 'reached', event.data.reachedOn, milestone.due_date as string, null, event.data.evidence);
        return;
      }
      case 'MilestoneRescheduled': {
        const milestone = this.must(this.milestones, event.data.milestoneId, stored);
        this.changed.add(milestone);
        milestone.due_date = event.data.dueDate;
        milestone.times_rescheduled = (milestone.times_rescheduled as number) + 1;
        this.addTimeline(stored, event.data.milestoneId, 'rescheduled', null, event.data.dueDate, event.data.previousDueDate, event.data.reason);
        return;
      }
      case 'MilestoneWaived': {
        const milestone = this.must(this.milestones, event.data.milestoneId, stored);
        this.changed.add(milestone);
        milestone.status = 'waived';
        milestone.waive_reason = event.data.reason;
        this.addTimeline(stored, event.data.milestoneId, 'waived', null, milestone.due_date as string, null, event.data.reason);
        return;
      }
      case 'IndicatorDefined':
        this.add(this.indicators, {
          id: event.data.indicatorId, project_id: projectId, component_id: event.data.componentId ?? null,
          title: event.data.title, description: event.data.description ?? null, unit: event.data.unit,
          measure: event.data.measure, result_level: event.data.resultLevel, baseline_value: event.data.baseline.value,
          baseline_date: event.data.baseline.date ?? null, target_value: event.data.target.value,
          target_date: event.data.target.date ?? null, latest_actual: null, latest_actual_date: null,
          latest_disaggregation: null, progress: null, measurement_count: 0, position: stored.version,
          // Left out, a count's parts add up, and any other measure takes no breakdown (null).
          sex_breakdown: event.data.sexBreakdown ?? (event.data.measure === 1 ? 'adds-up' : null),
        });
        return;
      case 'IndicatorTargetRevised': {
        const indicator = this.must(this.indicators, event.data.indicatorId, stored);
        indicator.target_value = event.data.target.value;
        indicator.target_date = event.data.target.date ?? null;
        return this.setProgress(indicator);
      }
      case 'MeasurementRecorded': {
        const d = event.data;
        const indicator = this.must(this.indicators, d.indicatorId, stored);
        this.addMeasurement(indicator, {
          id: d.measurementId, project_id: projectId, indicator_id: d.indicatorId, value: d.value, date: d.date,
          period_start: d.periodStart ?? null, disaggregation: d.disaggregation ?? null, note: d.note ?? null,
          corrects_measurement_id: null, correction_reason: null, superseded_by: null, recorded_version: stored.version,
          original_version: stored.version,
        });
        return;
      }
      case 'MeasurementCorrected': {
        const d = event.data;
        const indicator = this.must(this.indicators, d.indicatorId, stored);
        const corrected = this.must(this.measurements, d.correctsMeasurementId, stored);
        corrected.superseded_by = d.measurementId;
        this.changed.add(corrected);
        if (this.latestOf.get(d.indicatorId) === corrected) this.latestOf.set(d.indicatorId, this.findLatest(d.indicatorId));
        this.addMeasurement(indicator, {
          id: d.measurementId, project_id: projectId, indicator_id: d.indicatorId, value: d.value, date: d.date,
          period_start: d.periodStart ?? null, disaggregation: d.disaggregation ?? null, note: null,
          corrects_measurement_id: d.correctsMeasurementId, correction_reason: d.reason, superseded_by: null,
          recorded_version: stored.version, original_version: corrected.original_version,
        });
        return;
      }
      default: {
        const unhandled: never = event;
        throw new Error(`ProjectDetailFolder does not handle ${(unhandled as ProjectEvent).type}`);
      }
    }
  }

  /** Rows created or modified by the events applied: what a sync writes back. */
  changes(): ProjectDetailRows {
    const all = this.rows();
    const changed = (rows: Row[]) => rows.filter((row) => this.changed.has(row));
    return {
      project_views: changed(all.project_views),
      component_views: changed(all.component_views),
      milestone_views: changed(all.milestone_views),
      indicator_views: changed(all.indicator_views),
      measurement_views: changed(all.measurement_views),
      milestone_timeline_views: all.milestone_timeline_views,
      planned_date_revision_views: all.planned_date_revision_views,
    };
  }

  rows(): ProjectDetailRows {
    return {
      project_views: this.project ? [this.project] : [],
      component_views: [...this.components.values()],
      milestone_views: [...this.milestones.values()],
      indicator_views: [...this.indicators.values()],
      measurement_views: [...this.measurements.values()],
      milestone_timeline_views: this.timeline,
      planned_date_revision_views: this.plannedDateRevisions,
    };
  }

  private transition(status: string, reason: string | undefined): void {
    this.project!.status = status;
    this.project!.last_reason = reason ?? null;
  }

  private add(map: Map<string, Row>, row: Row): void {
    map.set(row.id as string, row);
    this.changed.add(row);
  }

  private addTimeline(
    stored: StoredEvent,
    milestoneId: string,
    kind: string,
    date: string | null,
    dueDate: string,
    previousDueDate: string | null,
    note: string | null,
  ): void {
    this.timeline.push({
      id: stored.metadata.eventId, project_id: stored.streamId, milestone_id: milestoneId, version: stored.version,
      kind, date, due_date: dueDate, previous_due_date: previousDueDate, note, occurred_at: stored.metadata.occurredAt,
    });
  }

  private addMeasurement(indicator: Row, measurement: Row): void {
    const indicatorId = indicator.id as string;
    this.add(this.measurements, measurement);
    const list = this.measurementsOf.get(indicatorId) ?? [];
    list.push(measurement);
    this.measurementsOf.set(indicatorId, list);
    const latest = this.latestOf.get(indicatorId);
    if (!latest || isLater(measurement, latest)) this.latestOf.set(indicatorId, measurement);
    indicator.measurement_count = (indicator.measurement_count as number) + 1;
    this.setProgress(indicator);
  }

  /** The domain's rule (`latestActual`): the current measurement with the latest date, ties by `isLater`. */
  private findLatest(indicatorId: string): Row | undefined {
    let latest: Row | undefined;
    for (const measurement of this.measurementsOf.get(indicatorId) ?? []) {
      if (measurement.superseded_by === null && (!latest || isLater(measurement, latest))) latest = measurement;
    }
    return latest;
  }

  private setProgress(indicator: Row): void {
    this.changed.add(indicator);
    const latest = this.latestOf.get(indicator.id as string);
    indicator.latest_actual = latest?.value ?? null;
    indicator.latest_actual_date = latest?.date ?? null;
    indicator.latest_disaggregation = latest?.disaggregation ?? null;
    indicator.progress = latest ? progressShare(latest.value as number, indicator.baseline_value as number, indicator.target_value as number) : null;
  }

  private must(map: Map<string, Row>, id: string, stored: StoredEvent): Row {
    const row = map.get(id);
    if (!row) throw new Error(`${stored.type} at version ${stored.version} of ${stored.streamId} names ${id}, not found in the view`);
    return row;
  }
}

/**
 * An indicator row's latest actual, as the measurement the fold compares new ones with. Any recording the
 * sync applies was recorded after it, so it ranks below them all on the same date; a correction has the
 * sync load the indicator's current measurements instead (it may rank below the latest).
 */
function latestFromRow(indicator: Row): Row | undefined {
  if (indicator.latest_actual_date === null) return undefined;
  return {
    value: indicator.latest_actual,
    date: indicator.latest_actual_date,
    disaggregation: indicator.latest_disaggregation,
    recorded_version: 0,
    original_version: 0,
  };
}

/**
 * Whether measurement `a` ranks after `b` as the latest actual, as the domain's `latestActual` ranks: by
 * date, then by when the recording each ultimately corrects was recorded (`original_version`: its own
 * version for a recording, that of the recording a correction replaces for a correction), so correcting
 * an older value does not make it the latest.
 */
function isLater(a: Row, b: Row): boolean {
  return (a.date as string) > (b.date as string) || (a.date === b.date && (a.original_version as number) > (b.original_version as number));
}
