import type {
  AddComponent,
  CorrectMeasurement,
  DefineIndicator,
  PlanMilestone,
  ProjectCommand,
  ProposeProject,
  ReachMilestone,
  RecordMeasurement,
  RescheduleMilestone,
  ReviseIndicatorTarget,
  RevisePlannedDates,
  SexDisaggregationInput,
  WaiveMilestone,
} from './project.commands.js';
import {
  ComponentNotFound,
  DateInFuture,
  DatesOutOfOrder,
  DuplicateId,
  IndicatorNotFound,
  InvalidInput,
  InvalidTransition,
  LifecycleDateOutOfOrder,
  MeasurementAlreadyCorrected,
  MeasurementNotFound,
  MilestoneClosed,
  MilestoneNotFound,
  NotStarted,
  PlannedDateSettled,
  ProjectAlreadyExists,
  ProjectIsFinal,
  ProjectNotFound,
  ReasonRequired,
} from './project.errors.js';
import type { ProjectEvent } from './project.events.js';
import type { Indicator, Measurement, Milestone, Project, ProjectState } from './project.state.js';
import { breakdownInWords, type DatedValue, SEX_PARTS, type ProjectLocation, type ProjectStatus, type SexBreakdown, type SexDisaggregation } from './project.values.js';
import { isBlank } from './blank-text.js';
import { measurementIdsOf } from './measurement-log.js';
import { entryOf, withoutUndefined } from './records.js';

/** What `decide` knows besides the command and the state, passed in by the command handler so `decide` stays pure. */
export interface DecisionContext {
  /** The day the command is decided on, in UTC (ISO `YYYY-MM-DD`). */
  today: string;
  /**
   * The latest date something that happened may carry: the day it is at that instant where the clock is
   * furthest ahead (UTC+14), so a caller anywhere may date a fact by its own calendar. The UTC date until
   * 10:00 UTC, the next day from then on.
   */
  latestActualDate: string;
}

const UTC_PLUS_14_MS = 14 * 60 * 60 * 1000;

/** The context of a command decided at `instant`. */
export function decisionContextAt(instant: Date): DecisionContext {
  const at = instant.getTime();
  return {
    today: new Date(at).toISOString().slice(0, 10),
    latestActualDate: new Date(at + UTC_PLUS_14_MS).toISOString().slice(0, 10),
  };
}

/**
 * The events a command produces on a project in `state`, or a typed `DomainError` saying why it is
 * refused. Pure: ids and dates come in the command and the day in `context`, so the same command on the
 * same state in the same context always decides the same.
 *
 * Refusals are checked from what the command names down to its input: a project, milestone, indicator
 * or measurement that is not there (404) first, then a command the current status does not allow (409),
 * which is refused as such even when its input is also wrong (400).
 */
