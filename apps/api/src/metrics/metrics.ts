import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The API's Prometheus registry: process defaults plus request and command figures. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'project_tracker_api_' });

export const httpRequestDuration = new Histogram({
  name: 'project_tracker_http_request_duration_seconds',
  help: 'HTTP request duration by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

export const commandsTotal = new Counter({
  name: 'project_tracker_commands_total',
  help: 'Project commands by type and outcome',
  labelNames: ['type', 'outcome'] as const,
  registers: [registry],
});

export const projectionDriftProjects = new Gauge({
  name: 'project_tracker_projection_drift_projects',
  help: 'Projects whose read model differed from a rebuild at the last verification',
  registers: [registry],
});

export const eventsAppendedTotal = new Counter({
  name: 'project_tracker_events_appended_total',
  help: 'Events appended to the event store, by type',
  labelNames: ['type'] as const,
  registers: [registry],
});

export const rateLimitStorageFailures = new Counter({
  name: 'project_tracker_rate_limit_storage_failures_total',
  help: 'Rate-limit checks that Redis did not answer (the request went on unlimited)',
  registers: [registry],
});
