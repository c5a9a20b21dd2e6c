import type { EntityManager } from '@mikro-orm/postgresql';
import type { ProjectEvent } from '@app/domain';
import type { StoredEvent } from '@app/event-store';
import {
  ComponentView,
  IndicatorView,
  MeasurementView,
  MilestoneTimelineView,
  MilestoneView,
  ProjectView,
} from './project-detail.entities.js';

type Project = InstanceType<typeof ProjectView.class>;
type Indicator = InstanceType<typeof IndicatorView.class>;

/**
 * The project read model: one project with its components, milestones, indicators and measurements.
 * `apply` is called inside the caller's transaction, in version order, only for events newer than the
 * view's version; the caller writes the new version in the same transaction.
 */
export class ProjectDetailProjection {
  async apply(em: EntityManager, project: Project | null, stored: StoredEvent): Promise<Project> {
    const event = { type: stored.type, data: stored.data } as ProjectEvent;
    const at = new Date(stored.metadata.recordedAt);
    if (event.type === 'ProjectProposed') {
      const data = event.data;
      const created = em.create(ProjectView, {
        id: data.projectId,
        code: data.code,
        title: data.title,
        description: data.description,
        country: data.country,
        status: 'proposed',
        sector: data.sector,
        location: data.location,
        participatingOrganisations: data.participatingOrganisations,
        plannedStart: data.plannedStart ?? null,
        plannedEnd: data.plannedEnd ?? null,
        actualStart: null,
        actualEnd: null,
        lastReason: null,
        version: stored.version,
        proposedAt: at,
        updatedAt: at,
      });
      // Rows of its components, milestones and indicators refer to it: it must be inserted first.
      await em.flush();
      return created;
    }
    if (!project) throw new Error(`${event.type} at version ${stored.version} of ${stored.streamId} has no project to apply to`);
    project.version = stored.version;
    project.updatedAt = at;

    switch (event.type) {
      case 'ProjectApproved':
        return this.transition(project, 'approved', event.data.reason);
      case 'ProjectStarted':
        project.actualStart = event.data.actualStart;
        return this.transition(project, 'implementation', event.data.reason);
      case 'ProjectSuspended':
        return this.transition(project, 'suspended', event.data.reason);
      case 'ProjectResumed':
        return this.transition(project, 'implementation', event.data.reason);
      case 'ProjectFinalised':
        project.actualEnd = event.data.actualEnd;
        return this.transition(project, 'finalisation', event.data.reason);
      case 'ProjectClosed':
        return this.transition(project, 'closed', event.data.reason);
      case 'ProjectCancelled':
        return this.transition(project, 'cancelled', event.data.reason);
      case 'ComponentAdded':
        em.create(ComponentView, {
          id: event.data.componentId,
          projectId: project.id,
          name: event.data.name,
          kind: event.data.kind,
          description: event.data.description ?? null,
          position: stored.version,
        });
        return project;
      case 'MilestonePlanned':
        em.create(MilestoneView, {
          id: event.data.milestoneId,
          projectId: project.id,
          componentId: event.data.componentId ?? null,
          title: event.data.title,
          description: event.data.description ?? null,
          dueDate: event.data.dueDate,
          status: 'planned',
          reachedOn: null,
          evidence: null,
          documentLinks: [],
          waiveReason: null,
          timesRescheduled: 0,
          position: stored.version,
        });
        this.timeline(em, stored, event.data.milestoneId, 'planned', null, event.data.dueDate, null, event.data.title);
        return project;
      case 'MilestoneReached': {
        const milestone = await em.findOneOrFail(MilestoneView, { id: event.data.milestoneId });
        milestone.status = 'reached';
        milestone.reachedOn = event.data.reachedOn;
        milestone.evidence = event.data.evidence;
        milestone.documentLinks = event.data.documentLinks;
        this.timeline(em, stored, milestone.id, 'reached', event.data.reachedOn, milestone.dueDate, null, event.data.evidence);
        return project;
      }
      case 'MilestoneRescheduled': {
        const milestone = await em.findOneOrFail(MilestoneView, { id: event.data.milestoneId });
        milestone.dueDate = event.data.dueDate;
        milestone.timesRescheduled += 1;
        this.timeline(em, stored, milestone.id, 'rescheduled', null, event.data.dueDate, event.data.previousDueDate, event.data.reason);
        return project;
      }
      case 'MilestoneWaived': {
        const milestone = await em.findOneOrFail(MilestoneView, { id: event.data.milestoneId });
        milestone.status = 'waived';
        milestone.waiveReason = event.data.reason;
        this.timeline(em, stored, milestone.id, 'waived', null, milestone.dueDate, null, event.data.reason);
        return project;
      }
      case 'IndicatorDefined':
        em.create(IndicatorView, {
          id: event.data.indicatorId,
          projectId: project.id,
          componentId: event.data.componentId ?? null,
          title: event.data.title,
          description: event.data.description ?? null,
          unit: event.data.unit,
          measure: event.data.measure,
          resultLevel: event.data.resultLevel,
          baselineValue: event.data.baseline.value,
          baselineDate: event.data.baseline.date ?? null,
          targetValue: event.data.target.value,
          targetDate: event.data.target.date ?? null,
          latestActual: null,
          latestActualDate: null,
          latestDisaggregation: null,
          progress: null,
          measurementCount: 0,
          position: stored.version,
        });
        // Its measurements refer to it.
        await em.flush();
        return project;
      case 'IndicatorTargetRevised': {
        const indicator = await em.findOneOrFail(IndicatorView, { id: event.data.indicatorId });
        indicator.targetValue = event.data.target.value;
        indicator.targetDate = event.data.target.date ?? null;
        await this.refreshActual(em, indicator);
        return project;
      }
      case 'MeasurementRecorded': {
        em.create(MeasurementView, {
          id: event.data.measurementId,
          projectId: project.id,
          indicatorId: event.data.indicatorId,
          value: event.data.value,
          date: event.data.date,
          periodStart: event.data.periodStart ?? null,
          disaggregation: event.data.disaggregation ?? null,
          note: event.data.note ?? null,
          correctsMeasurementId: null,
          correctionReason: null,
          supersededBy: null,
          recordedVersion: stored.version,
        });
        const indicator = await em.findOneOrFail(IndicatorView, { id: event.data.indicatorId });
        indicator.measurementCount += 1;
        await this.refreshActual(em, indicator);
        return project;
      }
      case 'MeasurementCorrected': {
        const corrected = await em.findOneOrFail(MeasurementView, { id: event.data.correctsMeasurementId });
        corrected.supersededBy = event.data.measurementId;
        em.create(MeasurementView, {
          id: event.data.measurementId,
          projectId: project.id,
          indicatorId: event.data.indicatorId,
          value: event.data.value,
          date: event.data.date,
          periodStart: event.data.periodStart ?? null,
          disaggregation: event.data.disaggregation ?? null,
          note: null,
          correctsMeasurementId: event.data.correctsMeasurementId,
          correctionReason: event.data.reason,
          supersededBy: null,
          recordedVersion: stored.version,
        });
        const indicator = await em.findOneOrFail(IndicatorView, { id: event.data.indicatorId });
        indicator.measurementCount += 1;
        await this.refreshActual(em, indicator);
        return project;
      }
      default: {
        const unhandled: never = event;
        throw new Error(`ProjectDetailProjection does not handle ${(unhandled as ProjectEvent).type}`);
      }
    }
  }