export function decide(command: ProjectCommand, state: ProjectState, context: DecisionContext): ProjectEvent[] {
  switch (command.type) {
    case 'ProposeProject':
      return proposeProject(command, state);

    case 'ApproveProject': {
      const project = inStatus(state, 'approve', ['proposed']);
      const { date, reason } = command.data;
      requireLifecycleDate(project, 'approve', date, context);
      return [
        {
          type: 'ProjectApproved',
          data: withoutUndefined({ projectId: project.projectId, date, reason: optionalReason(reason) }),
        },
      ];
    }
    case 'StartProject': {
      const project = inStatus(state, 'start', ['approved']);
      const { date, reason } = command.data;
      requireLifecycleDate(project, 'start', date, context);
      return [
        {
          type: 'ProjectStarted',
          data: withoutUndefined({ projectId: project.projectId, actualStart: date, reason: optionalReason(reason) }),
        },
      ];
    }
    case 'SuspendProject': {
      const project = inStatus(state, 'suspend', ['implementation']);
      const reason = requiredReason(command.data.reason, 'suspend');
      requireLifecycleDate(project, 'suspend', command.data.date, context);
      return [{ type: 'ProjectSuspended', data: { projectId: project.projectId, date: command.data.date, reason } }];
    }
    case 'ResumeProject': {
      const project = inStatus(state, 'resume', ['suspended']);
      const { date, reason } = command.data;
      requireLifecycleDate(project, 'resume', date, context);
      return [
        {
          type: 'ProjectResumed',
          data: withoutUndefined({ projectId: project.projectId, date, reason: optionalReason(reason) }),
        },
      ];
    }
    case 'FinaliseProject': {
      const project = inStatus(state, 'finalise', ['implementation']);
      const { date, reason } = command.data;
      requireLifecycleDate(project, 'finalise', date, context);
      return [
        {
          type: 'ProjectFinalised',
          data: withoutUndefined({ projectId: project.projectId, actualEnd: date, reason: optionalReason(reason) }),
        },
      ];
    }
    case 'CloseProject': {
      const project = inStatus(state, 'close', ['finalisation']);
      const { date, reason } = command.data;
      requireLifecycleDate(project, 'close', date, context);
      return [
        {
          type: 'ProjectClosed',
          data: withoutUndefined({ projectId: project.projectId, date, reason: optionalReason(reason) }),
        },
      ];
    }
    case 'CancelProject': {
      const project = inStatus(state, 'cancel', ['proposed', 'approved', 'implementation', 'suspended']);
      const reason = requiredReason(command.data.reason, 'cancel');
      requireLifecycleDate(project, 'cancel', command.data.date, context);
      return [{ type: 'ProjectCancelled', data: { projectId: project.projectId, date: command.data.date, reason } }];
    }
    case 'RevisePlannedDates':
      return revisePlannedDates(command, open(state));

    case 'AddComponent':
      return addComponent(command, open(state));
    case 'PlanMilestone':
      return planMilestone(command, open(state));
    // A command on a milestone, an indicator or a measurement the project does not have is refused as
    // not found (404) before the project's status is looked at: the caller named something that is not
    // there, and "start the project first" (409) would send it the wrong way.
    case 'ReachMilestone': {
      const milestone = milestoneOf(state, command.data.milestoneId);
      return reachMilestone(command, started(state, 'A milestone can be reached'), milestone, context);
    }
    case 'RescheduleMilestone': {
      const milestone = milestoneOf(state, command.data.milestoneId);
      return rescheduleMilestone(command, open(state), milestone);
    }
    case 'WaiveMilestone': {
      const milestone = milestoneOf(state, command.data.milestoneId);
      return waiveMilestone(command, open(state), milestone);
    }
    case 'DefineIndicator':
      return defineIndicator(command, open(state));
    case 'ReviseIndicatorTarget': {
      const indicator = indicatorOf(state, command.data.indicatorId);
      return reviseIndicatorTarget(command, open(state), indicator);
    }
    case 'RecordMeasurement': {
      const indicator = indicatorOf(state, command.data.indicatorId);
      return recordMeasurement(command, started(state, 'A measurement can be recorded'), indicator, context);
    }
    case 'CorrectMeasurement': {
      const indicator = indicatorOf(state, command.data.indicatorId);
      const corrected = measurementOf(indicator, command.data.correctsMeasurementId);
      return correctMeasurement(command, started(state, 'A measurement can be corrected'), indicator, corrected, context);
    }

    default: {
      const unhandled: never = command;
      throw new Error(`Unhandled project command ${(unhandled as { type: string }).type}`);
    }
  }
}

type ProjectIn<S extends ProjectStatus> = Extract<Project, { status: S }>;
/** A project that still takes changes: neither closed nor cancelled. */
type OpenProject = ProjectIn<'proposed' | 'approved' | 'implementation' | 'suspended' | 'finalisation'>;
/** A project whose work has begun and that still takes changes. */
type StartedProject = ProjectIn<'implementation' | 'suspended' | 'finalisation'>;

const FINAL_STATUSES: readonly ProjectStatus[] = ['closed', 'cancelled'];

function existing(state: ProjectState): Project {
  if (state.status === 'none') throw new ProjectNotFound();
  return state;
}

/** The project, when a lifecycle command `verb` may move it from its status. */
function inStatus<S extends ProjectStatus>(state: ProjectState, verb: string, allowedFrom: readonly S[]): ProjectIn<S> {
  const project = existing(state);
  if (!(allowedFrom as readonly ProjectStatus[]).includes(project.status)) {
    throw new InvalidTransition(verb, project.status, allowedFrom);
  }
  return project as ProjectIn<S>;
}

