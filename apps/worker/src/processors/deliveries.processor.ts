import { Logger } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { DelayedError, type Job } from 'bullmq';
import { DeliveryRunner, type DeliveryResult } from '@app/notifications';
import { DeliveryDispatcher } from '../notifications/delivery-dispatcher.service.js';
import { deliveryAttempts, deliveryLatency } from '../metrics/worker-metrics.js';
import type { DeliveryJob } from '../notifications/notification-queues.js';
import { DELIVERIES_QUEUE } from '../notifications/notification-queues.js';
import { DrainedWorkerHost } from './drained-worker-host.js';

/**
 * Sends one (notification, subscription) pair, and those after it to the same subscription once it is
 * settled: each subscription's deliveries go out one at a time, in order (DeliveryRunner). A failed
 * attempt is an outcome, not an error: the runner records it and names the next attempt's time, and the
 * job waits for it in the delayed set, holding no worker slot, while the deliveries behind it wait too.
 * The schedule lives in PostgreSQL, so it survives Redis losing its queues.
 */
@Processor(DELIVERIES_QUEUE, { concurrency: 32 })
export class DeliveriesProcessor extends DrainedWorkerHost {
  private readonly logger = new Logger(DeliveriesProcessor.name);

  constructor(
    private readonly runner: DeliveryRunner,
    private readonly dispatcher: DeliveryDispatcher,
  ) {
    super();
  }

  async process(job: Job<DeliveryJob>, token?: string): Promise<DeliveryResult> {
    const { result, attempts, handOff } = await this.runner.run(job.data.deliveryId);
    for (const attempt of attempts) {
      deliveryAttempts.inc({ channel: attempt.channel, outcome: attempt.kind });
      deliveryLatency.observe({ channel: attempt.channel }, attempt.latencyMs / 1000);
      if (attempt.kind === 'retry') {
        this.logger.debug(`delivery ${attempt.deliveryId}: attempt ${attempt.attempt} failed (${attempt.error}); next at ${attempt.at.toISOString()}`);
      } else if (attempt.kind === 'failed') {
        this.logger.warn(`delivery ${attempt.deliveryId} failed for good after attempt ${attempt.attempt}: ${attempt.error}`);
      }
    }
    if (handOff) await this.dispatcher.handOver(handOff);
    switch (result.kind) {
      case 'retry':
        await job.moveToDelayed(result.at.getTime(), token);
        throw new DelayedError();
      case 'wait':
        await job.moveToDelayed(result.until.getTime(), token);
        throw new DelayedError();
      case 'delivered':
      case 'failed':
      case 'settled':
      case 'queued':
        return result;
    }
  }
}
