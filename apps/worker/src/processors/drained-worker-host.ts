import type { BeforeApplicationShutdown } from '@nestjs/common';
import { WorkerHost } from '@nestjs/bullmq';

/**
 * A queue's processor that, when the worker stops, lets the jobs it is running finish and takes no more
 * before anything is closed. Nest closes the database pools and the BullMQ workers in shutdown hooks of
 * the same stage, in no set order: a job still running then failed on a closed pool, used up a retry and
 * was logged as a failure at every deploy. Closing the worker here, the stage before, drains it first.
 */
export abstract class DrainedWorkerHost extends WorkerHost implements BeforeApplicationShutdown {
  async beforeApplicationShutdown(): Promise<void> {
    // Not forced: BullMQ's close waits for the active jobs. Closing it again later is a no-op.
    await this.worker?.close();
  }
}
