import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AppendListener, appendsChannel } from '@app/event-store';
import { NOTIFIER_JOB_OPTIONS, NOTIFIER_JOBS, NOTIFIER_QUEUE, SCHEDULERS } from './notification-queues.js';

/**
 * Wakes the notifier: at once when an append is announced (the event store's Redis channel), and on
 * BullMQ job schedulers for the periodic poll, the overdue scan and the digest, which run with no
 * request from anyone. Schedulers are upserted under fixed ids, so several workers share one schedule,
 * and set again should Redis lose them.
 */
@Injectable()
export class NotifierWaker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NotifierWaker.name);
  private listener: AppendListener | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(NOTIFIER_QUEUE) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.upsertSchedulers();
    this.listener = new AppendListener(
      this.config.redisUrl,
      appendsChannel(this.config.queuePrefix),
      (notice) => this.wake(`${notice.streamId}-v${notice.version}`),
      (message) => this.logger.warn(message),
      () => this.wake(`reconnected-${Date.now()}`),
    );
    await this.listener.start();
    // Redis keeps nothing on disk: should it lose the schedulers, they come back within this interval.
    this.timer = setInterval(() => void this.restoreSchedulers(), Math.max(5 * this.config.notifications.pollIntervalMs, 1_000));
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.listener?.stop();
  }

  /** Sets the schedules from the settings (a changed setting replaces the old schedule). */
  private async upsertSchedulers(): Promise<void> {
    const settings = this.config.notifications;
    const template = (name: string) => ({ name, opts: NOTIFIER_JOB_OPTIONS });
    await this.queue.upsertJobScheduler(SCHEDULERS.poll, { every: settings.pollIntervalMs }, template(NOTIFIER_JOBS.poll));
    await this.queue.upsertJobScheduler(SCHEDULERS.overdue, { every: settings.overdueScanIntervalMs }, template(NOTIFIER_JOBS.scanOverdue));
    await this.queue.upsertJobScheduler(SCHEDULERS.digest, { pattern: settings.digestSchedule, tz: 'UTC' }, template(NOTIFIER_JOBS.digest));
  }

  private async restoreSchedulers(): Promise<void> {
    try {
      const present = await Promise.all(Object.values(SCHEDULERS).map((id) => this.queue.getJobScheduler(id)));
      if (present.some((scheduler) => scheduler === undefined)) {
        this.logger.warn('job schedulers missing from Redis (restarted or flushed?); setting them again');
        await this.upsertSchedulers();
      }
    } catch (error) {
      this.logger.warn(`cannot check the job schedulers: ${describe(error)}`);
    }
  }

  private wake(reason: string): void {
    this.queue
      .add(NOTIFIER_JOBS.follow, {}, { ...NOTIFIER_JOB_OPTIONS, jobId: `follow-${reason}` })
      .catch((error: unknown) => this.logger.warn(`enqueue failed (the poll will catch up): ${describe(error)}`));
  }

}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
