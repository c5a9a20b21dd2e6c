import { type BeforeApplicationShutdown, Logger } from '@nestjs/common';
import { WorkerHost } from '@nestjs/bullmq';

/** How long a stopping worker waits for its running jobs before it closes anyway. */
const DRAIN_LIMIT_MS = 10_000;

/**
 * A queue's processor that, when the worker stops, lets the jobs it is running finish and takes no more
 * before anything is closed. Nest closes the database pools and the BullMQ workers in shutdown hooks of
 * the same stage, in no set order: a job still running then failed on a closed pool, used up a retry and
 * was logged as a failure at every deploy. Closing the worker here, the stage before, drains it first.
 *
 * BullMQ's close waits on Redis: with Redis gone it never returns, and the process never ended on
 * SIGTERM. After DRAIN_LIMIT_MS it is forced; a job cut short is taken over by another worker once its
 * lock expires, as after a crash.
 */
export abstract class DrainedWorkerHost extends WorkerHost implements BeforeApplicationShutdown {
  async beforeApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<'limit'>((resolve) => {
      timer = setTimeout(() => resolve('limit'), DRAIN_LIMIT_MS);
    });
    const drained = await Promise.race([worker.close().then(() => 'closed' as const), limit]);
    clearTimeout(timer);
    if (drained === 'limit') {
      new Logger(this.constructor.name).warn(`queue ${worker.name}: running jobs did not finish within ${DRAIN_LIMIT_MS} ms; closing anyway`);
      await worker.close(true).catch(() => undefined);
    }
  }
}
