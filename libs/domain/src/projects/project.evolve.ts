import { requireEventData } from './project.event-data.js';
import type { ProjectEvent } from './project.events.js';
import {
  initialProjectState,
  type Indicator,
  type Milestone,
  type Project,
  type ProjectBase,
  type ProjectState,
} from './project.state.js';
import { indicatorWithoutMeasurements, withIndicatorFields, withMeasurementCorrected, withMeasurementRecorded } from './measurement-log.js';
import { entryOf, withoutUndefined } from './records.js';

/**
 * The state after `event`. Pure and immutable: `state` is never modified.
 *
 * Events are facts already accepted by `decide`, so `evolve` does not judge them. An event that cannot
 * apply (a lifecycle change from another status, a milestone the state does not know) leaves the state
 * as it is rather than throwing: a history that was once stored must always rebuild.
 */
export function evolve(state: ProjectState, event: ProjectEvent): ProjectState {
  // Not a judgement of the event but of its storage: data without what its type always has was changed by hand.
  requireEventData(event);
  switch (event.type) {
    case 'ProjectProposed': {
      const { projectId, code, title, description, country, location, sector, participatingOrganisations } = event.data;
      return withoutUndefined({
        status: 'proposed',
        projectId,
        code,
        title,
        description,
        country,
        location,
        sector,
        participatingOrganisations,
        plannedStart: event.data.plannedStart,
        plannedEnd: event.data.plannedEnd,
        components: {},
        milestones: {},
        indicators: {},
      });
    }
    case 'ProjectApproved':
      if (state.status !== 'proposed') return state;
      return { ...withReason(state, event.data.reason), status: 'approved', approvedOn: event.data.date, statusSince: event.data.date };
    case 'ProjectStarted':
      if (state.status !== 'approved') return state;
      return {
        ...withReason(state, event.data.reason),
        status: 'implementation',
        actualStart: event.data.actualStart,
        statusSince: event.data.actualStart,
      };
    case 'ProjectSuspended':
      if (state.status !== 'implementation') return state;
      return { ...withReason(state, event.data.reason), status: 'suspended', statusSince: event.data.date };
    case 'ProjectResumed':
      if (state.status !== 'suspended') return state;
      return { ...withReason(state, event.data.reason), status: 'implementation', statusSince: event.data.date };
    case 'ProjectFinalised':
      if (state.status !== 'implementation') return state;
      return {
        ...withReason(state, event.data.reason),
        status: 'finalisation',
        actualEnd: event.data.actualEnd,
        statusSince: event.data.actualEnd,
      };
    case 'ProjectClosed':
      if (state.status !== 'finalisation') return state;
      return { ...withReason(state, event.data.reason), status: 'closed', closedOn: event.data.date, statusSince: event.data.date };
    case 'ProjectCancelled':
      if (
        state.status !== 'proposed' &&
        state.status !== 'approved' &&
        state.status !== 'implementation' &&
        state.status !== 'suspended'
      ) {
        return state;
      }
      return {
        ...withReason(state, event.data.reason),
        status: 'cancelled',
        cancelledOn: event.data.date,
        statusSince: event.data.date,
      };
    case 'PlannedDatesRevised': {
      const { plannedStart, plannedEnd, reason } = event.data;
      return updateProject(state, () => withoutUndefined({ plannedStart, plannedEnd, plannedDatesReason: reason }));
    }

    case 'ComponentAdded': {
      const { componentId, name, kind, description } = event.data;
      return updateProject(state, (project) => ({
        components: {
          ...project.components,
          [componentId]: withoutUndefined({ id: componentId, name, kind, description }),
        },
      }));
    }

    case 'MilestonePlanned': {
      const { milestoneId, title, dueDate, componentId, description } = event.data;
      const milestone: Milestone = withoutUndefined({
        id: milestoneId,
        title,
        description,
        componentId,
        dueDate,
        status: 'planned',
        documentLinks: [],
        timesRescheduled: 0,
      });
      return updateProject(state, (project) => ({ milestones: { ...project.milestones, [milestoneId]: milestone } }));
    }
    case 'MilestoneReached': {
      const { reachedOn, evidence, documentLinks } = event.data;
      return updateMilestone(state, event.data.milestoneId, (milestone) => ({
        ...milestone,
        status: 'reached',
        reachedOn,
        evidence,
        documentLinks: [...documentLinks],
      }));
    }
    case 'MilestoneRescheduled':
      return updateMilestone(state, event.data.milestoneId, (milestone) => ({
        ...milestone,
        dueDate: event.data.dueDate,
        timesRescheduled: milestone.timesRescheduled + 1,
      }));
    case 'MilestoneWaived':
      return updateMilestone(state, event.data.milestoneId, (milestone) => ({
        ...milestone,
        status: 'waived',
        waiveReason: event.data.reason,
      }));

    case 'IndicatorDefined': {
      const { indicatorId, title, description, unit, measure, resultLevel, baseline, target, componentId, sexBreakdown } = event.data;
      const indicator = indicatorWithoutMeasurements(
        withoutUndefined({ id: indicatorId, title, description, unit, measure, resultLevel, baseline, target, componentId, sexBreakdown }),
      );
      return updateProject(state, (project) => ({ indicators: { ...project.indicators, [indicatorId]: indicator } }));
    }
    case 'IndicatorTargetRevised':
      return updateIndicator(state, event.data.indicatorId, (indicator) => withIndicatorFields(indicator, { target: event.data.target }));

    case 'MeasurementRecorded': {
      const { measurementId, value, date, periodStart, disaggregation, note } = event.data;
      return updateIndicator(state, event.data.indicatorId, (indicator) =>
        withMeasurementRecorded(indicator, withoutUndefined({ measurementId, value, date, periodStart, disaggregation, note })),
      );
    }
    case 'MeasurementCorrected': {
      const { measurementId, correctsMeasurementId, value, date, periodStart, disaggregation, reason } = event.data;
      return updateIndicator(state, event.data.indicatorId, (indicator) =>
        withMeasurementCorrected(
          indicator,
          withoutUndefined({ measurementId, value, date, periodStart, disaggregation, correctsMeasurementId, reason }),
        ),
      );
    }

    default: {
      const unhandled: never = event;
      throw new Error(`Unhandled project event ${(unhandled as { type: string }).type}`);
    }
  }
}

/** The state a stream of events leaves, from the first (ProjectProposed) to the last. */
export function rebuildProjectState(events: readonly ProjectEvent[]): ProjectState {
  return events.reduce(evolve, initialProjectState);
}

function withReason<P extends Project>(project: P, reason: string | undefined): P {
  const { lastReason: _previous, ...rest } = project;
  return (reason === undefined ? rest : { ...rest, lastReason: reason }) as P;
}

function updateProject(state: ProjectState, update: (project: Project) => Partial<ProjectBase>): ProjectState {
  if (state.status === 'none') return state;
  return { ...state, ...update(state) };
}

function updateMilestone(
  state: ProjectState,
  milestoneId: string,
  update: (milestone: Milestone) => Milestone,
): ProjectState {
  return updateProject(state, (project) => {
    const milestone = entryOf(project.milestones, milestoneId);
    return milestone === undefined ? {} : { milestones: { ...project.milestones, [milestoneId]: update(milestone) } };
  });
}

function updateIndicator(
  state: ProjectState,
  indicatorId: string,
  update: (indicator: Indicator) => Indicator,
): ProjectState {
  return updateProject(state, (project) => {
    const indicator = entryOf(project.indicators, indicatorId);
    return indicator === undefined ? {} : { indicators: { ...project.indicators, [indicatorId]: update(indicator) } };
  });
}
