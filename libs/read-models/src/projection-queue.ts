/** The queue of project read-model syncs: one job means "bring this project's views up to its stream". */
export const PROJECTIONS_QUEUE = 'projections';

export interface ProjectionJob {
  streamId: string;
  /** The stream version that prompted the job; the sync applies whatever is new when it runs. */
  version: number;
}

/** A job of one project: its own retries and, when they run out, a dead letter of its own. */
export const SYNC_JOB = 'sync';

/**
 * A job of the projects announced together, synced in one go (two round trips for all of them). A
 * project it cannot sync is handed on to a job of its own (SYNC_JOB), so retries and dead letters stay
 * per project.
 */
export const SYNC_BATCH_JOB = 'sync-batch';

export interface ProjectionBatchJob {
  projects: ProjectionJob[];
}

/** The projects a job of the projections queue is about, whichever kind it is. */
export function projectsOfJob(job: { name: string; data: unknown }): ProjectionJob[] {
  return job.name === SYNC_BATCH_JOB ? (job.data as ProjectionBatchJob).projects : [job.data as ProjectionJob];
}

/** Job ids may not contain ':' in BullMQ; one id per stream version dedupes the relay's repeated offers. */
export function projectionJobId(job: ProjectionJob): string {
  return `${job.streamId}-v${job.version}`;
}

/** How the failure of a sync that could not reach PostgreSQL begins (the job's failed reason). */
const DATABASE_UNAVAILABLE = 'PostgreSQL could not be reached: ';

/** The failure to record for a sync that could not reach PostgreSQL, so the relay can tell it apart. */
export function databaseUnavailable(cause: unknown): Error {
  return new Error(`${DATABASE_UNAVAILABLE}${cause instanceof Error ? cause.message : String(cause)}`, { cause });
}

/** Whether a sync job last failed because PostgreSQL could not be reached (see databaseUnavailable). */
export function failedForUnavailableDatabase(failedReason: string | undefined): boolean {
  return failedReason?.startsWith(DATABASE_UNAVAILABLE) ?? false;
}
