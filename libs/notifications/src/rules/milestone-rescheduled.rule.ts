import type { ProjectState } from '@app/domain';
import type { NotificationDraft } from '../notification.js';
import { entryOf, eventReference, projectFacts, projectName, projectOf, projectSource, type StoredProjectEvent } from './project-facts.js';

/** `milestone.rescheduled`: a planned milestone given a new due date, with the old one and the reason. */
export function milestoneRescheduled(
  event: Extract<StoredProjectEvent, { type: 'MilestoneRescheduled' }>,
  after: ProjectState,
): NotificationDraft[] {
  const project = projectOf(after);
  const milestone = project && entryOf(project.milestones, event.data.milestoneId);
  if (!project || !milestone) return [];
  const facts = projectFacts(project);
  const { previousDueDate, dueDate, reason } = event.data;
  return [
    {
      type: 'milestone.rescheduled',
      dedupeKey: `milestone.rescheduled:${event.metadata.eventId}`,
      projectId: project.projectId,
      country: project.country,
      source: projectSource(project.projectId),
      subject: `milestones/${milestone.id}`,
      headline: `${projectName(facts)}: milestone "${milestone.title}" rescheduled to ${dueDate}`,
      time: event.metadata.occurredAt,
      data: {
        project: facts,
        summary: `${projectName(facts)}: milestone "${milestone.title}" moved from ${previousDueDate} to ${dueDate}. Reason: ${reason}`,
        milestone: {
          id: milestone.id,
          title: milestone.title,
          componentId: milestone.componentId ?? null,
          previousDueDate,
          dueDate,
          reason,
          timesRescheduled: milestone.timesRescheduled,
        },
        event: eventReference(event),
      },
    },
  ];
}
