import type { ProjectState } from '@app/domain';
import type { NotificationDraft } from '../notification.js';
import { entryOf, eventReference, projectFacts, projectName, projectOf, projectSource, type StoredProjectEvent } from './project-facts.js';

/** `milestone.reached`: a planned milestone recorded as reached, with its evidence and whether it was late. */
export function milestoneReached(
  event: Extract<StoredProjectEvent, { type: 'MilestoneReached' }>,
  before: ProjectState,
  after: ProjectState,
): NotificationDraft[] {
  const project = projectOf(after);
  const milestone = project && entryOf(project.milestones, event.data.milestoneId);
  const earlier = projectOf(before);
  const previous = earlier && entryOf(earlier.milestones, event.data.milestoneId);
  if (!project || !milestone || milestone.status !== 'reached' || previous?.status === 'reached') return [];
  const facts = projectFacts(project);
  const late = event.data.reachedOn > milestone.dueDate;
  return [
    {
      type: 'milestone.reached',
      dedupeKey: `milestone.reached:${event.metadata.eventId}`,
      projectId: project.projectId,
      country: project.country,
      source: projectSource(project.projectId),
      subject: `milestones/${milestone.id}`,
      headline: `${projectName(facts)}: milestone "${milestone.title}" reached`,
      time: event.metadata.occurredAt,
      data: {
        project: facts,
        summary: `${projectName(facts)}: milestone "${milestone.title}" reached on ${event.data.reachedOn}${
          late ? `, after its due date ${milestone.dueDate}` : ''
        }.`,
        milestone: {
          id: milestone.id,
          title: milestone.title,
          componentId: milestone.componentId ?? null,
          dueDate: milestone.dueDate,
          reachedOn: event.data.reachedOn,
          late,
          evidence: event.data.evidence,
          documentLinks: event.data.documentLinks,
        },
        event: eventReference(event),
      },
    },
  ];
}
