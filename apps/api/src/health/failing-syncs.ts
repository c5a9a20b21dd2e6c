import type { Job, Queue } from 'bullmq';
import { failedForUnavailableDatabase, projectsOfJob } from '@app/read-models';

/** Jobs read of each kind: one a project, so more than readiness ever meets. */
const MOST_JOBS_READ = 1_000;

/**
 * The projects held back by a sync that fails for a reason of its own: parked as a dead letter, for an
 * operator to look at, or still retrying after such a failure (with the defaults a sync takes about 17
 * minutes to park, and Redis losing its queues starts its retries again). Not those whose sync failed
 * only because PostgreSQL could not be reached: the worker offers them again by itself.
 */
export async function projectsOfFailingSyncs(queue: Queue): Promise<string[]> {
  const [parked, retrying] = await Promise.all([queue.getFailed(0, MOST_JOBS_READ - 1), queue.getDelayed(0, MOST_JOBS_READ - 1)]);
  const projectIds = new Set<string>();
  for (const job of [...parked, ...retrying.filter((job: Job | undefined) => job && job.attemptsMade > 0)]) {
    // A job removed between the reads comes back as undefined.
    if (!job || !job.failedReason || failedForUnavailableDatabase(job.failedReason)) continue;
    for (const project of projectsOfJob(job)) projectIds.add(project.streamId);
  }
  return [...projectIds];
}
