import { Inject, Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { EntityManager } from '@mikro-orm/postgresql';
import { PostgresEventStore } from '@app/event-store';
import { PROJECTIONS_QUEUE, ProjectDetailSync, type ProjectionJob, type SyncResult } from '@app/read-models';

/**
 * Short locks: a worker killed mid-job has its job taken over within seconds rather than half a minute
 * (BullMQ renews the lock every lockDuration / 2 while the job runs).
 */
@Processor(PROJECTIONS_QUEUE, { concurrency: 8, lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 100 })
export class ProjectionsProcessor extends WorkerHost {
  private readonly logger = new Logger(ProjectionsProcessor.name);
  private readonly projectDetail: ProjectDetailSync;

  constructor(@Inject(EntityManager) em: EntityManager, store: PostgresEventStore) {
    super();
    this.projectDetail = new ProjectDetailSync(em, store);
  }

  async process(job: Job<ProjectionJob>): Promise<SyncResult> {
    const result = await this.projectDetail.sync(job.data.streamId);
    if (result.toVersion > result.fromVersion) {
      this.logger.debug(`project ${result.streamId}: views ${result.fromVersion} -> ${result.toVersion}`);
    }
    return result;
  }
}
