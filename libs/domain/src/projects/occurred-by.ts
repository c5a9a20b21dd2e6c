import type { ProjectEvent } from './project.events.js';

/** A stored event as the selection needs it: what it is and when it occurred (its business date). */
export interface DatedProjectEvent {
  type: ProjectEvent['type'];
  data: unknown;
  occurredAt: string;
}

/** The events that add a part to a project, and the id of the part each adds. */
const ADDS: Partial<Record<ProjectEvent['type'], 'componentId' | 'milestoneId' | 'indicatorId'>> = {
  ComponentAdded: 'componentId',
  MilestonePlanned: 'milestoneId',
  IndicatorDefined: 'indicatorId',
};

/**
 * The business date an event records, when it records one: the day a project was approved, started,
 * suspended, resumed, finalised, closed or cancelled, a milestone reached, a measurement taken (for a
 * correction, the date of the value it gives, inherited from what it corrects unless given). An event
 * occurred then, whenever it was recorded; the others (planned dates revised, a component added, a
 * milestone planned, rescheduled or waived, an indicator defined or its target revised) occurred when
 * recorded.
 */
export function businessDateOf(event: ProjectEvent): string | undefined {
  switch (event.type) {
    case 'ProjectApproved':
    case 'ProjectSuspended':
    case 'ProjectResumed':
    case 'ProjectClosed':
    case 'ProjectCancelled':
    case 'MeasurementRecorded':
    case 'MeasurementCorrected':
      return event.data.date;
    case 'ProjectStarted':
      return event.data.actualStart;
    case 'ProjectFinalised':
      return event.data.actualEnd;
    case 'MilestoneReached':
      return event.data.reachedOn;
    default:
      return undefined;
  }
}

/** The parts an event names besides the project: the ones it acts on or belongs to. */
function partsNamed(event: DatedProjectEvent): string[] {
  const data = event.data as { componentId?: string; milestoneId?: string; indicatorId?: string };
  const named = [data.componentId, data.milestoneId, data.indicatorId].filter((id): id is string => id !== undefined);
  // What an adding event adds is not a part it names: only what it belongs to (a milestone's component).
  const adds = ADDS[event.type];
  return adds ? named.filter((id) => id !== data[adds]) : named;
}

/**
 * The events of a project's stream (in version order) that had occurred by `at` (an ISO instant), by
 * business date: the proposal, which names no date of its own; every event whose occurred-at is by then;
 * and every component, milestone or indicator such an event acts on or belongs to, whenever it was
 * entered. Adding a part names no business date either (its occurred-at is when it was recorded): a
 * milestone entered today as reached last month, or a measurement for last month of an indicator defined
 * today, needs the part to have been there last month, or the fold would drop the fact. Answered in
 * version order, ready to fold.
 */
export function eventsOccurredBy<E extends DatedProjectEvent>(events: readonly E[], at: string): E[] {
  const included = new Set<number>();
  events.forEach((event, index) => {
    if (index === 0 || Date.parse(event.occurredAt) <= Date.parse(at)) included.add(index);
  });
  const addedBy = new Map<string, number>();
  events.forEach((event, index) => {
    const adds = ADDS[event.type];
    const id = adds && (event.data as Record<string, string | undefined>)[adds];
    if (id !== undefined) addedBy.set(id, index);
  });
  // A part brought in may belong to another (a milestone to its component): follow until none is new.
  const pending = [...included];
  while (pending.length > 0) {
    for (const id of partsNamed(events[pending.pop()!]!)) {
      const adder = addedBy.get(id);
      if (adder !== undefined && !included.has(adder)) {
        included.add(adder);
        pending.push(adder);
      }
    }
  }
  return events.filter((_, index) => included.has(index));
}
