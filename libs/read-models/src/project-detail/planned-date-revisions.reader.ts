import type { EntityManager } from '@mikro-orm/postgresql';
import { PlannedDateRevisionView } from './project-detail.entities.js';

/**
 * Every revision of a project's planned dates, in the order they were recorded: before, after and why.
 * `em`: the snapshot it is read in.
 */
export async function readPlannedDateRevisions(em: EntityManager, projectId: string) {
  const revisions = await em.find(PlannedDateRevisionView, { projectId }, { orderBy: { version: 'asc' } });
  return revisions.map((revision) => ({
    version: revision.version,
    plannedStart: revision.plannedStart ?? null,
    plannedEnd: revision.plannedEnd ?? null,
    previousPlannedStart: revision.previousPlannedStart ?? null,
    previousPlannedEnd: revision.previousPlannedEnd ?? null,
    reason: revision.reason,
    occurredAt: revision.occurredAt instanceof Date ? revision.occurredAt.toISOString() : revision.occurredAt,
  }));
}