function open(state: ProjectState): OpenProject {
  const project = existing(state);
  if (FINAL_STATUSES.includes(project.status)) throw new ProjectIsFinal(project.status);
  return project as OpenProject;
}

function started(state: ProjectState, action: string): StartedProject {
  const project = open(state);
  if (project.status === 'proposed' || project.status === 'approved') throw new NotStarted(action, project.status);
  return project;
}

function milestoneOf(state: ProjectState, milestoneId: string): Milestone {
  const milestone = entryOf(existing(state).milestones, milestoneId);
  if (milestone === undefined) throw new MilestoneNotFound(milestoneId);
  return milestone;
}

function indicatorOf(state: ProjectState, indicatorId: string): Indicator {
  const indicator = entryOf(existing(state).indicators, indicatorId);
  if (indicator === undefined) throw new IndicatorNotFound(indicatorId);
  return indicator;
}

function measurementOf(indicator: Indicator, measurementId: string): Measurement {
  const measurement = indicator.measurements.find((candidate) => candidate.measurementId === measurementId);
  if (measurement === undefined) throw new MeasurementNotFound(measurementId);
  return measurement;
}

function requiredReason(reason: string | undefined, command: string, subject?: string): string {
  if (reason === undefined || isBlank(reason)) throw new ReasonRequired(command, subject);
  return reason;
}

/** A blank optional reason says nothing, so it is left out of the event. */
function optionalReason(reason: string | undefined): string | undefined {
  return reason === undefined || isBlank(reason) ? undefined : reason;
}

/** Refuses an actual date (not a planned one) that is not yet today anywhere on earth. */
function requireNotInFuture(date: string, what: string, field: string, context: DecisionContext): void {
  if (date > context.latestActualDate) throw new DateInFuture(what, date, context.latestActualDate, field);
}

/** What the step that brought a project to its status did, for refusals that name it. */
function previousStep(project: Project): string {
  switch (project.status) {
    case 'implementation':
      return project.statusSince === project.actualStart ? 'started' : 'resumed';
    case 'finalisation':
      return 'finalised';
    default:
      return project.status;
  }
}

/**
 * A lifecycle step's date is an actual date, and steps follow each other in time: none is dated
 * before the step that brought the project to its current status (start not before the approval,
 * resume not before the suspension, finalise not before the start or the latest resumption...).
 */
function requireLifecycleDate(project: Project, verb: string, date: string, context: DecisionContext): void {
  requireNotInFuture(date, `The date to ${verb} the project`, 'date', context);
  if (project.statusSince !== undefined && date < project.statusSince) {
    throw new LifecycleDateOutOfOrder(verb, date, previousStep(project), project.statusSince);
  }
}

function proposeProject(command: ProposeProject, state: ProjectState): ProjectEvent[] {
  const data = command.data;
  if (state.status !== 'none') throw new ProjectAlreadyExists(state.projectId);
  requireWholePoint(data.location);
  if (data.plannedStart !== undefined && data.plannedEnd !== undefined && data.plannedEnd < data.plannedStart) {
    throw new DatesOutOfOrder(`The planned end date ${data.plannedEnd} is before the planned start date ${data.plannedStart}.`, 'plannedEnd');
  }
  return [
    {
      type: 'ProjectProposed',
      data: withoutUndefined({
        projectId: data.projectId,
        code: data.code,
        title: data.title,
        description: data.description,
        country: data.country,
        location: data.location,
        sector: data.sector,
        participatingOrganisations: data.participatingOrganisations,
        plannedStart: data.plannedStart,
        plannedEnd: data.plannedEnd,
      }),
    },
  ];
}

/**
 * New planned dates, one or both. A planned date is revisable until what it plans has happened: the
 * start until the project starts (its actual start then stands), the end until its work ends (finalised:
 * its actual end). The two stay in order, a date left out counting as it is now.
 */
