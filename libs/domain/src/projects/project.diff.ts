import type { ProjectEvent } from './project.events.js';
import { evolve } from './project.evolve.js';
import { type Indicator, latestActual, type Measurement, type Project, type ProjectState } from './project.state.js';
import { breakdownInWords, type DatedValue } from './project.values.js';

/** One thing that changed between two states of a project, in the project's own terms. */
export type ProjectChange = { summary: string } & (
  | { type: 'ProjectProposed'; code: string; title: string }
  | { type: 'StatusChanged'; from: ProjectState['status']; to: ProjectState['status']; date?: string; reason?: string }
  | { type: 'DateRecorded'; field: 'approvedOn' | 'actualStart' | 'actualEnd' | 'closedOn' | 'cancelledOn'; date: string }
  | { type: 'PlannedDatesRevised'; from: PlannedDates; to: PlannedDates; reason?: string }
  | { type: 'ComponentAdded'; componentId: string; name: string; kind: string }
  | { type: 'MilestonePlanned'; milestoneId: string; title: string; dueDate: string }
  | { type: 'MilestoneRescheduled'; milestoneId: string; title: string; from: string; to: string }
  | { type: 'MilestoneReached'; milestoneId: string; title: string; reachedOn: string }
  | { type: 'MilestoneWaived'; milestoneId: string; title: string; reason?: string }
  | { type: 'IndicatorDefined'; indicatorId: string; title: string; baseline: DatedValue; target: DatedValue }
  | { type: 'IndicatorTargetRevised'; indicatorId: string; title: string; from: DatedValue; to: DatedValue }
  | { type: 'MeasurementRecorded'; indicatorId: string; indicator: string; measurementId: string; value: number; date: string }
  | {
      type: 'MeasurementCorrected';
      indicatorId: string;
      indicator: string;
      measurementId: string;
      correctsMeasurementId: string;
      from: number | null;
      to: number;
      reason?: string;
    }
  | {
      type: 'LatestActualChanged';
      indicatorId: string;
      indicator: string;
      from: { value: number; date: string } | null;
      to: { value: number; date: string } | null;
    }
);

/** A project's planned start and end; null where it has none. */
export interface PlannedDates {
  plannedStart: string | null;
  plannedEnd: string | null;
}

const DATE_FIELDS = ['approvedOn', 'actualStart', 'actualEnd', 'closedOn', 'cancelledOn'] as const;
const DATE_LABELS = {
  approvedOn: 'approved on',
  actualStart: 'actual start',
  actualEnd: 'actual end',
  closedOn: 'closed on',
  cancelledOn: 'cancelled on',
} as const;

/** A lifecycle step: the status left and the one entered, with the step's date (none for a proposal) and reason. */
export interface StatusStep {
  from: ProjectState['status'];
  to: ProjectState['status'];
  date?: string;
  reason?: string;
}

/**
 * The state `events` take `state` to, and the lifecycle steps they take on the way, in order: only
 * those of the events `counted` (all by default: a diff by business date folds every event of its
 * later side and counts those its earlier side lacks). The proposal, from nothing, is not a step. One
 * pass serves both, so a diff's later end need not be loaded besides the events that lead to it.
 */
export function foldWithSteps(
  state: ProjectState,
  events: readonly ProjectEvent[],
  counted: (index: number) => boolean = () => true,
): { state: ProjectState; steps: StatusStep[] } {
  const steps: StatusStep[] = [];
  let current = state;
  events.forEach((event, index) => {
    const next = evolve(current, event);
    if (next.status !== current.status && current.status !== 'none' && next.status !== 'none' && counted(index)) steps.push(stepBetween(current, next));
    current = next;
  });
  return { state: current, steps };
}

/** The step from one state's status to another's, dated and reasoned as the later state says. */
function stepBetween(from: ProjectState, to: ProjectState): StatusStep {
  const reached = to as Partial<Project>;
  return {
    from: from.status,
    to: to.status,
    ...(reached.statusSince ? { date: reached.statusSince } : {}),
    ...(reached.lastReason ? { reason: reached.lastReason } : {}),
  };
}

