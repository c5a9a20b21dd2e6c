import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { OutageLog } from '@app/database';
import { PROJECTIONS_QUEUE } from '@app/read-models';
import { AuditCheckpointsProcessor } from './audit/audit-checkpoints.processor.js';
import { AUDIT_QUEUE } from './audit/audit-queue.js';
import { DELIVERIES_QUEUE, NOTIFIER_QUEUE } from './notifications/notification-queues.js';
import { DeliveriesProcessor } from './processors/deliveries.processor.js';
import { NotifierProcessor } from './processors/notifier.processor.js';
import { ProjectionsProcessor } from './processors/projections.processor.js';

/**
 * The worker's queues and BullMQ workers reconnect to Redis by themselves; each failed try is an `error`
 * event, which BullMQ prints with its stack when nothing listens (eight a second, from every queue and
 * worker, for as long as Redis is down). This listens to them all and says it once, then once every
 * half minute with a count, and once more when Redis answers again.
 */
@Injectable()
export class RedisOutageReporter implements OnModuleInit {
  private readonly outage: OutageLog;

  // Pino's own logger, not Nest's: Nest's holds its lines until start-up ends, and while Redis is out of
  // reach start-up does not end.
  constructor(
    private readonly modules: ModuleRef,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Redis');
    this.outage = new OutageLog({ warn: (line) => this.logger.warn(line), info: (line) => this.logger.info(line) });
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
    this.outage.failed(`queue ${queue}: ${error.message}; retrying`);
  }

  private answered(): void {
    this.outage.answered('Redis answers again');
  }
}
