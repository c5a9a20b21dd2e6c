import type {
  ComponentKind,
  DatedValue,
  IndicatorMeasure,
  ParticipatingOrganisation,
  ProjectLocation,
  ProjectStatus,
  ResultLevel,
  SexBreakdown,
  SexDisaggregation,
} from './project.values.js';

/** The state of a project as its events leave it; rebuilt by `evolve`, read by `decide`. */

export interface Component {
  id: string;
  name: string;
  kind: ComponentKind;
  description?: string;
}

export type MilestoneStatus = 'planned' | 'reached' | 'waived';

export interface Milestone {
  id: string;
  title: string;
  description?: string;
  componentId?: string;
  dueDate: string;
  status: MilestoneStatus;
  /** Set once reached. */
  reachedOn?: string;
  /** Set once reached. */
  evidence?: string;
  documentLinks: string[];
  /** Set once waived. */
  waiveReason?: string;
  timesRescheduled: number;
}

/** A recorded value, or a correction of one. Corrections never replace the entry they correct. */
export interface Measurement {
  measurementId: string;
  value: number;
  date: string;
  periodStart?: string;
  disaggregation?: SexDisaggregation;
  note?: string;
  /** Set on a correction: the measurement it corrects. */
  correctsMeasurementId?: string;
  /** Set on a correction: why the earlier value was wrong. */
  reason?: string;
  /** Set once a later correction replaces this measurement. */
  supersededBy?: string;
}

export interface Indicator {
  id: string;
  title: string;
  description?: string;
  unit: string;
  measure: IndicatorMeasure;
  resultLevel: ResultLevel;
  baseline: DatedValue;
  target: DatedValue;
  componentId?: string;
  /** As defined; absent: `adds-up`. */
  sexBreakdown?: SexBreakdown;
  /**
   * In the order they were recorded, corrections included. An indicator that `evolve` made shares its
   * measurements with later states (measurement-log.ts) and makes this array when it is first read.
   */
  readonly measurements: readonly Measurement[];
}

/** What every project holds, whatever its status. */
export interface ProjectBase {
  projectId: string;
  code: string;
  title: string;
  description: string;
  country: string;
  location: ProjectLocation;
  sector: string;
  participatingOrganisations: ParticipatingOrganisation[];
  plannedStart?: string;
  plannedEnd?: string;
  /** Why the planned dates are what they are: the reason of their latest revision; absent until one. */
  plannedDatesReason?: string;
  /** The reason given with the latest lifecycle change, if that change gave one. */
  lastReason?: string;
  /**
   * The date of the lifecycle step that brought the project to its status (approve, start, suspend,
   * resume, finalise, close, cancel); absent while proposed, as a proposal carries no date. The next
   * lifecycle step may not be dated before it.
   */
  statusSince?: string;
  components: Record<string, Component>;
  milestones: Record<string, Milestone>;
  indicators: Record<string, Indicator>;
}

export interface ProposedProject extends ProjectBase {
  status: 'proposed';
}

export interface ApprovedProject extends ProjectBase {
  status: 'approved';
  approvedOn: string;
}

export interface ProjectInImplementation extends ProjectBase {
  status: 'implementation';
  approvedOn: string;
  actualStart: string;
}

export interface SuspendedProject extends ProjectBase {
  status: 'suspended';
  approvedOn: string;
  actualStart: string;
}

export interface ProjectInFinalisation extends ProjectBase {
  status: 'finalisation';
  approvedOn: string;
  actualStart: string;
  actualEnd: string;
}

export interface ClosedProject extends ProjectBase {
  status: 'closed';
  approvedOn: string;
  actualStart: string;
  actualEnd: string;
  closedOn: string;
}

/** A project can be cancelled before approval or start, so those dates are only there if reached. */
export interface CancelledProject extends ProjectBase {
  status: 'cancelled';
  approvedOn?: string;
  actualStart?: string;
  cancelledOn: string;
}

export type Project =
  | ProposedProject
  | ApprovedProject
  | ProjectInImplementation
  | SuspendedProject
  | ProjectInFinalisation
  | ClosedProject
  | CancelledProject;

/** A project not yet proposed: the state of an empty stream. */
export interface NoProject {
  status: 'none';
}

export type ProjectState = NoProject | Project;

export const initialProjectState: ProjectState = { status: 'none' };

/**
 * The shape of `ProjectState` as `evolve` builds it. Bump it whenever either changes: stored snapshots
 * of another version are ignored and rebuilt from the events.
 */