function revisePlannedDates(command: RevisePlannedDates, project: OpenProject): ProjectEvent[] {
  const { plannedStart, plannedEnd } = command.data;
  if (project.status === 'finalisation') {
    throw new PlannedDateSettled(
      'ended',
      plannedStart !== undefined && plannedEnd === undefined ? 'plannedStart' : 'plannedEnd',
      `The planned dates can no longer be revised: the project was finalised, its work ended on ${project.actualEnd} (its actual end).`,
    );
  }
  if (plannedStart !== undefined && (project.status === 'implementation' || project.status === 'suspended')) {
    throw new PlannedDateSettled(
      'started',
      'plannedStart',
      `The planned start can be revised only before the project starts; it started on ${project.actualStart}. Revise the planned end alone.`,
    );
  }
  if (plannedStart === undefined && plannedEnd === undefined) {
    throw new InvalidInput(
      'PROJECT.PLANNED_DATES_REQUIRED',
      'Give the new plannedStart, the new plannedEnd or both: a revision of the planned dates names at least one.',
      ['plannedStart', 'plannedEnd'],
    );
  }
  const reason = requiredReason(command.data.reason, 'revise the planned dates of');
  const given = (['plannedStart', 'plannedEnd'] as const).filter((field) => command.data[field] !== undefined);
  if (given.every((field) => command.data[field] === project[field])) {
    throw new InvalidInput(
      'PROJECT.SAME_PLANNED_DATES',
      `The project is already planned ${given.map((field) => `to ${field === 'plannedStart' ? 'start' : 'end'} on ${project[field]}`).join(' and ')}; give a different date.`,
      given,
    );
  }
  const start = plannedStart ?? project.plannedStart;
  const end = plannedEnd ?? project.plannedEnd;
  if (start !== undefined && end !== undefined && end < start) {
    throw plannedEnd !== undefined
      ? new DatesOutOfOrder(
          `The planned end date ${end} is before the ${plannedStart === undefined ? "project's current " : ''}planned start date ${start}.`,
          'plannedEnd',
        )
      : new DatesOutOfOrder(`The planned start date ${start} is after the project's planned end date ${end}; revise the planned end with it.`, 'plannedStart');
  }
  return [{ type: 'PlannedDatesRevised', data: withoutUndefined({ projectId: project.projectId, plannedStart, plannedEnd, reason }) }];
}

/**
 * A point is a latitude and a longitude together: either alone places nothing (and IATI's `pos` needs
 * both). A location may name no place at all: a study, or courses for officials of many countries, has
 * none (seed-doc 003).
 */
function requireWholePoint(location: ProjectLocation): void {
  const { latitude, longitude } = location;
  if ((latitude === undefined) !== (longitude === undefined)) {
    throw new InvalidInput(
      'PROJECT.INVALID_LOCATION',
      'A location gives its latitude and longitude together, or neither.',
      [latitude === undefined ? 'location.latitude' : 'location.longitude'],
    );
  }
}

function requireComponent(project: Project, componentId: string | undefined): void {
  if (componentId !== undefined && entryOf(project.components, componentId) === undefined) {
    throw new ComponentNotFound(componentId);
  }
}

function addComponent(command: AddComponent, project: OpenProject): ProjectEvent[] {
  const { componentId, name, kind, description } = command.data;
  if (entryOf(project.components, componentId) !== undefined) throw new DuplicateId('component', componentId);
  return [
    {
      type: 'ComponentAdded',
      data: withoutUndefined({ projectId: project.projectId, componentId, name, kind, description }),
    },
  ];
}

function planMilestone(command: PlanMilestone, project: OpenProject): ProjectEvent[] {
  const { milestoneId, title, dueDate, componentId, description } = command.data;
  if (entryOf(project.milestones, milestoneId) !== undefined) throw new DuplicateId('milestone', milestoneId);
  requireComponent(project, componentId);
  return [
    {
      type: 'MilestonePlanned',
      data: withoutUndefined({ projectId: project.projectId, milestoneId, title, dueDate, componentId, description }),
    },
  ];
}

/** Reached and waived milestones are settled: only a planned one takes a change. */
function requirePlanned(milestoneId: string, milestone: Milestone): void {
  if (milestone.status !== 'planned') throw new MilestoneClosed(milestoneId, milestone.status);
}

function reachMilestone(command: ReachMilestone, project: StartedProject, milestone: Milestone, context: DecisionContext): ProjectEvent[] {
  const { milestoneId, date, evidence, documentLinks } = command.data;
  requirePlanned(milestoneId, milestone);
  requireNotInFuture(date, 'The date the milestone was reached', 'date', context);
  return [
    {
      type: 'MilestoneReached',
      data: {
        projectId: project.projectId,
        milestoneId,
        reachedOn: date,
        evidence,
        documentLinks: [...(documentLinks ?? [])],
      },
    },
  ];
}

