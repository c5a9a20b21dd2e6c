import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { VersionListener, appendsChannel } from '@app/event-store';
import { KeptSchedules } from '../scheduling/kept-schedules.js';
import { nextWindowMs, type WindowBounds } from '../scheduling/load-window.js';
import { NOTIFIER_JOB_OPTIONS, NOTIFIER_JOBS, NOTIFIER_QUEUE, SCHEDULERS } from './notification-queues.js';

/**
 * Appends announced within one window share one follow job, which starts when the window ends: it then
 * reads every event announced in it (an announcement comes after its commit). Under load that is one job
 * per window instead of one per append, each following many events in one batch, rather than thousands
 * of jobs queued behind the notifier (one job at a time) that mostly find nothing new. The window is 20
 * ms, and grows with the rate of announcements up to 100 ms (see nextWindowMs): the busier the feed, the
 * more events a follow and its seven statements serve.
 */
export const FOLLOW_WINDOW: WindowBounds = { minMs: 20, maxMs: 100 };

/**
 * Wakes the notifier: at once when an append is announced (the event store's Redis channel), and on
 * BullMQ job schedulers for the periodic poll, the overdue scan and the digest, which run with no
 * request from anyone (kept: set again should Redis lose them).
 */
@Injectable()
export class NotifierWaker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NotifierWaker.name);
  private listener: VersionListener | undefined;
  private schedules: KeptSchedules | undefined;
  /** The start and end of the last window this process asked a follow job for, and its length. */
  private lastWindowStart = Number.NEGATIVE_INFINITY;
  private lastWindowEnd = 0;
  private windowMs = FOLLOW_WINDOW.minMs;
  /** Appends announced since the last window started. */
  private announced = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(NOTIFIER_QUEUE) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const settings = this.config.notifications;
    const job = (name: string) => ({ name, opts: NOTIFIER_JOB_OPTIONS });
    this.schedules = new KeptSchedules(
      this.queue,
      [
        { id: SCHEDULERS.poll, repeat: { every: settings.pollIntervalMs }, job: job(NOTIFIER_JOBS.poll) },
        { id: SCHEDULERS.overdue, repeat: { every: settings.overdueScanIntervalMs }, job: job(NOTIFIER_JOBS.scanOverdue) },
        { id: SCHEDULERS.digest, repeat: { pattern: settings.digestSchedule, tz: 'UTC' }, job: job(NOTIFIER_JOBS.digest) },
      ],
      (line) => this.logger.warn(line),
    );
    await this.schedules.start(Math.max(5 * settings.pollIntervalMs, 1_000));
    this.listener = new VersionListener({
      redisUrl: this.config.redisUrl,
      channel: appendsChannel(this.config.queuePrefix),
      subject: 'appends',
      onNotice: () => this.wake(),
      warn: (message) => this.logger.warn(message),
      onReconnect: () => this.wake(),
    });
    this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.schedules?.stop();
    await this.listener?.stop();
  }

  /** The length of the current follow window, in milliseconds. */
  get currentWindowMs(): number {
    return this.windowMs;
  }

  /**
   * One follow job per window, whoever asks (its id names the window, so workers on one clock and under
   * one load share it); should one be lost or skipped (clocks apart), the periodic poll still follows the
   * feed. Follow jobs share a deduplication id besides: while one waits, later windows join it (it has
   * not read the feed yet), and while one runs, one more is kept to run after it. A notifier slower than
   * the windows (a burst of appends) so has one job waiting, not one per window it fell behind, each a
   * transaction that finds the feed already followed and holds the overdue scan and the digest back
   * behind it.
   */
  private wake(): void {
    const now = Date.now();
    this.announced += 1;
    if (now < this.lastWindowEnd) return;
    // A window starts: as long as the rate of the appends announced since the last one started says, or
    // the shortest after a quiet spell of a window's length (the first append after it is not kept waiting).
    const quiet = now - this.lastWindowEnd >= this.windowMs;
    this.windowMs = quiet ? FOLLOW_WINDOW.minMs : nextWindowMs(this.announced - 1, now - this.lastWindowStart, FOLLOW_WINDOW);
    this.announced = 1;
    this.lastWindowStart = now;
    const windowEnd = (Math.floor(now / this.windowMs) + 1) * this.windowMs;
    this.lastWindowEnd = windowEnd;
    this.queue
      .add(NOTIFIER_JOBS.follow, {}, {
        ...NOTIFIER_JOB_OPTIONS,
        jobId: `follow-${windowEnd}`,
        delay: windowEnd - now,
        deduplication: { id: NOTIFIER_JOBS.follow, keepLastIfActive: true },
      })
      .catch((error: unknown) => this.logger.warn(`enqueue failed (the poll will catch up): ${describe(error)}`));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
