import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { isUnavailable, PG_POOL } from '@app/database';
import { VersionListener, appendsChannel } from '@app/event-store';
import {
  failedForUnavailableDatabase,
  findLaggingProjects,
  type LaggingProject,
  PROJECTIONS_QUEUE,
  type ProjectionBatchJob,
  type ProjectionJob,
  SYNC_BATCH_JOB,
  SYNC_JOB,
} from '@app/read-models';
import { enqueueLag } from '../metrics/worker-metrics.js';
import { SYNC_BATCH_JOB_OPTIONS, syncJobOptions } from './projection-offers.js';
import { CoalescedRun } from './coalesced-run.js';
import { RelayLease } from './relay-lease.js';
import { SyncWindow } from './sync-window.js';
import { VersionsInFlight } from './versions-in-flight.js';

/**
 * How often the relay lease is renewed; it expires after three renewals missed. At most a second, however
 * long the reconcile interval: while a dead holder's lease runs out no relay turns announcements into
 * batches, and views wait for the next reconcile.
 */
function leaseRenewalMs(config: Pick<AppConfig, 'reconcileIntervalMs'>): number {
  return Math.min(config.reconcileIntervalMs, 1_000);
}

/**
 * Carries events from PostgreSQL to the projections queue with no dual-write gap. The event store is
 * the outbox: an append is announced after commit (Redis pub/sub) for low latency, and a reconcile loop
 * compares every stream's version with its view's, so a crash after commit, a lost announcement or
 * Redis losing its queues only delays a view by one interval.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly listener: VersionListener;
  private timer: NodeJS.Timeout | undefined;
  /** Reconciles one at a time; one asked for during another runs once more after it (see CoalescedRun). */
  private readonly reconciles = new CoalescedRun(() => this.reconcileOnce());
  /** Shutting down: a reconcile still asked for then would only fail on a closing pool. */
  private stopping = false;
  /** Announced projects gathered into one batch job per window (see SyncWindow). */
  private readonly window: SyncWindow;
  /** What the batch jobs enqueued lately carry, which a reconcile need not offer again. */
  private readonly inFlight: VersionsInFlight;
  /** Held by the one relay (of several workers) whose window sends batch jobs. */
  private readonly lease: RelayLease;
  private readonly leaseRedis: Redis;
  private leaseTimer: NodeJS.Timeout | undefined;
  /** A reconcile found PostgreSQL unreachable, and none has reached it since. */
  private databaseUnreachable = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @InjectQueue(PROJECTIONS_QUEUE) private readonly queue: Queue<ProjectionJob | ProjectionBatchJob>,
  ) {
    // Its own connection: commands fail at once while Redis is away (no queue of them growing meanwhile).
    this.leaseRedis = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
    this.leaseRedis.on('error', () => undefined);
    this.lease = new RelayLease(this.leaseRedis, `${config.queuePrefix}:projections-relay-lease`, 3 * leaseRenewalMs(config));
    this.inFlight = new VersionsInFlight(config.reconcileIntervalMs);
    this.window = new SyncWindow({ minMs: config.projectionBatchWindowMs, maxMs: config.projectionBatchWindowMaxMs }, (projects, notices) => {
      this.queue
        .add(SYNC_BATCH_JOB, { projects }, SYNC_BATCH_JOB_OPTIONS)
        .then(() => {
          this.inFlight.carry(projects);
          const now = Date.now();
          for (const notice of notices) if (notice.recordedAt) enqueueLag.observe(Math.max(now - notice.recordedAt, 0) / 1000);
        })
        .catch((error: unknown) => this.logger.warn(`enqueue failed (reconcile will retry): ${describe(error)}`));
    });
    this.listener = new VersionListener({
      redisUrl: config.redisUrl,
      channel: appendsChannel(config.queuePrefix),
      subject: 'appends',
      onNotice: (notice) => {
        if (this.lease.held) this.window.offer(notice);
      },
      warn: (message) => this.logger.warn(message),
      onReconnect: () => void this.reconcile(),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // Connected before the first renewal, which would otherwise fail and leave the lease to the next one.
    await this.leaseRedis.connect().catch(() => undefined);
    await this.lease.renew();
    this.leaseTimer = setInterval(() => void this.renewLease(), leaseRenewalMs(this.config));
    this.listener.start();
    await this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), this.config.reconcileIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    clearInterval(this.leaseTimer);
    await this.listener.stop();
    this.window.flush();
    await this.lease.release();
    await this.leaseRedis.quit().catch(() => this.leaseRedis.disconnect());
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
    const metTheOutage = (job: Job) => job.attemptsMade > 0 && failedForUnavailableDatabase(job.failedReason);
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

  /**
   * Renews the lease; on taking it over (from a holder that died or stopped), reconciles at once: the
   * announcements made while nobody held it were ignored by every relay, and their projects would
   * otherwise wait for the next reconcile.
   */
  private async renewLease(): Promise<void> {
    const heldBefore = this.lease.held;
    if ((await this.lease.renew()) && !heldBefore) await this.reconcile();
  }

  /**
   * Offers each lagging project a sync job of its own (the careful path: its own retries, its own dead
   * letter), unless its lag is only what this relay's window holds or a batch it enqueued within the
   * last interval carries (VersionsInFlight). Resolves once a reconcile that started after the call has
   * ended: one asked for while another runs (a timer's tick, a lease taken over, the appends channel back
   * after a drop) runs after it, since the one running may have read before what it is asked for happened.
   */
  reconcile(): Promise<void> {
    return this.reconciles.request();
  }

  private async reconcileOnce(): Promise<void> {
    if (this.stopping) return;
    try {
      let lagging: LaggingProject[];
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
      // Held in the window, or behind only by what a recent batch carries: the pipeline is on it already. A
      // project waiting in the window is covered whatever its version: its batch leaves after the streams
      // were read here, and reads the project's stream up to its head then, past any version seen here.
      this.inFlight.prune();
      lagging = lagging.filter((job) => !(this.window.holds(job.streamId) || this.inFlight.covers(job)));
      if (lagging.length > 0) {
        await this.queue.addBulk(
          lagging.map(({ streamId, version, viewVersion }) => ({
            name: SYNC_JOB,
            data: { streamId, version },
            opts: syncJobOptions(this.config, { streamId, version }, viewVersion),
          })),
        );
      }
    } catch (error) {
      this.logger.warn(`reconcile failed, retrying in ${this.config.reconcileIntervalMs} ms: ${describe(error)}`);
    }
  }

}

/** Delayed jobs looked at per recovery: more than a deployment has projects waiting in backoff at once. */
const RETRIED_AT_ONCE = 10_000;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