/**
 * What changed from `before` to `after` (an earlier and a later state of one project): its status and
 * dates, components, milestones, indicators and their measurements and latest actuals. Pure; the
 * order is the project's own (lifecycle first, then components, milestones, indicators). Given the
 * `steps` between them (foldWithSteps), each lifecycle step is a change: a suspension resumed before
 * `after` changes no status from one end to the other, yet it happened.
 */
export function diffProjectStates(before: ProjectState, after: ProjectState, steps?: readonly StatusStep[]): ProjectChange[] {
  if (after.status === 'none') return [];
  const changes: ProjectChange[] = [];
  const old: Project | undefined = before.status === 'none' ? undefined : before;

  if (!old) {
    changes.push({ type: 'ProjectProposed', code: after.code, title: after.title, summary: `Project ${after.code} proposed: ${after.title}.` });
  }
  const netStep = before.status !== after.status && old ? [stepBetween(before, after)] : [];
  for (const step of steps ?? netStep) {
    changes.push({
      type: 'StatusChanged',
      ...step,
      summary: `Status changed from ${step.from} to ${step.to}${step.date ? ` on ${step.date}` : ''}${step.reason ? ` (${step.reason})` : ''}.`,
    });
  }
  for (const field of DATE_FIELDS) {
    const date = (after as Partial<Record<(typeof DATE_FIELDS)[number], string>>)[field];
    const was = (old as Partial<Record<(typeof DATE_FIELDS)[number], string>> | undefined)?.[field];
    if (date && date !== was) changes.push({ type: 'DateRecorded', field, date, summary: `The ${DATE_LABELS[field]} date is ${date}.` });
  }
  if (old && (old.plannedStart !== after.plannedStart || old.plannedEnd !== after.plannedEnd)) {
    const from = plannedDatesOf(old);
    const to = plannedDatesOf(after);
    changes.push({
      type: 'PlannedDatesRevised',
      from,
      to,
      ...(after.plannedDatesReason ? { reason: after.plannedDatesReason } : {}),
      summary: `Planned dates revised from ${describePlannedDates(from)} to ${describePlannedDates(to)}${after.plannedDatesReason ? ` (${after.plannedDatesReason})` : ''}.`,
    });
  }

  for (const component of Object.values(after.components)) {
    if (old && Object.hasOwn(old.components, component.id)) continue;
    changes.push({
      type: 'ComponentAdded',
      componentId: component.id,
      name: component.name,
      kind: component.kind,
      summary: `Component added: ${component.name} (${component.kind}).`,
    });
  }

  for (const milestone of Object.values(after.milestones)) {
    const was = old && Object.hasOwn(old.milestones, milestone.id) ? old.milestones[milestone.id] : undefined;
    const ids = { milestoneId: milestone.id, title: milestone.title };
    if (!was) {
      changes.push({ type: 'MilestonePlanned', ...ids, dueDate: milestone.dueDate, summary: `Milestone planned: ${milestone.title}, due ${milestone.dueDate}.` });
    } else if (was.dueDate !== milestone.dueDate) {
      changes.push({
        type: 'MilestoneRescheduled',
        ...ids,
        from: was.dueDate,
        to: milestone.dueDate,
        summary: `Milestone ${milestone.title} rescheduled from ${was.dueDate} to ${milestone.dueDate}.`,
      });
    }
    if (milestone.status === 'reached' && was?.status !== 'reached') {
      changes.push({ type: 'MilestoneReached', ...ids, reachedOn: milestone.reachedOn!, summary: `Milestone reached: ${milestone.title}, on ${milestone.reachedOn}.` });
    }
    if (milestone.status === 'waived' && was?.status !== 'waived') {
      changes.push({
        type: 'MilestoneWaived',
        ...ids,
        ...(milestone.waiveReason ? { reason: milestone.waiveReason } : {}),
        summary: `Milestone waived: ${milestone.title}${milestone.waiveReason ? ` (${milestone.waiveReason})` : ''}.`,
      });
    }
  }

  for (const indicator of Object.values(after.indicators)) {
    const was = old && Object.hasOwn(old.indicators, indicator.id) ? old.indicators[indicator.id] : undefined;
    changes.push(...indicatorChanges(was, indicator));
  }
  return changes;
}

function plannedDatesOf(project: Project): PlannedDates {
  return { plannedStart: project.plannedStart ?? null, plannedEnd: project.plannedEnd ?? null };
}