function rescheduleMilestone(command: RescheduleMilestone, project: OpenProject, milestone: Milestone): ProjectEvent[] {
  const { milestoneId, dueDate } = command.data;
  requirePlanned(milestoneId, milestone);
  const reason = requiredReason(command.data.reason, 'reschedule', 'a milestone');
  if (dueDate === milestone.dueDate) {
    throw new InvalidInput(
      'MILESTONE.SAME_DUE_DATE',
      `Milestone ${milestoneId} is already due on ${dueDate}; give a different due date.`,
      ['dueDate'],
    );
  }
  return [
    {
      type: 'MilestoneRescheduled',
      data: { projectId: project.projectId, milestoneId, previousDueDate: milestone.dueDate, dueDate, reason },
    },
  ];
}

function waiveMilestone(command: WaiveMilestone, project: OpenProject, milestone: Milestone): ProjectEvent[] {
  const { milestoneId } = command.data;
  requirePlanned(milestoneId, milestone);
  const reason = requiredReason(command.data.reason, 'waive', 'a milestone');
  return [{ type: 'MilestoneWaived', data: { projectId: project.projectId, milestoneId, reason } }];
}

/** A target equal to the baseline leaves nothing to achieve, and progress towards it undefined. */
function requireTargetAwayFromBaseline(baseline: DatedValue, target: DatedValue): void {
  if (target.value === baseline.value) {
    throw new InvalidInput(
      'INDICATOR.TARGET_EQUALS_BASELINE',
      `The target value ${target.value} equals the baseline value; a target must differ from the baseline.`,
      ['target.value'],
    );
  }
}

/** A target is what the indicator should reach from its baseline, so it cannot be dated before it. */
function requireTargetNotBeforeBaseline(baseline: DatedValue, target: DatedValue): void {
  if (baseline.date !== undefined && target.date !== undefined && target.date < baseline.date) {
    throw new DatesOutOfOrder(`The target date ${target.date} is before the baseline date ${baseline.date}.`, 'target.date');
  }
}

/**
 * A sex breakdown said to be of a kind the measure can never take would refuse every breakdown later:
 * parts that add up are counts (IATI measure 1), parts per group are numbers (any measure but 5,
 * qualitative). Left out, the kind is adds-up and a measure other than 1 simply takes no breakdown.
 */
function requireBreakdownKindFitsMeasure(measure: Indicator['measure'], sexBreakdown: SexBreakdown | undefined): void {
  const fits = sexBreakdown === undefined || (sexBreakdown === 'adds-up' ? measure === 1 : measure !== 5);
  if (fits) return;
  throw new InvalidInput(
    'INDICATOR.SEX_BREAKDOWN_NOT_FOR_MEASURE',
    sexBreakdown === 'adds-up'
      ? `A sex breakdown that adds up to the value counts people, and this indicator measures ${MEASURE_NAMES[measure]} (IATI measure ${measure}): say "per-group" for each group's own value, or leave sexBreakdown out.`
      : `This indicator measures ${MEASURE_NAMES[measure]} (IATI measure 5), told in words: it takes no sex breakdown; leave sexBreakdown out.`,
    ['sexBreakdown'],
  );
}

function defineIndicator(command: DefineIndicator, project: OpenProject): ProjectEvent[] {
  const { indicatorId, title, unit, measure, resultLevel, baseline, target, componentId, description, sexBreakdown } = command.data;
  if (entryOf(project.indicators, indicatorId) !== undefined) throw new DuplicateId('indicator', indicatorId);
  requireComponent(project, componentId);
  requireTargetAwayFromBaseline(baseline, target);
  requireTargetNotBeforeBaseline(baseline, target);
  requireBreakdownKindFitsMeasure(measure, sexBreakdown);
  return [
    {
      type: 'IndicatorDefined',
      data: withoutUndefined({
        projectId: project.projectId,
        indicatorId,
        title,
        unit,
        measure,
        resultLevel,
        baseline,
        target,
        componentId,
        description,
        sexBreakdown,
      }),
    },
  ];
}

