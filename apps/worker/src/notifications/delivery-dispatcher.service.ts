import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { DeliveryRef } from '@app/notifications';
import { DELIVERIES_QUEUE, DELIVERY_JOB_OPTIONS, type DeliveryJob, deliveryJobId, turnJobId } from './notification-queues.js';

/** Offers deliveries to the deliveries queue; offering one already queued does nothing. */
@Injectable()
export class DeliveryDispatcher {
  constructor(@InjectQueue(DELIVERIES_QUEUE) private readonly queue: Queue<DeliveryJob>) {}

  async dispatch(deliveries: readonly DeliveryRef[]): Promise<void> {
    for (let start = 0; start < deliveries.length; start += 500) {
      await this.queue.addBulk(
        deliveries.slice(start, start + 500).map((delivery) => ({
          name: 'deliver',
          data: delivery,
          opts: { ...DELIVERY_JOB_OPTIONS, jobId: deliveryJobId(delivery) },
        })),
      );
    }
  }

  /**
   * A job that carries a subscription's line on from `delivery`, whose turn has come, after a run took
   * its share of that line. It joins the back of the queue, so other subscriptions' jobs go first. Its
   * id is not the delivery's own: that job may be finishing right now, and would swallow this one.
   */
  async handOver(delivery: DeliveryRef): Promise<void> {
    await this.queue.add('deliver', delivery, { ...DELIVERY_JOB_OPTIONS, jobId: turnJobId(delivery) });
  }
}