export const PROJECT_STATE_VERSION = 3;

/** Project statuses in which a missed due date no longer matters: both are final. */
export const STATUSES_WITHOUT_OVERDUE: readonly ProjectStatus[] = ['closed', 'cancelled'];

/**
 * A milestone is overdue when it is still planned, its due date is before `today` (ISO `YYYY-MM-DD`, UTC)
 * and its project is neither closed nor cancelled. Overdue is derived, never recorded: reads, the
 * portfolio and the overdue notifications all decide it by this rule.
 */
export function isMilestoneOverdue(milestone: { status: string; dueDate: string }, projectStatus: string, today: string): boolean {
  return milestone.status === 'planned' && milestone.dueDate < today && !(STATUSES_WITHOUT_OVERDUE as readonly string[]).includes(projectStatus);
}

/**
 * When the project's work ended (IATI's actual end, activity-date type 4): the date it was finalised,
 * or, for a project cancelled once it had started, the date it was cancelled. A project cancelled
 * before it started never ran, so it has no actual end; nor has one still running.
 */
export function actualEndOf(project: { status: string; actualStart?: string; actualEnd?: string; cancelledOn?: string }): string | undefined {
  if (project.actualEnd !== undefined) return project.actualEnd;
  if (project.status === 'cancelled' && project.actualStart !== undefined) return project.cancelledOn;
  return undefined;
}

/** The measurements that stand: those no correction has superseded, in the order they were recorded. */
export function currentMeasurements(indicator: Indicator): Measurement[] {
  return indicator.measurements.filter((measurement) => measurement.supersededBy === undefined);
}

/**
 * The current measurement with the latest date; of two on the same date, the one recorded later. A
 * correction ranks where the measurement it replaces ranked: by when the original recording it
 * ultimately corrects was recorded, not by when the correction was (correcting an older count does not
 * make it the latest). The read model's fold (project-detail.rows.ts, `isLater`) ranks alike.
 */
export function latestActual(indicator: Indicator): Measurement | null {
  const { measurements } = indicator;
  let latest: Measurement | null = null;
  let latestRank = -1;
  let positions: Map<string, number> | undefined;
  for (let index = 0; index < measurements.length; index++) {
    const measurement = measurements[index]!;
    if (measurement.supersededBy !== undefined || (latest !== null && measurement.date < latest.date)) continue;
    let rank = index;
    if (measurement.correctsMeasurementId !== undefined) {
      positions ??= new Map(measurements.map((each, position) => [each.measurementId, position]));
      rank = originalPosition(measurements, positions, index);
    }
    if (latest === null || measurement.date > latest.date || rank > latestRank) {
      latest = measurement;
      latestRank = rank;
    }
  }
  return latest;
}

/**
 * Where, among `measurements` (in the order recorded), the recording stands that the correction at
 * `index` ultimately corrects, following the chain of corrections back. A state that does not hold the
 * whole chain (the notifier keeps only each indicator's latest actual) ranks from the earliest it holds.
 */
function originalPosition(measurements: readonly Measurement[], positions: ReadonlyMap<string, number>, index: number): number {
  let position = index;
  for (let corrects = measurements[index]!.correctsMeasurementId; corrects !== undefined; ) {
    const found = positions.get(corrects);
    if (found === undefined) break;
    position = found;
    corrects = measurements[found]!.correctsMeasurementId;
  }
  return position;
}

/**
 * How far the latest actual has moved from the baseline towards the target, as a share: 0 at the
 * baseline, 1 at the target. It may exceed 1 (target passed) or be negative (moved away from it).
 * Null when nothing has been measured, or when target and baseline coincide (no distance to cover).
 */
export function indicatorProgress(indicator: Indicator): number | null {
  const actual = latestActual(indicator);
  return actual === null ? null : progressShare(actual.value, indicator.baseline.value, indicator.target.value);
}

/**
 * `actual`'s share of the way from `baseline` to `target` (indicatorProgress), null when they coincide.
 * Held to the largest finite number either way: a target a hair from its baseline (1e-300 from 0)
 * made the share Infinity, which JSON writes as null ("not measured") while a count of targets reached
 * counted it.
 */
export function progressShare(actual: number, baseline: number, target: number): number | null {
  const distance = target - baseline;
  if (distance === 0) return null;
  const share = (actual - baseline) / distance;
  return Number.isFinite(share) ? share : Math.sign(share) * Number.MAX_VALUE;
}
