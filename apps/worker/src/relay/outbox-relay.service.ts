import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { isUnavailable, PG_POOL } from '@app/database';
import { AppendListener, appendsChannel } from '@app/event-store';
import { failedForUnavailableDatabase, findLaggingProjects, PROJECTIONS_QUEUE, type ProjectionJob, projectionJobId } from '@app/read-models';
import { enqueueLag } from '../metrics/worker-metrics.js';


/**
 * Carries events from PostgreSQL to the projections queue with no dual-write gap. The event store is
 * the outbox: an append is announced after commit (Redis pub/sub) for low latency, and a reconcile loop
 * compares every stream's version with its view's, so a crash after commit, a lost announcement or
 * Redis losing its queues only delays a view by one interval.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly listener: AppendListener;
  private timer: NodeJS.Timeout | undefined;
  private reconciling = false;
  /** A reconcile found PostgreSQL unreachable, and none has reached it since. */
  private databaseUnreachable = false;
  private readonly jobOptions;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @InjectQueue(PROJECTIONS_QUEUE) private readonly queue: Queue<ProjectionJob>,
  ) {
    this.listener = new AppendListener(
      config.redisUrl,
      appendsChannel(config.queuePrefix),
      (notice) => {
        const job = { streamId: notice.streamId, version: notice.version };
        this.queue
          .add('sync', job, this.optionsFor(job))
          .then(() => notice.recordedAt && enqueueLag.observe(Math.max(Date.now() - notice.recordedAt, 0) / 1000))
          .catch((error: unknown) => this.logger.warn(`enqueue failed (reconcile will retry): ${describe(error)}`));
      },
      (message) => this.logger.warn(message),
      () => void this.reconcile(),
    );
    // A job that keeps failing is parked in the failed set (a dead letter) for an operator to see and
    // replay; its id stays taken, so the reconcile loop does not offer it again behind their back.
    this.jobOptions = {
      attempts: config.projectionAttempts,
      backoff: { type: 'exponential', delay: config.projectionBackoffMs },
      removeOnComplete: true,
      removeOnFail: false,
    } as const;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.start();
    await this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), this.config.reconcileIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.listener.stop();
  }

  /**
   * A job's id dedupes offers of the same version. Offers of one project share a deduplication id
   * besides: while its job waits, later offers join it (it has not read the stream yet, so it will see
   * their events); while its job runs, one more is kept to run after it. So a project has at most a job
   * running and one waiting, whatever the rate of its appends: a burst costs a few syncs of many events,
   * not a job each (most of which would find nothing left to apply).
   */
  private optionsFor(job: ProjectionJob) {
    return { ...this.jobOptions, jobId: projectionJobId(job), deduplication: { id: job.streamId, keepLastIfActive: true } };
  }

  /**
   * A sync that could not reach PostgreSQL waits out its retry backoff, which grows to minutes over a
   * long outage, and a project's new offers join it (one job per project): its views would stay behind
   * for that long after the database is back. One that ran out of tries during the outage is parked,
   * and its project, if nothing is appended to it, stays behind until an operator replays it (the
   * reconcile's offer has the parked job's id). So once a reconcile reaches PostgreSQL again after one
   * that could not, the syncs that failed for that reason run at once, parked ones with their tries
   * afresh. Once per outage: a sync that fails again keeps its backoff, and a sync that failed for any
   * other reason (a poison project) is neither hurried towards the dead letters nor taken out of them.
   */
  private async retrySyncsThatMetTheOutage(): Promise<void> {
    const [delayed, parked] = await Promise.all([this.queue.getDelayed(0, RETRIED_AT_ONCE - 1), this.queue.getFailed(0, RETRIED_AT_ONCE - 1)]);
    const metTheOutage = (job: Job<ProjectionJob>) => job.attemptsMade > 0 && failedForUnavailableDatabase(job.failedReason);
    const waiting = delayed.filter(metTheOutage);
    const dead = parked.filter(metTheOutage);
    // One that started meanwhile is no longer delayed, or no longer parked: nothing to do for it.
    await Promise.all([
      ...waiting.map((job) => job.promote().catch(() => undefined)),
      ...dead.map((job) => job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }).catch(() => undefined)),
    ]);
    if (waiting.length + dead.length > 0) {
      this.logger.log(`PostgreSQL answers again: ${waiting.length} projection syncs retried at once, ${dead.length} parked ones replayed`);
    }
  }

  /** Offers one sync job per lagging project. */
  async reconcile(): Promise<number> {
    if (this.reconciling) return 0;
    this.reconciling = true;
    try {
      let lagging: ProjectionJob[];
      try {
        lagging = await findLaggingProjects(this.pool);
      } catch (error) {
        if (isUnavailable(error)) this.databaseUnreachable = true;
        throw error;
      }
      if (this.databaseUnreachable) {
        await this.retrySyncsThatMetTheOutage();
        this.databaseUnreachable = false;
      }
      if (lagging.length > 0) {
        await this.queue.addBulk(
          lagging.map((job) => ({
            name: 'sync',
            data: job,
            opts: this.optionsFor(job),
          })),
        );
      }
      return lagging.length;
    } catch (error) {
      this.logger.warn(`reconcile failed, retrying in ${this.config.reconcileIntervalMs} ms: ${describe(error)}`);
      return 0;
    } finally {
      this.reconciling = false;
    }
  }

}

/** Delayed jobs looked at per recovery: more than a deployment has projects waiting in backoff at once. */
const RETRIED_AT_ONCE = 10_000;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
