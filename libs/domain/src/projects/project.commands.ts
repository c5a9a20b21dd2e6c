import type {
  ComponentKind,
  DatedValue,
  IndicatorMeasure,
  ParticipatingOrganisation,
  ProjectLocation,
  ResultLevel,
  SexBreakdown,
} from './project.values.js';

/**
 * A command in the imperative. Ids of what a command creates and dates that default to "today" are
 * chosen by the caller (the command handler), so `decide` stays pure.
 */
interface Command<Type extends string, Data> {
  type: Type;
  data: Data;
}

export type ProposeProject = Command<
  'ProposeProject',
  {
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
  }
>;
export type ApproveProject = Command<'ApproveProject', { date: string; reason?: string }>;
export type StartProject = Command<'StartProject', { date: string; reason?: string }>;
export type SuspendProject = Command<'SuspendProject', { date: string; reason?: string }>;
export type ResumeProject = Command<'ResumeProject', { date: string; reason?: string }>;
export type FinaliseProject = Command<'FinaliseProject', { date: string; reason?: string }>;
export type CloseProject = Command<'CloseProject', { date: string; reason?: string }>;
export type CancelProject = Command<'CancelProject', { date: string; reason?: string }>;
/** At least one of the two dates; the one left out stays as it is. */
export type RevisePlannedDates = Command<'RevisePlannedDates', { plannedStart?: string; plannedEnd?: string; reason: string }>;

export type AddComponent = Command<
  'AddComponent',
  { componentId: string; name: string; kind: ComponentKind; description?: string }
>;

export type PlanMilestone = Command<
  'PlanMilestone',
  { milestoneId: string; title: string; dueDate: string; componentId?: string; description?: string }
>;
export type ReachMilestone = Command<
  'ReachMilestone',
  { milestoneId: string; date: string; evidence: string; documentLinks?: string[] }
>;
export type RescheduleMilestone = Command<
  'RescheduleMilestone',
  { milestoneId: string; dueDate: string; reason: string }
>;
export type WaiveMilestone = Command<'WaiveMilestone', { milestoneId: string; reason: string }>;

export type DefineIndicator = Command<
  'DefineIndicator',
  {
    indicatorId: string;
    title: string;
    unit: string;
    measure: IndicatorMeasure;
    resultLevel: ResultLevel;
    baseline: DatedValue;
    target: DatedValue;
    componentId?: string;
    description?: string;
    /** Left out: `adds-up`. */
    sexBreakdown?: SexBreakdown;
  }
>;
export type ReviseIndicatorTarget = Command<
  'ReviseIndicatorTarget',
  { indicatorId: string; target: DatedValue; reason: string }
>;

/** Disaggregation as a caller gives it: any part may be left out; the decider completes it. */
export interface SexDisaggregationInput {
  female?: number;
  male?: number;
  unknown?: number;
}

export type RecordMeasurement = Command<
  'RecordMeasurement',
  {
    indicatorId: string;
    measurementId: string;
    value: number;
    date: string;
    periodStart?: string;
    disaggregation?: SexDisaggregationInput;
    note?: string;
  }
>;
export type CorrectMeasurement = Command<
  'CorrectMeasurement',
  {
    indicatorId: string;
    measurementId: string;
    correctsMeasurementId: string;
    value: number;
    date?: string;
    periodStart?: string;
    disaggregation?: SexDisaggregationInput;
    reason: string;
  }
>;

export type ProjectCommand =
  | ProposeProject
  | ApproveProject
  | StartProject
  | SuspendProject
  | ResumeProject
  | FinaliseProject
  | CloseProject
  | CancelProject
  | RevisePlannedDates
  | AddComponent
  | PlanMilestone
  | ReachMilestone
  | RescheduleMilestone
  | WaiveMilestone
  | DefineIndicator
  | ReviseIndicatorTarget
  | RecordMeasurement
  | CorrectMeasurement;

export type ProjectCommandType = ProjectCommand['type'];

/** Lifecycle commands share one body shape: `{ reason?, date? }`. */
export type LifecycleCommand =
  | ApproveProject
  | StartProject
  | SuspendProject
  | ResumeProject
  | FinaliseProject
  | CloseProject
  | CancelProject;
