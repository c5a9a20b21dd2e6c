import { Inject, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { isUnavailable, poolTimeouts, survivesLostConnections } from '@app/database';
import { databaseUnavailable, PROJECTIONS_QUEUE, ProjectDetailSync, type ProjectionJob, type SyncResult } from '@app/read-models';
import { commitToVisible, eventsProjected, projectionJobsFailed } from '../metrics/worker-metrics.js';

/** Syncs at once; each holds a connection only for its two statements. */
const CONCURRENCY = 8;

/**
 * Short locks: a worker killed mid-job has its job taken over within seconds rather than half a minute
 * (BullMQ renews the lock every lockDuration / 2 while the job runs).
 */
@Processor(PROJECTIONS_QUEUE, { concurrency: CONCURRENCY, lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 100 })
export class ProjectionsProcessor extends WorkerHost implements OnApplicationShutdown {
  private readonly logger = new Logger(ProjectionsProcessor.name);
  private readonly projectDetail: ProjectDetailSync;
  /** The views' own connections: their commits need not wait for the disk (see ProjectDetailSync). */
  private readonly pool: pg.Pool;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
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
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }

  async process(job: Job<ProjectionJob>): Promise<SyncResult> {
    const result = await this.projectDetail.sync(job.data.streamId).catch((error: unknown) => {
      // Marked, so that the relay runs it again as soon as PostgreSQL answers instead of after its backoff.
      throw isUnavailable(error) ? databaseUnavailable(error) : error;
    });
    const applied = result.toVersion - result.fromVersion;
    if (applied > 0) {
      eventsProjected.inc({ read_model: 'project_detail' }, applied);
      if (result.lastRecordedAt) {
        commitToVisible.observe({ read_model: 'project_detail' }, Math.max(Date.now() - Date.parse(result.lastRecordedAt), 0) / 1000);
      }
      this.logger.log({
        msg: 'project views updated',
        job: job.id,
        projectId: result.streamId,
        fromVersion: result.fromVersion,
        toVersion: result.toVersion,
        correlationIds: result.correlationIds,
      });
    }
    return result;
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<ProjectionJob> | undefined, error: Error): void {
    const parked = job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1);
    projectionJobsFailed.inc({ outcome: parked ? 'parked' : 'retried' });
    const where = job ? `project ${job.data.streamId} (job ${job.id}, attempt ${job.attemptsMade})` : 'a projection job';
    this.logger[parked ? 'error' : 'warn'](`${parked ? 'Parked' : 'Will retry'} ${where}: ${error.message}`);
  }
}
