import type { JobsOptions } from 'bullmq';
import type { AppConfig } from '@app/config';
import { type ProjectionJob, projectionJobId } from '@app/read-models';

/**
 * How a project's own sync job is offered, its view being at `viewVersion`. Its id (projectionJobId)
 * dedupes offers made while the view stays there: BullMQ drops an offer whose id is taken. Offers of one
 * project share a deduplication id besides: while its job waits, later offers join it (it has not read
 * the stream yet, so it will see their events); while it runs, one made once the view has moved (a new
 * id) is kept to run after it, and what an offer it dropped stood for is offered again by the next
 * batch or reconcile. A job that keeps failing is parked in the failed set (a dead letter) for an
 * operator to see and replay; its id stays taken while the view waits behind it, so neither the
 * reconcile loop nor a batch offers that project again behind the operator's back, whatever is
 * recorded on it meanwhile.
 */
export function syncJobOptions(config: AppConfig, job: ProjectionJob, viewVersion: number): JobsOptions {
  return {
    jobId: projectionJobId(job.streamId, viewVersion),
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
