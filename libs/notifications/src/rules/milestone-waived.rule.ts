import { isMilestoneOverdue, type ProjectState } from '@app/domain';
import type { NotificationDraft } from '../notification.js';
import { entryOf, eventReference, projectFacts, projectName, projectOf, projectSource, type StoredProjectEvent } from './project-facts.js';

/**
 * `milestone.waived`: a milestone the project no longer needs, with the reason. A manager told that it
 * was overdue learns that it is settled, and that it will not be reached.
 */
export function milestoneWaived(event: Extract<StoredProjectEvent, { type: 'MilestoneWaived' }>, before: ProjectState, after: ProjectState): NotificationDraft[] {
  const project = projectOf(after);
  const milestone = project && entryOf(project.milestones, event.data.milestoneId);
  const earlier = projectOf(before);
  const previous = earlier && entryOf(earlier.milestones, event.data.milestoneId);
  if (!project || !milestone || !earlier || !previous || milestone.status !== 'waived' || previous.status === 'waived') return [];
  const facts = projectFacts(project);
  const { reason } = event.data;
  // Overdue as the domain decides it, on the day the waiver was recorded (it names no date of its own).
  const wasOverdue = isMilestoneOverdue(previous, earlier.status, event.metadata.recordedAt.slice(0, 10));
  return [
    {
      type: 'milestone.waived',
      dedupeKey: `milestone.waived:${event.metadata.eventId}`,
      projectId: project.projectId,
      country: project.country,
      source: projectSource(project.projectId),
      subject: `milestones/${milestone.id}`,
      headline: `${projectName(facts)}: milestone "${milestone.title}" waived`,
      time: event.metadata.occurredAt,
      data: {
        project: facts,
        summary: `${projectName(facts)}: milestone "${milestone.title}" (due ${milestone.dueDate}${wasOverdue ? ', overdue' : ''}) waived; it will not be reached. Reason: ${reason}`,
        milestone: {
          id: milestone.id,
          title: milestone.title,
          componentId: milestone.componentId ?? null,
          dueDate: milestone.dueDate,
          wasOverdue,
          reason,
        },
        event: eventReference(event),
      },
    },
  ];
}
