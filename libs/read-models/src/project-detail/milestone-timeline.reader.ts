import { isMilestoneOverdue } from '@app/domain';
import type { EntityManager } from '@mikro-orm/postgresql';
import { MilestoneTimelineView, MilestoneView } from './project-detail.entities.js';

/**
 * A project's milestones in due-date order, each with what happened to it, in the order it happened.
 * `projectStatus` decides, with `today`, which are overdue. `em`: the snapshot it is read in.
 */
export async function readMilestoneTimeline(em: EntityManager, projectId: string, projectStatus: string, today: string) {
  const [milestones, entries] = await Promise.all([
    em.find(MilestoneView, { projectId }, { orderBy: { dueDate: 'asc', position: 'asc' } }),
    em.find(MilestoneTimelineView, { projectId }, { orderBy: { version: 'asc' } }),
  ]);
  return milestones.map((milestone) => ({
    milestoneId: milestone.id,
    title: milestone.title,
    componentId: milestone.componentId ?? null,
    dueDate: milestone.dueDate,
    status: milestone.status,
    overdue: isMilestoneOverdue(milestone, projectStatus, today),
    reachedOn: milestone.reachedOn ?? null,
    history: entries
      .filter((entry) => entry.milestoneId === milestone.id)
      .map((entry) => ({
        kind: entry.kind,
        version: entry.version,
        date: entry.date ?? null,
        dueDate: entry.dueDate,
        previousDueDate: entry.previousDueDate ?? null,
        note: entry.note ?? null,
        occurredAt: entry.occurredAt instanceof Date ? entry.occurredAt.toISOString() : entry.occurredAt,
      })),
  }));
}
