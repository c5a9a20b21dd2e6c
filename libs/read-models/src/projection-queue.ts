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

/**
 * The id of a project's own sync job: the project and the first version its view lacks (`-v<n>`; BullMQ
 * ids may not contain ':'). Offers made while the view stays where it is share it, however many events
 * come meanwhile: the relay's repeated offers are one job, and a project whose events do not fold is
 * parked as one dead letter, which keeps its id taken until an operator replays or removes it, not one
 * more for every command recorded on it since.
 */
export function projectionJobId(streamId: string, viewVersion: number): string {
  return `${streamId}-v${viewVersion + 1}`;
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
