import type { Queue } from 'bullmq';
import { failedForUnavailableDatabase, projectsOfJob } from '@app/read-models';

/** Parked jobs read for their projects: one letter a project, so more than readiness ever meets. */
const MOST_LETTERS_READ = 1_000;

export interface ParkedProjects {
  /** Parked projection jobs in all (GET /admin/dead-letters lists them). */
  letters: number;
  /**
   * The projects held back by a letter an operator has to look at: not those whose sync failed only
   * because PostgreSQL could not be reached, which the worker offers again by itself.
   */
  projectIds: string[];
}

/** The dead letters of the projections queue, and the projects they hold back. */
export async function parkedProjects(queue: Queue): Promise<ParkedProjects> {
  const [letters, jobs] = await Promise.all([queue.getFailedCount(), queue.getFailed(0, MOST_LETTERS_READ - 1)]);
  const projectIds = new Set<string>();
  for (const job of jobs) {
    // A job removed between the two reads comes back as undefined.
    if (!job || failedForUnavailableDatabase(job.failedReason)) continue;
    for (const project of projectsOfJob(job)) projectIds.add(project.streamId);
  }
  return { letters, projectIds: [...projectIds] };
}
