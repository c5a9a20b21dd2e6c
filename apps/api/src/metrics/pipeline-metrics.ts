import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type pg from 'pg';
import { Gauge } from 'prom-client';
import { PG_POOL } from '@app/database';
import { notifierLagSeconds } from '@app/notifications';
import { PROJECTIONS_QUEUE, projectionLagSeconds } from '@app/read-models';
import { within } from '../common/within.js';
import { registry } from './metrics.js';

/**
 * How long a scrape waits for one figure. Redis that does not answer holds a command (ioredis queues it
 * until it reconnects): without a bound, /metrics hung for as long as Redis was away, and with it the
 * counters of that very outage (project_tracker_rate_limit_storage_failures_total).
 */
const FIGURE_TIMEOUT_MS = 2_000;

/** What `work` answers, or undefined when it fails or takes longer than FIGURE_TIMEOUT_MS. */
async function figure<T>(work: Promise<T>): Promise<T | undefined> {
  return within(FIGURE_TIMEOUT_MS, work).catch(() => undefined);
}

/**
 * Figures read at scrape time from PostgreSQL (projection and notifier lag) and Redis (the projection
 * queue); one that cannot be read in time is NaN, and the rest of the scrape is answered.
 */
@Injectable()
export class PipelineMetrics implements OnModuleInit {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @InjectQueue(PROJECTIONS_QUEUE) private readonly queue: Queue,
  ) {}

  onModuleInit(): void {
    const pool = this.pool;
    const queue = this.queue;
    registry.removeSingleMetric('project_tracker_projection_lag_seconds');
    registry.removeSingleMetric('project_tracker_projection_jobs');
    registry.removeSingleMetric('project_tracker_notifier_lag_seconds');
    new Gauge({
      name: 'project_tracker_projection_lag_seconds',
      help: 'Seconds the read model is behind the event store (age of the oldest event not yet applied)',
      labelNames: ['read_model'] as const,
      registers: [registry],
      async collect() {
        this.set({ read_model: 'project_detail' }, (await figure(projectionLagSeconds(pool))) ?? Number.NaN);
      },
    });
    new Gauge({
      name: 'project_tracker_notifier_lag_seconds',
      help: 'Seconds the notifier is behind the event store (age of the oldest event it has not followed); it follows the feed in order, so one event it cannot get past holds back every notification',
      registers: [registry],
      async collect() {
        this.set((await figure(notifierLagSeconds(pool))) ?? Number.NaN);
      },
    });
    new Gauge({
      name: 'project_tracker_projection_jobs',
      help: 'Projection jobs by state; failed jobs are parked dead letters',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        const counts = await figure(queue.getJobCounts('waiting', 'active', 'delayed', 'failed'));
        for (const state of ['waiting', 'active', 'delayed', 'failed']) this.set({ state }, counts?.[state] ?? Number.NaN);
      },
    });
  }
}
