import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { type Answer, burst, expectConverged, prepareProjects } from '../support/command-burst.js';
import { type FaultHarness, startHarness, until } from './fault-harness.js';

let harness: FaultHarness;

beforeAll(async () => {
  harness = await startHarness('fault_worker_killed');
});

afterAll(async () => {
  await harness?.dispose();
});

it('loses and doubles nothing when the worker is SIGKILLed in the middle of a burst on 20 projects', async () => {
  const api = await harness.api();
  const worker = await harness.worker();
  const projects = await prepareProjects(api.url, harness.adminKey, 20);
  const answers: Answer[] = [];
  const bursting = burst([api.url], harness.adminKey, projects, 600, 16, answers);

  await until(() => answers.length >= 150);
  await worker.kill('SIGKILL');
  await until(() => answers.length >= 350);
  await harness.worker();
  await bursting;

  expect(answers.filter((a) => a.status !== 201)).toEqual([]);
  const converged = await expectConverged(harness.env.config.databaseUrl);
  expect(converged.projects).toBe(20);
  expect(converged.events).toBe(20 * 4 + 600);
}, 120_000);
