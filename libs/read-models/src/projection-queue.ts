/** The queue of project read-model syncs: one job means "bring this project's views up to its stream". */
export const PROJECTIONS_QUEUE = 'projections';

export interface ProjectionJob {
  streamId: string;
  /** The stream version that prompted the job; the sync applies whatever is new when it runs. */
  version: number;
}

/** Job ids may not contain ':' in BullMQ; one id per stream version dedupes the relay's repeated offers. */
export function projectionJobId(job: ProjectionJob): string {
  return `${job.streamId}-v${job.version}`;
}
