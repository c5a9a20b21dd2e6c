import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { auth } from './support/api-helpers.js';
import { bansuoProposal } from './support/bansuo.js';
import { freePort } from './support/processes.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { poisonedProject } from './support/poisoned-project.js';
import { eventually } from './support/test-environment.js';

let system: RunningSystem;
let workerMetricsPort: number;

beforeAll(async () => {
  workerMetricsPort = await freePort();
  system = await startSystem('operations', { env: { WORKER_METRICS_PORT: String(workerMetricsPort), PROJECTION_MAX_LAG_SECONDS: '2' } });
});

afterAll(async () => {
  await system?.stop();
});

function metric(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name}{`) === false && l.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('pipeline metrics and readiness', () => {
  it('counts appended events and reports projection lag and queue states on the API', async () => {
    const id = (await system.http.post('/projects').set(auth(system.adminKey)).send(bansuoProposal()).expect(201)).body.id;
    await eventually(async () => (await system.http.get(`/projects/${id}`).set(auth(system.adminKey))).status === 200, 5_000, 'view');
    const text = (await system.http.get('/metrics').expect(200)).text;
    expect(metric(text, 'project_tracker_events_appended_total', '{type="ProjectProposed"}')).toBeGreaterThanOrEqual(1);
    expect(metric(text, 'project_tracker_projection_lag_seconds', '{read_model="project_detail"}')).toBe(0);
    expect(metric(text, 'project_tracker_projection_jobs', '{state="failed"}')).toBe(0);
    const notifierLag = metric(text, 'project_tracker_notifier_lag_seconds');
    expect(notifierLag).toBeGreaterThanOrEqual(0);
    expect(notifierLag).toBeLessThan(60);
  });

  it("serves the worker's commit-to-visible and enqueue lag on its own port", async () => {
    const id = (await system.http.post('/projects').set(auth(system.adminKey)).send(bansuoProposal()).expect(201)).body.id;
    await eventually(async () => (await system.http.get(`/projects/${id}`).set(auth(system.adminKey))).status === 200, 5_000, 'view');
    const text = await (await fetch(`http://127.0.0.1:${workerMetricsPort}/metrics`)).text();
    expect(metric(text, 'project_tracker_commit_to_visible_seconds_count', '{read_model="project_detail"}')).toBeGreaterThanOrEqual(1);
    expect(metric(text, 'project_tracker_enqueue_lag_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(metric(text, 'project_tracker_events_projected_total', '{read_model="project_detail"}')).toBeGreaterThanOrEqual(1);
  });

  it('fails readiness while the read model is further behind than the limit, and recovers', async () => {
    await system.stopWorker();
    const id = (await system.http.post('/projects').set(auth(system.adminKey)).send(bansuoProposal()).expect(201)).body.id;
    const notReady = await eventually(
      async () => {
        const response = await system.http.get('/health/ready');
        return response.status === 503 ? response : undefined;
      },
      8_000,
      'readiness to fail on lag',
    );
    expect(notReady.body.checks.projections.status).toBe('down');
    expect(notReady.body.checks.projections.error).toMatch(/behind/);
    expect(notReady.body.checks.postgres.status).toBe('up');
    await system.startWorker();
    await eventually(async () => (await system.http.get(`/projects/${id}`).set(auth(system.adminKey))).status === 200, 10_000, 'catch up');
    await eventually(async () => (await system.http.get('/health/ready')).status === 200, 5_000, 'ready again');
  });

  it('stays ready while a dead letter holds a project back past the limit, and says how many are parked', async () => {
    const admin = system.adminKey;
    const { id: poisoned, appendedAt } = await poisonedProject(system);
    await eventually(
      async () => ((await system.http.get('/admin/dead-letters').set(auth(admin)).expect(200)).body.items as { projectId: string }[]).some((l) => l.projectId === poisoned),
      15_000,
      'the poisoned sync to be parked',
    );
    // Past the limit (2 s): the project's view is behind by more, and readiness leaves it to the operator.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, appendedAt + 3_000 - Date.now())));
    const text = (await system.http.get('/metrics').expect(200)).text;
    expect(metric(text, 'project_tracker_projection_lag_seconds', '{read_model="project_detail"}')).toBeGreaterThan(2);
    const ready = await system.http.get('/health/ready').expect(200);
    expect(ready.body.checks.projections).toEqual({ status: 'up', deadLetters: 1 });
  });
});
