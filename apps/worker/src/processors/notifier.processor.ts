import { Inject, Logger } from '@nestjs/common';
import { OnWorkerEvent, Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import { DigestRun, findStrandedDeliveries, Notifier, type NotifierBatch, OverdueScan } from '@app/notifications';
import { DeliveryDispatcher } from '../notifications/delivery-dispatcher.service.js';
import { NOTIFIER_JOBS, NOTIFIER_QUEUE } from '../notifications/notification-queues.js';
import { DrainedWorkerHost } from './drained-worker-host.js';

/** A pending delivery overdue by this many poll intervals (10 s by default), and held by no run, has lost its job. */
const STRANDED_AFTER_POLLS = 5;

/**
 * The notifier's jobs. Each first brings the notifier up to the feed, so the overdue scan and the digest
 * judge the latest state. The overdue scan runs on its schedule (a date passing records nothing) and
 * after new events that leave a project with a milestone past its due date (one planned or moved to a
 * date already past, or its project followed to the head of its stream). Deliveries are offered
 * to their queue after each commit; a crash in between leaves them pending in PostgreSQL, where the
 * poll finds them.
 */
@Processor(NOTIFIER_QUEUE, { concurrency: 1 })
export class NotifierProcessor extends DrainedWorkerHost {
  private readonly logger = new Logger(NotifierProcessor.name);
  /** The last stranded deliveries reported, so that a crash's leftovers are not reported at every poll. */
  private strandedReported = { count: 0, at: 0 };

  constructor(
    private readonly notifier: Notifier,
    private readonly overdue: OverdueScan,
    private readonly digest: DigestRun,
    private readonly dispatcher: DeliveryDispatcher,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async process(job: Job): Promise<{ events: number; notifications: number }> {
    const followed = await this.notifier.catchUp((batch: NotifierBatch) => this.dispatcher.dispatch(batch.deliveries));
    let notifications = followed.notifications.length;
    // New events may have planned or moved a milestone to a date already past, or brought its project to
    // the head of its stream: judge it now, not at the next tick. Events that leave no followed project
    // with a milestone past due give the scan nothing to find.
    if (followed.milestonesPastDue || job.name === NOTIFIER_JOBS.scanOverdue) {
      const found = await this.overdue.run();
      await this.dispatcher.dispatch(found.deliveries);
      notifications += found.notifications.length;
    }
    switch (job.name) {
      case NOTIFIER_JOBS.follow:
      case NOTIFIER_JOBS.scanOverdue:
        break;
      case NOTIFIER_JOBS.poll: {
        const graceMs = Math.max(STRANDED_AFTER_POLLS * this.config.notifications.pollIntervalMs, 1_000);
        const stranded = await findStrandedDeliveries(this.pool, graceMs);
        if (stranded.length > 0) {
          // After a crash the same deliveries come back at every poll until the dead worker's jobs are
          // released: said when their number changes, else once a minute, not every poll.
          if (stranded.length !== this.strandedReported.count || Date.now() - this.strandedReported.at >= 60_000) {
            this.logger.warn(`offering ${stranded.length} stranded deliveries again`);
            this.strandedReported = { count: stranded.length, at: Date.now() };
          }
          await this.dispatcher.dispatch(stranded);
        } else {
          this.strandedReported = { count: 0, at: 0 };
        }
        break;
      }
      case NOTIFIER_JOBS.digest: {
        // The scheduled time of this run ends the period: a redelivered run covers the same period.
        const periodEnd = new Date(job.opts.prevMillis ?? job.timestamp);
        const digests = await this.digest.run(periodEnd);
        await this.dispatcher.dispatch(digests.deliveries);
        notifications += digests.notifications.length;
        break;
      }
      default:
        this.logger.warn(`unknown notifier job ${job.name}, ignored`);
    }
    if (notifications > 0) this.logger.debug(`${job.name}: ${followed.events} events, ${notifications} notifications`);
    return { events: followed.events, notifications };
  }

  /**
   * The notifier follows the feed in order: a batch that fails leaves the cursor where it was, and
   * until one gets past it no project's notifications go out (project_tracker_notifier_lag_seconds
   * grows). Said at error level, every time.
   */
  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    this.logger.error(`Notifier job ${job?.name ?? '(unknown)'} failed; notifications wait until the notifier gets past it: ${error.message}`);
  }
}
