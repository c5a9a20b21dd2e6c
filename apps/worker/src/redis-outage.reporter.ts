import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { PROJECTIONS_QUEUE } from '@app/read-models';
import { AuditCheckpointsProcessor } from './audit/audit-checkpoints.processor.js';
import { AUDIT_QUEUE } from './audit/audit-queue.js';
import { DELIVERIES_QUEUE, NOTIFIER_QUEUE } from './notifications/notification-queues.js';
import { DeliveriesProcessor } from './processors/deliveries.processor.js';
import { NotifierProcessor } from './processors/notifier.processor.js';
import { ProjectionsProcessor } from './processors/projections.processor.js';

/** While Redis stays out of reach, one line this often says how many of its errors were left unsaid. */
const REPORT_EVERY_MS = 30_000;

/**
 * The worker's queues and BullMQ workers reconnect to Redis by themselves; each failed try is an `error`
 * event, which BullMQ prints with its stack when nothing listens (eight a second, from every queue and
 * worker, for as long as Redis is down). This listens to them all and says it once, then once every
 * half minute with a count, and once more when Redis answers again.
 */
@Injectable()
export class RedisOutageReporter implements OnModuleInit {
  private unsaid = 0;
  private lastReport = 0;
  private down = false;

  // Pino's own logger, not Nest's: Nest's holds its lines until start-up ends, and while Redis is out of
  // reach start-up does not end.
  constructor(
    private readonly modules: ModuleRef,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Redis');
  }

  // Before the bootstrap hooks, which wait for Redis (schedules, the relay's lease): its errors start there.
  onModuleInit(): void {
    const queues = [PROJECTIONS_QUEUE, NOTIFIER_QUEUE, DELIVERIES_QUEUE, AUDIT_QUEUE].map((name) =>
      this.modules.get<Queue>(getQueueToken(name), { strict: false }),
    );
    const workers = [ProjectionsProcessor, NotifierProcessor, DeliveriesProcessor, AuditCheckpointsProcessor].map(
      (processor) => this.modules.get(processor, { strict: false }).worker,
    );
    for (const queue of queues) queue.on('error', (error: Error) => this.failed(queue.name, error));
    for (const worker of workers) worker.on('error', (error: Error) => this.failed(worker.name, error));
    for (const worker of workers) worker.on('ready', () => this.answered());
  }

  private failed(queue: string, error: Error): void {
    const now = Date.now();
    if (this.down && now - this.lastReport < REPORT_EVERY_MS) {
      this.unsaid++;
      return;
    }
    const more = this.unsaid > 0 ? ` (${this.unsaid} more errors since the last line)` : '';
    this.logger.warn(`queue ${queue}: ${error.message}${more}; retrying`);
    this.down = true;
    this.unsaid = 0;
    this.lastReport = now;
  }

  private answered(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.info(`Redis answers again${this.unsaid > 0 ? ` (${this.unsaid} more errors while it did not)` : ''}`);
    this.unsaid = 0;
  }
}