/** A target as a sentence names it: `40`, or `40 by 2027-12-31`. */
function describeDatedValue({ value, date }: DatedValue): string {
  return date === undefined ? String(value) : `${value} by ${date}`;
}

function reviseIndicatorTarget(command: ReviseIndicatorTarget, project: OpenProject, indicator: Indicator): ProjectEvent[] {
  const { indicatorId, target } = command.data;
  const reason = requiredReason(command.data.reason, 'revise the target of', 'an indicator');
  if (target.value === indicator.target.value && target.date === indicator.target.date) {
    throw new InvalidInput(
      'INDICATOR.SAME_TARGET',
      `Indicator ${indicatorId} already has this target (${describeDatedValue(target)}); give a different value or date.`,
      ['target'],
    );
  }
  requireTargetAwayFromBaseline(indicator.baseline, target);
  requireTargetNotBeforeBaseline(indicator.baseline, target);
  return [
    {
      type: 'IndicatorTargetRevised',
      data: { projectId: project.projectId, indicatorId, previousTarget: indicator.target, target, reason },
    },
  ];
}

/** Measurement ids are unique in the whole project, so one id names one measurement wherever it is used. */
function requireNewMeasurementId(project: Project, measurementId: string): void {
  const taken = Object.values(project.indicators).some((indicator) => measurementIdsOf(indicator).has(measurementId));
  if (taken) throw new DuplicateId('measurement', measurementId);
}

function requirePeriodEndsAfterStart(periodStart: string | undefined, date: string): void {
  if (periodStart !== undefined && periodStart > date) {
    throw new InvalidInput(
      'MEASUREMENT.INVALID_PERIOD',
      `The period starts on ${periodStart}, after its end date ${date}.`,
      ['periodStart'],
    );
  }
}

/**
 * A period is given whole: its start with its end (`date`). A correction without a date is for the date
 * of the value it corrects, and a period start alone would pair with a date the caller did not state.
 */
function requirePeriodEndWithStart(periodStart: string | undefined, date: string | undefined): void {
  if (periodStart !== undefined && date === undefined) {
    throw new InvalidInput(
      'MEASUREMENT.PERIOD_WITHOUT_END',
      `The period start ${periodStart} is given without the date the period ends; give that date too.`,
      ['date'],
    );
  }
}


/** What each IATI indicator measure counts in, for refusals that name it. */
const MEASURE_NAMES: Record<Indicator['measure'], string> = { 1: 'units', 2: 'a percentage', 3: 'a nominal value', 4: 'an ordinal value', 5: 'a qualitative value' };

/**
 * A sex breakdown that adds up to the value is one only a count has (IATI measure 1, unit): 40 % of all
 * participants is not 30 % of the women plus 10 % of the men, and a breakdown there would be checked
 * and completed as if it were. A breakdown per group (each part the group's own value) fits any measure
 * with a number; a qualitative one (5) is told in words.
 */
function requireBreakdownFitsMeasure(indicator: Indicator, disaggregation: unknown): void {
  if (disaggregation === undefined) return;
  const perGroup = indicator.sexBreakdown === 'per-group';
  if (perGroup ? indicator.measure !== 5 : indicator.measure === 1) return;
  throw new InvalidInput(
    'MEASUREMENT.DISAGGREGATION_NOT_A_COUNT',
    perGroup
      ? `"${indicator.title}" measures ${MEASURE_NAMES[indicator.measure]} (IATI measure 5), told in words: it takes no sex breakdown. Define an indicator per group instead.`
      : `A sex breakdown adds up to the value, so only an indicator that counts units takes one; "${indicator.title}" measures ${MEASURE_NAMES[indicator.measure]} (IATI measure ${indicator.measure}). ` +
        'Define an indicator per group instead, or one whose sexBreakdown is "per-group" (each part the value for that group alone).',
    ['disaggregation'],
  );
}

/**
 * The disaggregation of `value` as stored, on an indicator whose breakdown is `breakdown`.
 *
 * Where it adds up (the default): unknown, when not given, is what female and male leave of the value; a
 * part left out is 0 when nobody is unknown and absent (not known) otherwise, whether unknown was given
 * or not. The parts never exceed the total, and given in full they add up to it.
 *
 * Per group: each part is the value for that group alone, as given, any number; nothing is summed,
 * inferred or derived, and at least one part is given.
 */
