import type { Job, Queue } from 'bullmq';
import { failedForUnavailableDatabase, projectsOfJob } from '@app/read-models';

/** Jobs read of each kind: one a project, so more than readiness ever meets. */
const MOST_JOBS_READ = 1_000;

export interface FailingSyncs {
  /** Parked projection jobs in all (GET /admin/dead-letters lists them). */
  letters: number;
  /**
   * The projects held back by a sync that fails for a reason of its own: parked as a dead letter, for
   * an operator to look at, or still retrying after such a failure (with the defaults a sync takes
   * about 17 minutes to park, and Redis losing its queues starts its retries again). Not those whose
   * sync failed only because PostgreSQL could not be reached: the worker offers them again by itself.
   */
  projectIds: string[];
}

/** The dead letters of the projections queue, and the projects failing syncs hold back. */
export async function failingSyncs(queue: Queue): Promise<FailingSyncs> {
  const [letters, parked, retrying] = await Promise.all([
    queue.getFailedCount(),
    queue.getFailed(0, MOST_JOBS_READ - 1),
    queue.getDelayed(0, MOST_JOBS_READ - 1),
  ]);
  const projectIds = new Set<string>();
  for (const job of [...parked, ...retrying.filter((job: Job | undefined) => job && job.attemptsMade > 0)]) {
    // A job removed between the reads comes back as undefined.
    if (!job || !job.failedReason || failedForUnavailableDatabase(job.failedReason)) continue;
    for (const project of projectsOfJob(job)) projectIds.add(project.streamId);
  }
  return { letters, projectIds: [...projectIds] };
}
