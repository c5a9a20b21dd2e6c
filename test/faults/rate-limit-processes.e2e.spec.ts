import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { type FaultHarness, startHarness } from './fault-harness.js';

let harness: FaultHarness;

beforeAll(async () => {
  harness = await startHarness('rate_limit_processes', { RATE_LIMIT_PER_MINUTE: '100', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0' });
});

afterAll(async () => {
  await harness?.dispose();
});

it('refuses the 101st request of a key in a minute across two API processes, with 429 and Retry-After', async () => {
  const apis = [await harness.api(), await harness.api()];
  const headers = { authorization: `Bearer ${harness.adminKey}` };
  const statuses: number[] = [];
  for (let i = 0; i < 100; i++) {
    statuses.push((await fetch(`${apis[i % 2]!.url}/projects?limit=1`, { headers })).status);
  }
  expect(statuses.filter((status) => status === 200)).toHaveLength(100);

  const refused = await fetch(`${apis[0]!.url}/projects?limit=1`, { headers });
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect((await fetch(`${apis[1]!.url}/projects?limit=1`, { headers })).status).toBe(429);
  // Health and metrics stay exempt.
  expect((await fetch(`${apis[1]!.url}/health`)).status).toBe(200);
}, 60_000);
