import { isMilestoneOverdue } from '@app/domain';
import type { NotificationDraft, ProjectFacts } from '../notification.js';
import { projectName, projectSource } from './project-facts.js';

/** A planned milestone whose due date has passed, as the overdue scan finds it. */
export interface OverdueMilestone {
  milestoneId: string;
  title: string;
  dueDate: string;
  /** How often it was rescheduled: a rescheduled milestone that is missed again is announced again. */
  timesRescheduled: number;
  project: ProjectFacts;
}

/**
 * Whether a project has a milestone the overdue scan would announce today (announced already or not:
 * what was announced is the scan's to know). A project without one gives a scan nothing to find.
 */
export function hasMilestoneAnnouncedOverdue(
  project: { status: string; milestones?: Record<string, { status: string; dueDate: string }> },
  today: string,
): boolean {
  return Object.values(project.milestones ?? {}).some((milestone) => isMilestoneOverdue(milestone, project.status, today));
}

/**
 * `milestone.overdue`: derived, not recorded, so the scan decides it. Announced once per milestone and
 * due date: the key names how often it was rescheduled, so only a new date that is missed again counts.
 */
export function milestoneOverdue(milestone: OverdueMilestone, today: string, detectedAt: string): NotificationDraft {
  const { project } = milestone;
  const daysOverdue = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${milestone.dueDate}T00:00:00Z`)) / 86_400_000);
  return {
    type: 'milestone.overdue',
    dedupeKey: `milestone.overdue:${milestone.milestoneId}:${milestone.timesRescheduled}`,
    projectId: project.id,
    country: project.country,
    source: projectSource(project.id),
    subject: `milestones/${milestone.milestoneId}`,
    headline: `${projectName(project)}: milestone "${milestone.title}" is overdue (due ${milestone.dueDate})`,
    time: detectedAt,
    data: {
      project,
      summary: `${projectName(project)}: milestone "${milestone.title}" was due on ${milestone.dueDate} and is not reached (${daysOverdue} day${daysOverdue === 1 ? '' : 's'} overdue).`,
      milestone: {
        id: milestone.milestoneId,
        title: milestone.title,
        dueDate: milestone.dueDate,
        daysOverdue,
        timesRescheduled: milestone.timesRescheduled,
      },
    },
  };
}
