import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { type Answer, burst, expectConverged, prepareProjects } from '../support/command-burst.js';
import { eventually } from '../support/test-environment.js';
import { type FaultHarness, startHarness, until } from './fault-harness.js';

let harness: FaultHarness;

beforeAll(async () => {
  harness = await startHarness('fault_redis_down');
});

afterAll(async () => {
  await harness?.dispose();
});

it('keeps accepting commands while Redis is down for 10 s, reports it, and catches up after', async () => {
  const api = await harness.api();
  await harness.worker();
  const projects = await prepareProjects(api.url, harness.adminKey, 20);

  await harness.redis.stop();
  const downSince = Date.now();
  const answers: Answer[] = [];
  await burst([api.url], harness.adminKey, projects, 300, 16, answers);
  const ready = await fetch(`${api.url}/health/ready`);
  expect(ready.status).toBe(503);
  expect(((await ready.json()) as { checks: { redis: { status: string } } }).checks.redis.status).toBe('down');
  expect(answers.filter((a) => a.status !== 201)).toEqual([]);

  await until(() => Date.now() - downSince >= 10_000, 20_000);
  await harness.redis.start();
  const converged = await expectConverged(harness.env.config.databaseUrl);
  expect(converged.events).toBe(20 * 4 + 300);
  await eventually(async () => (await fetch(`${api.url}/health/ready`)).status === 200, 10_000, 'readiness to recover');
}, 120_000);
