import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { type Answer, burst, expectAnsweredCommandsStored, expectConverged, prepareProjects } from '../support/command-burst.js';
import { type FaultHarness, startHarness, until } from './fault-harness.js';

let harness: FaultHarness;

beforeAll(async () => {
  harness = await startHarness('fault_api_killed');
});

afterAll(async () => {
  await harness?.dispose();
});

it('keeps every command answered 2xx and half-writes nothing when the API is SIGKILLed mid-burst', async () => {
  const doomed = await harness.api();
  const survivor = await harness.api();
  await harness.worker();
  const projects = await prepareProjects(survivor.url, harness.adminKey, 20);
  const answers: Answer[] = [];
  const bursting = burst([doomed.url, survivor.url], harness.adminKey, projects, 600, 16, answers);

  await until(() => answers.length >= 200);
  await doomed.kill('SIGKILL');
  await bursting;

  const answered = answers.filter((a) => a.status === 201);
  const refusedByDeadApi = answers.filter((a) => a.status === 0);
  expect(answered.length + refusedByDeadApi.length).toBe(600);
  expect(refusedByDeadApi.length).toBeGreaterThan(0);
  await expectAnsweredCommandsStored(harness.env.config.databaseUrl, answered);
  const converged = await expectConverged(harness.env.config.databaseUrl);
  // Requests cut off mid-flight may or may not have committed; nothing else may be there.
  expect(converged.events).toBeGreaterThanOrEqual(20 * 4 + answered.length);
  expect(converged.events).toBeLessThanOrEqual(20 * 4 + 600);
}, 120_000);
