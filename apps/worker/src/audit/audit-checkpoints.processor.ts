import { Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, Processor } from '@nestjs/bullmq';
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import { AuditCheckpoints, LogTampered, PostgresAuditReader } from '@app/event-store';
import { AUDIT_QUEUE, CHECKPOINT_SCHEDULER_ID } from './audit-queue.js';
import { DrainedWorkerHost } from '../processors/drained-worker-host.js';
import { KeptSchedules } from '../scheduling/kept-schedules.js';

/**
 * Publishes a checkpoint of the whole log's hash chain every AUDIT_CHECKPOINT_INTERVAL_MS, from a
 * BullMQ job scheduler: one schedule however many workers run (set at boot, so a changed interval takes
 * effect, and kept: set again should Redis lose it), and the writer's advisory lock keeps two runs from
 * publishing the same checkpoint.
 */
@Processor(AUDIT_QUEUE, { concurrency: 1 })
export class AuditCheckpointsProcessor extends DrainedWorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuditCheckpointsProcessor.name);
  private readonly checkpoints: AuditCheckpoints;
  private schedule: KeptSchedules | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PG_POOL) pool: pg.Pool,
    @InjectQueue(AUDIT_QUEUE) private readonly queue: Queue,
  ) {
    super();
    this.checkpoints = new AuditCheckpoints(pool, new PostgresAuditReader(pool));
  }

  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.audit.checkpointIntervalMs;
    this.schedule = new KeptSchedules(
      this.queue,
      [{ id: CHECKPOINT_SCHEDULER_ID, repeat: { every }, job: { name: 'checkpoint', opts: { removeOnComplete: 100, removeOnFail: 1_000 } } }],
      (line) => this.logger.warn(line),
    );
    await this.schedule.start(Math.min(Math.max(every, 1_000), 10_000));
  }

  override async beforeApplicationShutdown(): Promise<void> {
    this.schedule?.stop();
    await super.beforeApplicationShutdown();
  }

  async process(_job: Job): Promise<{ published: number | null }> {
    try {
      const checkpoint = await this.checkpoints.publish();
      if (checkpoint) this.logger.debug(`checkpoint ${checkpoint.id}: ${checkpoint.events} events, ${checkpoint.hash}`);
      return { published: checkpoint?.id ?? null };
    } catch (error) {
      if (error instanceof LogTampered) {
        // Not a passing failure: retrying cannot help, and every later run will refuse the same way.
        this.logger.error(error.message);
        throw new UnrecoverableError(error.message);
      }
      throw error;
    }
  }
}
