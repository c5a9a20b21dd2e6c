import { IATI_ACTIVITY_STATUS, type ProjectState } from '@app/domain';
import type { NotificationDraft } from '../notification.js';
import { eventReference, projectFacts, projectName, projectOf, projectSource, type StoredProjectEvent } from './project-facts.js';

type LifecycleEvent = Extract<
  StoredProjectEvent,
  {
    type:
      | 'ProjectProposed'
      | 'ProjectApproved'
      | 'ProjectStarted'
      | 'ProjectSuspended'
      | 'ProjectResumed'
      | 'ProjectFinalised'
      | 'ProjectClosed'
      | 'ProjectCancelled';
  }
>;

/**
 * `project.status_changed`: every lifecycle transition, with from, to and the reason given. A proposal
 * is the transition from nothing (`from: null`) to proposed, so managers hear of new projects too.
 */
export function projectStatusChanged(event: LifecycleEvent, before: ProjectState, after: ProjectState): NotificationDraft[] {
  const project = projectOf(after);
  if (!project || before.status === after.status) return [];
  const from = before.status === 'none' ? null : before.status;
  const to = project.status;
  const facts = projectFacts(project);
  const reason = 'reason' in event.data ? (event.data.reason ?? null) : null;
  const date = dateOf(event);
  const change = from === null ? 'proposed' : `status changed from ${from} to ${to}`;
  return [
    {
      type: 'project.status_changed',
      dedupeKey: `project.status_changed:${event.metadata.eventId}`,
      projectId: project.projectId,
      country: project.country,
      source: projectSource(project.projectId),
      subject: 'status',
      headline: `${projectName(facts)}: ${change}${reason ? ` (${reason})` : ''}`,
      time: event.metadata.occurredAt,
      data: {
        project: facts,
        summary: `${projectName(facts)}: ${change}${date ? ` on ${date}` : ''}${reason ? `. Reason: ${reason}` : ''}`,
        from,
        to,
        reason,
        date,
        iatiActivityStatus: { from: from === null ? null : IATI_ACTIVITY_STATUS[from], to: IATI_ACTIVITY_STATUS[to] },
        event: eventReference(event),
      },
    },
  ];
}

function dateOf(event: LifecycleEvent): string | null {
  switch (event.type) {
    case 'ProjectProposed':
      return null;
    case 'ProjectStarted':
      return event.data.actualStart;
    case 'ProjectFinalised':
      return event.data.actualEnd;
    case 'ProjectApproved':
    case 'ProjectSuspended':
    case 'ProjectResumed':
    case 'ProjectClosed':
    case 'ProjectCancelled':
      return event.data.date;
    default: {
      const unhandled: never = event;
      throw new Error(`Unhandled lifecycle event ${(unhandled as { type: string }).type}`);
    }
  }
}
