import { Inject, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue, OnWorkerEvent, Processor } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { isUnavailable, poolTimeouts, survivesLostConnections } from '@app/database';
import { VersionAnnouncer } from '@app/event-store';
import {
  databaseUnavailable,
  PROJECTIONS_QUEUE,
  type ProjectionBatchJob,
  ProjectDetailSync,
  type ProjectionJob,
  SYNC_BATCH_JOB,
  SYNC_JOB,
  projectionJobId,
  type SyncResult,
  viewUpdatesChannel,
  viewVersions,
} from '@app/read-models';
import { commitToVisible, eventsProjected, projectionJobsFailed } from '../metrics/worker-metrics.js';
import { syncJobOptions } from '../relay/projection-offers.js';
import { BatchSync } from './batch-sync.js';
import { DrainedWorkerHost } from './drained-worker-host.js';

/** Jobs at once; each holds a connection only for its two statements. */
const CONCURRENCY = 8;

/** What a batch job did: the projects it synced, and those it handed on to jobs of their own. */
export interface BatchResult {
  synced: number;
  handedOn: string[];
}

/**
 * Short locks: a worker killed mid-job has its job taken over within seconds rather than half a minute
 * (BullMQ renews the lock every lockDuration / 2 while the job runs).
 */
@Processor(PROJECTIONS_QUEUE, { concurrency: CONCURRENCY, lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 100 })
export class ProjectionsProcessor extends DrainedWorkerHost implements OnApplicationShutdown {
  private readonly logger = new Logger(ProjectionsProcessor.name);
  private readonly projectDetail: ProjectDetailSync;
  private readonly batches: BatchSync;
  /** The views' own connections: their commits need not wait for the disk (see ProjectDetailSync). */
  private readonly pool: pg.Pool;
  /** Tells the API's reads waiting for their own write that a project's views moved on. */
  private readonly announcer: VersionAnnouncer;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(PROJECTIONS_QUEUE) private readonly queue: Queue<ProjectionJob | ProjectionBatchJob>,
  ) {
    super();
    // A client losing its connection (a database restart), idle or checked out, must not crash the process.
    this.pool = survivesLostConnections(
      new pg.Pool({
        connectionString: config.databaseUrl,
        max: CONCURRENCY,
        idleTimeoutMillis: 30_000,
        options: '-c synchronous_commit=off',
        ...poolTimeouts(config),
      }),
    );
    this.projectDetail = new ProjectDetailSync(this.pool);
    this.batches = new BatchSync(this.projectDetail);
    this.announcer = new VersionAnnouncer(config.redisUrl, viewUpdatesChannel(config.queuePrefix));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.pool.end(), this.announcer.close()]);
  }

  async process(job: Job<ProjectionJob | ProjectionBatchJob>): Promise<SyncResult | BatchResult> {
    if (job.name === SYNC_BATCH_JOB) return this.processBatch(job as Job<ProjectionBatchJob>);
    const project = job.data as ProjectionJob;
    const { synced, failed } = await this.projectDetail.syncMany([project.streamId]).catch((error: unknown) => {
      // Marked, so that the relay runs it again as soon as PostgreSQL answers instead of after its backoff.
      throw isUnavailable(error) ? databaseUnavailable(error) : error;
    });
    const failure = failed[0];
    if (!failure) {
      this.synced(synced[0]!, job.id);
      return synced[0]!;
    }
    // The view moved before the events that do not fold (a sync applies at most a thousand events a
    // step, and commits each): this job's id names a version the view no longer lacks, and the
    // reconcile's next offer, named by the view's new version, would park a second letter beside it.
    // So the job ends here, having done what it could, and hands the project on to a job of that name,
    // which retries and parks as one letter.
    if (job.id !== projectionJobId(project.streamId, failure.viewVersion)) {
      this.logger.warn(`Sync of project ${project.streamId} stopped at version ${failure.viewVersion} (handed on to a job of its own): ${failure.error.message}`);
      await this.queue.add(SYNC_JOB, project, syncJobOptions(this.config, project, failure.viewVersion));
      return { synced: 0, handedOn: [project.streamId] };
    }
    throw failure.error;
  }

  /**
   * The projects announced together, synced in one go. A project that cannot be synced (its events do
   * not fold; the batch's statements fail for all of them) is handed on to a job of its own, named by
   * the version its view is at, which retries it with backoff and parks it as a dead letter when its
   * tries run out, as if the relay had offered it alone. Only if that hand-over fails too (the views'
   * versions cannot be read, Redis is gone) does the batch fail; the reconcile loop then finds those
   * projects behind.
   */
  private async processBatch(job: Job<ProjectionBatchJob>): Promise<BatchResult> {
    const { projects } = job.data;
    let handedOn: { project: ProjectionJob; viewVersion: number }[];
    let synced = 0;
    try {
      const outcome = await this.batches.sync(projects.map(({ streamId }) => streamId));
      for (const result of outcome.synced) this.synced(result, job.id);
      synced = outcome.synced.length;
      const failed = new Map(outcome.failed.map(({ streamId, viewVersion }) => [streamId, viewVersion]));
      handedOn = projects.filter(({ streamId }) => failed.has(streamId.toLowerCase())).map((project) => ({ project, viewVersion: failed.get(project.streamId.toLowerCase())! }));
      for (const { streamId, error } of outcome.failed) this.logger.warn(`Sync of project ${streamId} failed in a batch (handed on to a job of its own): ${error.message}`);
    } catch (error) {
      // Read to name their jobs; when this fails too (PostgreSQL unreachable), so does the batch.
      const versions = await viewVersions(this.pool, projects.map(({ streamId }) => streamId));
      handedOn = projects.map((project) => ({ project, viewVersion: versions.get(project.streamId.toLowerCase()) ?? 0 }));
      this.logger.warn(`A batch of ${projects.length} project syncs failed (handed on to jobs of their own): ${error instanceof Error ? error.message : String(error)}`);
    }
    if (handedOn.length > 0) {
      await this.queue.addBulk(
        handedOn.map(({ project, viewVersion }) => ({ name: SYNC_JOB, data: project, opts: syncJobOptions(this.config, project, viewVersion) })),
      );
    }
    return { synced, handedOn: handedOn.map(({ project }) => project.streamId) };
  }

  private synced(result: SyncResult, jobId: string | undefined): void {
    const applied = result.toVersion - result.fromVersion;
    if (applied <= 0) return;
    this.announcer.announce({ streamId: result.streamId, version: result.toVersion });
    eventsProjected.inc({ read_model: 'project_detail' }, applied);
    if (result.lastRecordedAt) {
      commitToVisible.observe({ read_model: 'project_detail' }, Math.max(Date.now() - Date.parse(result.lastRecordedAt), 0) / 1000);
    }
    this.logger.log({
      msg: 'project views updated',
      job: jobId,
      projectId: result.streamId,
      fromVersion: result.fromVersion,
      toVersion: result.toVersion,
      correlationIds: result.correlationIds,
    });
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<ProjectionJob | ProjectionBatchJob> | undefined, error: Error): void {
    if (job?.name === SYNC_BATCH_JOB) {
      this.logger.error(`A batch of project syncs (job ${job.id}) failed and could not hand its projects on (the reconcile loop will find them): ${error.message}`);
      return;
    }
    const streamId = (job?.data as Partial<ProjectionJob> | undefined)?.streamId;
    if (job && streamId === undefined) {
      // Its keys were removed from Redis while it ran (Redis lost its data): nothing was parked, and the
      // reconcile loop finds whatever project it was about again from PostgreSQL.
      this.logger.warn(`A projection job (job ${job.id}) lost its data while it ran (Redis lost its keys); the reconcile loop finds its project again: ${error.message}`);
      return;
    }
    const parked = job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1);
    projectionJobsFailed.inc({ outcome: parked ? 'parked' : 'retried' });
    const where = job ? `project ${streamId} (job ${job.id}, attempt ${job.attemptsMade})` : 'a projection job';
    this.logger[parked ? 'error' : 'warn'](`${parked ? 'Parked' : 'Will retry'} ${where}: ${error.message}`);
  }
}
