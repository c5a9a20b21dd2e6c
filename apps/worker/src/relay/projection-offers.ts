import type { JobsOptions } from 'bullmq';
import type { AppConfig } from '@app/config';
import { type ProjectionJob, projectionJobId } from '@app/read-models';

/**
 * How a project's own sync job is offered. Its id dedupes offers of the same version. Offers of one
 * project share a deduplication id besides: while its job waits, later offers join it (it has not read
 * the stream yet, so it will see their events); while its job runs, one more is kept to run after it. A
 * job that keeps failing is parked in the failed set (a dead letter) for an operator to see and replay;
 * its id stays taken, so the reconcile loop does not offer it again behind their back.
 */
export function syncJobOptions(config: AppConfig, job: ProjectionJob): JobsOptions {
  return {
    jobId: projectionJobId(job),
    deduplication: { id: job.streamId, keepLastIfActive: true },
    attempts: config.projectionAttempts,
    backoff: { type: 'exponential', delay: config.projectionBackoffMs },
    removeOnComplete: true,
    removeOnFail: false,
  };
}

/**
 * A batch job is tried once and leaves no trace: what it could not sync it hands on to the projects'
 * own jobs, and a batch that could not even do that (Redis gone as well) is made good by the reconcile
 * loop, which finds those projects behind. A worker that dies running it leaves it stalled, and another
 * worker runs it again.
 */
export const SYNC_BATCH_JOB_OPTIONS: JobsOptions = { attempts: 1, removeOnComplete: true, removeOnFail: true };
