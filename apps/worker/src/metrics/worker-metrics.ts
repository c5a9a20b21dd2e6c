import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The worker's Prometheus registry, served on WORKER_METRICS_PORT. */
export const workerRegistry = new Registry();
collectDefaultMetrics({ register: workerRegistry, prefix: 'project_tracker_worker_' });

const LAG_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const enqueueLag = new Histogram({
  name: 'project_tracker_enqueue_lag_seconds',
  help: 'From an event being recorded to its projection job being enqueued',
  registers: [workerRegistry],
  buckets: LAG_BUCKETS,
});

export const commitToVisible = new Histogram({
  name: 'project_tracker_commit_to_visible_seconds',
  help: "From an event being recorded to its effect being committed in a read model",
  labelNames: ['read_model'] as const,
  registers: [workerRegistry],
  buckets: LAG_BUCKETS,
});

export const eventsProjected = new Counter({
  name: 'project_tracker_events_projected_total',
  help: 'Events applied to a read model',
  labelNames: ['read_model'] as const,
  registers: [workerRegistry],
});

export const projectionJobsFailed = new Counter({
  name: 'project_tracker_projection_job_failures_total',
  help: 'Projection job attempts that failed; parked: the last attempt of a job failed',
  labelNames: ['outcome'] as const,
  registers: [workerRegistry],
});

export const deliveryAttempts = new Counter({
  name: 'project_tracker_delivery_attempts_total',
  help: 'Notification delivery attempts by channel and outcome: delivered; retry (failed, another attempt is due); failed (for good: retries used up, a permanent refusal, 410 Gone)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [workerRegistry],
});

export const deliveryLatency = new Histogram({
  name: 'project_tracker_delivery_attempt_seconds',
  help: 'How long a delivery attempt took (the receiver or the mail server answering, or the timeout)',
  labelNames: ['channel'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [workerRegistry],
});