  private timeline(
    em: EntityManager,
    stored: StoredEvent,
    milestoneId: string,
    kind: 'planned' | 'rescheduled' | 'reached' | 'waived',
    date: string | null,
    dueDate: string,
    previousDueDate: string | null,
    note: string | null,
  ): void {
    em.create(MilestoneTimelineView, {
      id: stored.metadata.eventId,
      projectId: stored.streamId,
      milestoneId,
      version: stored.version,
      kind,
      date,
      dueDate,
      previousDueDate,
      note,
      occurredAt: new Date(stored.metadata.occurredAt),
    });
  }

  private transition(project: Project, status: string, reason: string | undefined): Project {
    project.status = status;
    project.lastReason = reason ?? null;
    return project;
  }

  /** Latest actual: the current (not superseded) measurement with the latest date; ties go to the later one. */
  private async refreshActual(em: EntityManager, indicator: Indicator): Promise<void> {
    await em.flush();
    const [latest] = await em.find(
      MeasurementView,
      { indicatorId: indicator.id, supersededBy: null },
      { orderBy: { date: 'desc', recordedVersion: 'desc' }, limit: 1 },
    );
    indicator.latestActual = latest?.value ?? null;
    indicator.latestActualDate = latest?.date ?? null;
    indicator.latestDisaggregation = latest?.disaggregation ?? null;
    const span = indicator.targetValue - indicator.baselineValue;
    indicator.progress = latest && span !== 0 ? (latest.value - indicator.baselineValue) / span : null;
  }
}
