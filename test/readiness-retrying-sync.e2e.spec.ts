import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { auth } from './support/api-helpers.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { poisonedProject } from './support/poisoned-project.js';
import { eventually } from './support/test-environment.js';

/**
 * A poisoned project's sync retries for a long while before it is parked (about 17 minutes with the
 * defaults), and starts again when Redis loses its queues: readiness must not wait for the dead letter
 * to leave the project out, or one project takes every API out of its load balancer meanwhile.
 */
let system: RunningSystem;

beforeAll(async () => {
  // Retries a second and more apart, fifty of them: the sync is still retrying when the lag passes the limit.
  system = await startSystem('readiness_retrying', { env: { PROJECTION_MAX_LAG_SECONDS: '2', PROJECTION_ATTEMPTS: '50', PROJECTION_BACKOFF_MS: '1000' } });
});

afterAll(async () => {
  await system?.stop();
});

describe('readiness while a sync keeps failing', () => {
  it('stays ready past the lag limit while the poisoned project is still retrying, before any dead letter', async () => {
    const admin = system.adminKey;
    const { appendedAt } = await poisonedProject(system);
    // Its sync has failed once and waits to try again.
    await eventually(
      async () => /project_tracker_projection_jobs\{state="delayed"\} [1-9]/.test((await system.http.get('/metrics').expect(200)).text),
      10_000,
      'the poisoned sync to be retrying',
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, appendedAt + 3_000 - Date.now())));
    const ready = await system.http.get('/health/ready');
    expect({ status: ready.status, projections: ready.body.checks?.projections }).toEqual({ status: 200, projections: { status: 'up', deadLetters: 0 } });
    // Not parked yet: nothing for an operator to replay so far.
    expect((await system.http.get('/admin/dead-letters').set(auth(admin)).expect(200)).body.total).toBe(0);
  });
});
