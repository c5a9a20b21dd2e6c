import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PROJECTIONS_QUEUE } from '@app/read-models';

/** Set on shutdown: the queue's client stops reconnecting, so the process can exit even if Redis is gone. */
const closing = new WeakMap<Queue, { closing: boolean }>();

/**
 * The API's handle on the projection queue: it only looks (dead letters, the queue board, metrics);
 * commands never wait on Redis. It reconnects after a Redis outage, until the API shuts down.
 */
export const projectionQueueProvider = {
  provide: getQueueToken(PROJECTIONS_QUEUE),
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => {
    const state = { closing: false };
    const queue = new Queue(PROJECTIONS_QUEUE, {
      prefix: config.queuePrefix,
      connection: {
        url: config.redisUrl,
        maxRetriesPerRequest: 1,
        retryStrategy: (attempt: number) => (state.closing ? null : Math.min(attempt * 200, 2_000)),
      },
    });
    queue.on('error', () => undefined);
    closing.set(queue, state);
    return queue;
  },
};

@Injectable()
export class ProjectionQueueCloser implements OnApplicationShutdown {
  constructor(@Inject(getQueueToken(PROJECTIONS_QUEUE)) private readonly queue: Queue) {}

  async onApplicationShutdown(): Promise<void> {
    const state = closing.get(this.queue);
    if (state) state.closing = true;
    await this.queue.disconnect().catch(() => undefined);
  }
}
