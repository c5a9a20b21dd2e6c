import { Logger } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { DelayedError, type Job } from 'bullmq';
import { DeliveryRunner, type DeliveryResult } from '@app/notifications';
import { deliveryAttempts, deliveryLatency } from '../metrics/worker-metrics.js';
import type { DeliveryJob } from '../notifications/notification-queues.js';
import { DELIVERIES_QUEUE } from '../notifications/notification-queues.js';
import { DrainedWorkerHost } from './drained-worker-host.js';

/**
 * Sends one (notification, subscription) pair. A failed attempt is an outcome, not an error: the runner
 * records it and names the next attempt's time, and the job waits for it in the delayed set under the
 * same id. The schedule lives in PostgreSQL, so it survives Redis losing its queues.
 */
@Processor(DELIVERIES_QUEUE, { concurrency: 32 })
export class DeliveriesProcessor extends DrainedWorkerHost {
  private readonly logger = new Logger(DeliveriesProcessor.name);

  constructor(private readonly runner: DeliveryRunner) {
    super();
  }

  async process(job: Job<DeliveryJob>, token?: string): Promise<DeliveryResult> {
    const result = await this.runner.run(job.data.deliveryId);
    if (result.kind === 'delivered' || result.kind === 'retry' || result.kind === 'failed') {
      deliveryAttempts.inc({ channel: result.channel, outcome: result.kind });
      deliveryLatency.observe({ channel: result.channel }, result.latencyMs / 1000);
    }
    switch (result.kind) {
      case 'retry':
        this.logger.debug(`delivery ${job.data.deliveryId}: attempt ${result.attempt} failed (${result.error}); next at ${result.at.toISOString()}`);
        await job.moveToDelayed(result.at.getTime(), token);
        throw new DelayedError();
      case 'wait':
        await job.moveToDelayed(result.until.getTime(), token);
        throw new DelayedError();
      case 'failed':
        this.logger.warn(`delivery ${job.data.deliveryId} failed for good after attempt ${result.attempt}: ${result.error}`);
        return result;
      case 'delivered':
      case 'settled':
        return result;
    }
  }
}