export function completeDisaggregation(
  value: number,
  input: SexDisaggregationInput | undefined,
  breakdown: SexBreakdown = 'adds-up',
): SexDisaggregation | undefined {
  if (input === undefined) return undefined;
  if (breakdown === 'per-group') return perGroupDisaggregation(input);
  // Negative values (a fall in income) are recorded, but the parts are counts of people, never negative.
  if (value < 0) {
    throw new InvalidInput(
      'MEASUREMENT.INVALID_DISAGGREGATION',
      `A negative value (${value}) cannot be disaggregated by sex: the parts count people and are zero or more. Record it without a disaggregation.`,
      ['disaggregation'],
    );
  }
  // The parts are whole numbers of people, so their total is one too: 20.5 households, 7 of them headed by
  // women, would leave half a person unknown.
  if (!Number.isInteger(value)) {
    throw new InvalidInput(
      'MEASUREMENT.INVALID_DISAGGREGATION',
      `A value of ${value} cannot be disaggregated by sex: the parts count people, whole numbers, and add up to the value. ` +
        'Record a whole number, or the value without a disaggregation.',
      ['disaggregation'],
    );
  }
  for (const part of SEX_PARTS) {
    const given = input[part];
    if (given !== undefined && !(Number.isInteger(given) && given >= 0)) {
      throw new InvalidInput(
        'MEASUREMENT.INVALID_DISAGGREGATION',
        `The ${part} part of the disaggregation counts people, a whole number zero or more; it is ${given}.`,
        [`disaggregation.${part}`],
      );
    }
  }
  const female = input.female ?? 0;
  const male = input.male ?? 0;
  // The parts as given: one left out is not reported, not 0.
  const parts = breakdownInWords(input);
  const unreported = SEX_PARTS.filter((part) => input[part] === undefined);
  const given = unreported.length > 0 ? `${parts}; ${unreported.join(' and ')} not reported` : parts;
  if (input.unknown !== undefined) {
    const sum = female + male + input.unknown;
    if (sum !== value) {
      throw new InvalidInput(
        'MEASUREMENT.INVALID_DISAGGREGATION',
        `The parts of the disaggregation (${given}) add up to ${sum}, not to the value ${value}.`,
        ['disaggregation'],
      );
    }
  } else if (value - female - male < 0) {
    throw new InvalidInput(
      'MEASUREMENT.INVALID_DISAGGREGATION',
      `The parts of the disaggregation (${given}) add up to more than the value ${value}.`,
      ['disaggregation'],
    );
  }
  const unknown = input.unknown ?? value - female - male;
  // Nobody unknown: every person is accounted for, and a part left out is none.
  if (unknown === 0) return { female, male, unknown };
  // Some were not reported by sex: a part not given may be among them, so it is not known to be 0.
  return withoutUndefined({ female: input.female, male: input.male, unknown });
}

function perGroupDisaggregation(input: SexDisaggregationInput): SexDisaggregation {
  const given = withoutUndefined({ female: input.female, male: input.male, unknown: input.unknown });
  if (Object.keys(given).length === 0) {
    throw new InvalidInput(
      'MEASUREMENT.INVALID_DISAGGREGATION',
      'The disaggregation gives no part: give the value of at least one group (female, male, unknown), or leave it out.',
      ['disaggregation'],
    );
  }
  for (const [part, value] of Object.entries(given)) {
    if (!Number.isFinite(value)) {
      throw new InvalidInput('MEASUREMENT.INVALID_DISAGGREGATION', `The ${part} part of the disaggregation must be a number; it is ${value}.`, [`disaggregation.${part}`]);
    }
  }
  return given;
}

function recordMeasurement(command: RecordMeasurement, project: StartedProject, indicator: Indicator, context: DecisionContext): ProjectEvent[] {
  const { indicatorId, measurementId, value, date, periodStart, note } = command.data;
  requireNewMeasurementId(project, measurementId);
  requireNotInFuture(date, 'The date of the measurement', 'date', context);
  requirePeriodEndsAfterStart(periodStart, date);
  requireBreakdownFitsMeasure(indicator, command.data.disaggregation);
  const disaggregation = completeDisaggregation(value, command.data.disaggregation, indicator.sexBreakdown);
  return [
    {
      type: 'MeasurementRecorded',
      data: withoutUndefined({
        projectId: project.projectId,
        indicatorId,
        measurementId,
        value,
        date,
        periodStart,
        disaggregation,
        note,
      }),
    },
  ];
}