function describePlannedDates({ plannedStart, plannedEnd }: PlannedDates): string {
  return `${plannedStart ?? 'an open start'} - ${plannedEnd ?? 'an open end'}`;
}

function indicatorChanges(was: Indicator | undefined, indicator: Indicator): ProjectChange[] {
  const changes: ProjectChange[] = [];
  const ids = { indicatorId: indicator.id };
  if (!was) {
    changes.push({
      type: 'IndicatorDefined',
      ...ids,
      title: indicator.title,
      baseline: indicator.baseline,
      target: indicator.target,
      summary: `Indicator defined: ${indicator.title}, baseline ${indicator.baseline.value}, target ${indicator.target.value} ${indicator.unit}.`,
    });
  } else if (was.target.value !== indicator.target.value || was.target.date !== indicator.target.date) {
    changes.push({
      type: 'IndicatorTargetRevised',
      ...ids,
      title: indicator.title,
      from: was.target,
      to: indicator.target,
      summary: `Target of ${indicator.title} revised from ${was.target.value} to ${indicator.target.value} ${indicator.unit}.`,
    });
  }
  const known = new Set((was?.measurements ?? []).map((measurement) => measurement.measurementId));
  const byId = new Map([...(was?.measurements ?? []), ...indicator.measurements].map((measurement) => [measurement.measurementId, measurement]));
  for (const measurement of indicator.measurements) {
    if (known.has(measurement.measurementId)) continue;
    const base = { ...ids, indicator: indicator.title, measurementId: measurement.measurementId };
    if (measurement.correctsMeasurementId) {
      const corrected = byId.get(measurement.correctsMeasurementId);
      changes.push({
        type: 'MeasurementCorrected',
        ...base,
        correctsMeasurementId: measurement.correctsMeasurementId,
        from: corrected?.value ?? null,
        to: measurement.value,
        ...(measurement.reason ? { reason: measurement.reason } : {}),
        summary: `Measurement of ${indicator.title} corrected ${correctionInWords(corrected, measurement, indicator.unit)}${measurement.reason ? ` (${measurement.reason})` : ''}.`,
      });
    } else {
      changes.push({
        type: 'MeasurementRecorded',
        ...base,
        value: measurement.value,
        date: measurement.date,
        summary: `Measurement of ${indicator.title}: ${measurement.value} ${indicator.unit} for ${measurement.date}.`,
      });
    }
  }
  const from = was ? actual(was) : null;
  const to = actual(indicator);
  if (from?.value !== to?.value || from?.date !== to?.date) {
    changes.push({
      type: 'LatestActualChanged',
      ...ids,
      indicator: indicator.title,
      from,
      to,
      summary: `Latest actual of ${indicator.title} ${from ? `moved from ${from.value} (${from.date})` : 'is now'} ${from ? 'to ' : ''}${to ? `${to.value} (${to.date})` : 'none'}.`,
    });
  }
  return changes;
}

/**
 * What a correction changed, in words: the value, and the date or period and the sex breakdown where
 * those changed too ("corrected from 20 to 20 people" said nothing of a date moved or a breakdown dropped).
 */
function correctionInWords(corrected: Measurement | undefined, correction: Measurement, unit: string): string {
  if (!corrected) return `from an unknown value to ${correction.value} ${unit}`;
  const words = [corrected.value === correction.value ? `keeping ${correction.value} ${unit}` : `from ${corrected.value} to ${correction.value} ${unit}`];
  const period = periodInWords(correction);
  if (period !== periodInWords(corrected)) words.push(`for ${period} instead of ${periodInWords(corrected)}`);
  const was = corrected.disaggregation ? breakdownInWords(corrected.disaggregation) : 'none';
  const now = correction.disaggregation ? breakdownInWords(correction.disaggregation) : 'none';
  if (now !== was) words.push(`its breakdown ${was} now ${now}`);
  return words.join(', ');
}

function periodInWords(measurement: Measurement): string {
  return measurement.periodStart ? `${measurement.periodStart} to ${measurement.date}` : measurement.date;
}

function actual(indicator: Indicator): { value: number; date: string } | null {
  const latest = latestActual(indicator);
  return latest && { value: latest.value, date: latest.date };
}
