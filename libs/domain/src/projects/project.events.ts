import type {
  ComponentKind,
  DatedValue,
  IndicatorMeasure,
  ParticipatingOrganisation,
  ProjectLocation,
  ResultLevel,
  SexBreakdown,
  SexDisaggregation,
} from './project.values.js';

/** An event as the decider emits it: a type and its data, in the past tense. Metadata is added on append. */
interface Event<Type extends string, Data> {
  type: Type;
  data: Data;
}

export type ProjectProposed = Event<
  'ProjectProposed',
  {
    projectId: string;
    code: string;
    title: string;
    description: string;
    /** ISO 3166-1 alpha-2. */
    country: string;
    location: ProjectLocation;
    /** OECD DAC 5-digit purpose code. */
    sector: string;
    participatingOrganisations: ParticipatingOrganisation[];
    plannedStart?: string;
    plannedEnd?: string;
  }
>;
export type ProjectApproved = Event<'ProjectApproved', { projectId: string; date: string; reason?: string }>;
export type ProjectStarted = Event<'ProjectStarted', { projectId: string; actualStart: string; reason?: string }>;
export type ProjectSuspended = Event<'ProjectSuspended', { projectId: string; date: string; reason: string }>;
export type ProjectResumed = Event<'ProjectResumed', { projectId: string; date: string; reason?: string }>;
export type ProjectFinalised = Event<'ProjectFinalised', { projectId: string; actualEnd: string; reason?: string }>;
export type ProjectClosed = Event<'ProjectClosed', { projectId: string; date: string; reason?: string }>;
export type ProjectCancelled = Event<'ProjectCancelled', { projectId: string; date: string; reason: string }>;
/** New planned dates (IATI activity-date types 1 and 3): only the ones the revision gave. */
export type PlannedDatesRevised = Event<
  'PlannedDatesRevised',
  { projectId: string; plannedStart?: string; plannedEnd?: string; reason: string }
>;

export type ComponentAdded = Event<
  'ComponentAdded',
  { projectId: string; componentId: string; name: string; kind: ComponentKind; description?: string }
>;

export type MilestonePlanned = Event<
  'MilestonePlanned',
  {
    projectId: string;
    milestoneId: string;
    title: string;
    dueDate: string;
    componentId?: string;
    description?: string;
  }
>;
export type MilestoneReached = Event<
  'MilestoneReached',
  { projectId: string; milestoneId: string; reachedOn: string; evidence: string; documentLinks: string[] }
>;
export type MilestoneRescheduled = Event<
  'MilestoneRescheduled',
  { projectId: string; milestoneId: string; previousDueDate: string; dueDate: string; reason: string }
>;
export type MilestoneWaived = Event<'MilestoneWaived', { projectId: string; milestoneId: string; reason: string }>;

export type IndicatorDefined = Event<
  'IndicatorDefined',
  {
    projectId: string;
    indicatorId: string;
    title: string;
    unit: string;
    measure: IndicatorMeasure;
    resultLevel: ResultLevel;
    baseline: DatedValue;
    target: DatedValue;
    componentId?: string;
    description?: string;
    /** As the definition gave it; absent (every version 1 event): `adds-up`. */
    sexBreakdown?: SexBreakdown;
  }
>;
export type IndicatorTargetRevised = Event<
  'IndicatorTargetRevised',
  { projectId: string; indicatorId: string; previousTarget: DatedValue; target: DatedValue; reason: string }
>;

export type MeasurementRecorded = Event<
  'MeasurementRecorded',
  {
    projectId: string;
    indicatorId: string;
    measurementId: string;
    value: number;
    /** The date the value is for; the end of the period when a period is given. */
    date: string;
    periodStart?: string;
    disaggregation?: SexDisaggregation;
    note?: string;
  }
>;
/** A new measurement that replaces an earlier one; the earlier one stays in the history. */
export type MeasurementCorrected = Event<
  'MeasurementCorrected',
  {
    projectId: string;
    indicatorId: string;
    measurementId: string;
    correctsMeasurementId: string;
    value: number;
    date: string;
    periodStart?: string;
    disaggregation?: SexDisaggregation;
    reason: string;
  }
>;

export type ProjectEvent =
  | ProjectProposed
  | ProjectApproved
  | ProjectStarted
  | ProjectSuspended
  | ProjectResumed
  | ProjectFinalised
  | ProjectClosed
  | ProjectCancelled
  | PlannedDatesRevised
  | ComponentAdded
  | MilestonePlanned
  | MilestoneReached
  | MilestoneRescheduled
  | MilestoneWaived
  | IndicatorDefined
  | IndicatorTargetRevised
  | MeasurementRecorded
  | MeasurementCorrected;

export type ProjectEventType = ProjectEvent['type'];

/** Every event type, in one list for registries that must name them all. */
export const PROJECT_EVENT_TYPES = [
  'ProjectProposed',
  'ProjectApproved',
  'ProjectStarted',
  'ProjectSuspended',
  'ProjectResumed',
  'ProjectFinalised',
  'ProjectClosed',
  'ProjectCancelled',
  'PlannedDatesRevised',
  'ComponentAdded',
  'MilestonePlanned',
  'MilestoneReached',
  'MilestoneRescheduled',
  'MilestoneWaived',
  'IndicatorDefined',
  'IndicatorTargetRevised',
  'MeasurementRecorded',
  'MeasurementCorrected',
] as const satisfies readonly ProjectEventType[];

/**
 * Schema version of each event type; bump one when its data changes shape, and upcast on read where the
 * old shape is not also a valid new one. Version 2 of the measurement events may leave out a sex part
 * that was not reported (`SexDisaggregation`); version 1's always holds all three, and reads as version 2.
 * Version 3 of them may leave out `unknown` too, on an indicator whose breakdown is `per-group`, which
 * version 2 of IndicatorDefined may name (`sexBreakdown`); older versions read as the newer, unchanged.
 */
export const PROJECT_EVENT_SCHEMA_VERSIONS: Readonly<Record<ProjectEventType, number>> = {
  ProjectProposed: 1,
  ProjectApproved: 1,
  ProjectStarted: 1,
  ProjectSuspended: 1,
  ProjectResumed: 1,
  ProjectFinalised: 1,
  ProjectClosed: 1,
  ProjectCancelled: 1,
  PlannedDatesRevised: 1,
  ComponentAdded: 1,
  MilestonePlanned: 1,
  MilestoneReached: 1,
  MilestoneRescheduled: 1,
  MilestoneWaived: 1,
  IndicatorDefined: 2,
  IndicatorTargetRevised: 1,
  MeasurementRecorded: 3,
  MeasurementCorrected: 3,
};