/**
 * The period start a correction that gives none keeps: that of the measurement it corrects, whose period
 * it then ends on `date`. A date before that start would end the period before it began, and dropping
 * the start would silently make a period a single day: refused, so the caller says which it is (a
 * single day is a period starting on its date).
 */
function inheritedPeriodStart(corrected: Measurement, date: string): string | undefined {
  if (corrected.periodStart !== undefined && date < corrected.periodStart) {
    throw new InvalidInput(
      'MEASUREMENT.INVALID_PERIOD',
      `The measurement corrected is for the period from ${corrected.periodStart} to ${corrected.date}, and the date ${date} is before that period starts. ` +
        'Give periodStart with the date (the date itself for a single day).',
      ['periodStart', 'date'],
    );
  }
  return corrected.periodStart;
}

/** Whether two sex breakdowns (either possibly absent) say the same. */
function sameBreakdown(a: SexDisaggregation | undefined, b: SexDisaggregation | undefined): boolean {
  return a?.female === b?.female && a?.male === b?.male && a?.unknown === b?.unknown && (a === undefined) === (b === undefined);
}

/**
 * The sex breakdown a correction that gives none takes from the measurement it corrects, as it takes
 * its date: the same parts for the same value (a correction of the date or period keeps who was
 * counted). For another value the parts do not carry over (which of them changed?), and leaving them
 * out dropped them without a word: the correction must give the new value's, `{}` when none is known.
 */
function inheritedBreakdown(corrected: Measurement, value: number): SexDisaggregation | undefined {
  const breakdown = corrected.disaggregation;
  if (breakdown === undefined || value === corrected.value) return breakdown;
  throw new InvalidInput(
    'MEASUREMENT.BREAKDOWN_REQUIRED',
    `Measurement ${corrected.measurementId} of ${corrected.value} is broken down by sex (${breakdownInWords(breakdown)}), and a breakdown does not carry over to another value: ` +
      `give the breakdown of ${value} in "disaggregation" ({} when none is known).`,
    ['disaggregation'],
  );
}

function correctMeasurement(
  command: CorrectMeasurement,
  project: StartedProject,
  indicator: Indicator,
  corrected: Measurement,
  context: DecisionContext,
): ProjectEvent[] {
  const { indicatorId, measurementId, correctsMeasurementId, value } = command.data;
  requireNewMeasurementId(project, measurementId);
  if (corrected.supersededBy !== undefined) {
    throw new MeasurementAlreadyCorrected(correctsMeasurementId, corrected.supersededBy);
  }
  const reason = requiredReason(command.data.reason, 'correct', 'a measurement');
  requirePeriodEndWithStart(command.data.periodStart, command.data.date);
  if (command.data.date !== undefined) requireNotInFuture(command.data.date, 'The date of the correction', 'date', context);
  // Without a date (and so without a period start) the correction is for the same date or period as the value it corrects.
  const date = command.data.date ?? corrected.date;
  const periodStart = command.data.periodStart ?? inheritedPeriodStart(corrected, date);
  requirePeriodEndsAfterStart(periodStart, date);
  requireBreakdownFitsMeasure(indicator, command.data.disaggregation);
  const disaggregation =
    command.data.disaggregation === undefined
      ? inheritedBreakdown(corrected, value)
      : completeDisaggregation(value, command.data.disaggregation, indicator.sexBreakdown);
  if (value === corrected.value && date === corrected.date && periodStart === corrected.periodStart && sameBreakdown(disaggregation, corrected.disaggregation)) {
    throw new InvalidInput(
      'MEASUREMENT.SAME_VALUE',
      `Measurement ${correctsMeasurementId} already says this (${value} on ${date}); a correction gives a different value, date, period or breakdown.`,
      ['value'],
    );
  }
  return [
    {
      type: 'MeasurementCorrected',
      data: withoutUndefined({
        projectId: project.projectId,
        indicatorId,
        measurementId,
        correctsMeasurementId,
        value,
        date,
        periodStart,
        disaggregation,
        reason,
      }),
    },
  ];
}
