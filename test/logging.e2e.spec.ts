import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { bansuoProposal } from './support/bansuo.js';
import { eventually } from './support/test-environment.js';
import { type FaultHarness, startHarness } from './faults/fault-harness.js';

let harness: FaultHarness;

beforeAll(async () => {
  harness = await startHarness('logging', { LOG_LEVEL: 'log' });
});

afterAll(async () => {
  await harness?.dispose();
});

function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

it('logs JSON lines that carry a correlation id from the request to the event to the projection job', async () => {
  const api = await harness.api();
  const worker = await harness.worker();
  const correlationId = `corr-${Date.now()}`;
  const response = await fetch(`${api.url}/projects`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${harness.adminKey}`, 'x-correlation-id': correlationId },
    body: JSON.stringify(bansuoProposal()),
  });
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: string };

  const events = await fetch(`${api.url}/projects/${id}/events`, { headers: { authorization: `Bearer ${harness.adminKey}` } });
  const [event] = ((await events.json()) as { items: { metadata: { correlationId: string } }[] }).items;
  expect(event!.metadata.correlationId).toBe(correlationId);

  const request = await eventually(
    async () => jsonLines(api.logs()).find((line) => line.correlationId === correlationId && line.msg === 'request completed'),
    5_000,
    'the request log line',
  );
  expect(request).toMatchObject({ service: 'api', level: 30, req: { method: 'POST', url: '/projects' }, res: { statusCode: 201 } });
  expect(JSON.stringify(request)).not.toContain(harness.adminKey);
  // The headers an operator reads, not every security header of every answer (1.75 kB a line).
  expect(request).toMatchObject({ req: { headers: { 'content-type': 'application/json' } }, res: { headers: { location: `/projects/${id}` } } });
  expect(Object.keys((request.req as { headers: object }).headers)).not.toContain('authorization');
  expect(Object.keys((request.res as { headers: object }).headers)).not.toContain('content-security-policy');
  expect(JSON.stringify(request).length).toBeLessThan(800);

  const job = await eventually(
    async () => jsonLines(worker.logs()).find((line) => Array.isArray(line.correlationIds) && line.correlationIds.includes(correlationId)),
    10_000,
    'the projection job log line',
  );
  expect(job).toMatchObject({ service: 'worker', projectId: id, fromVersion: 0, toVersion: 1 });
}, 60_000);

it('logs a bad body under the status it was answered with: 401 without a key, 400 with one', async () => {
  const api = await harness.api();
  const correlationId = `bad-body-${Date.now()}`;
  for (const [authorization, status] of [[undefined, 401], [`Bearer ${harness.adminKey}`, 400]] as const) {
    const response = await fetch(`${api.url}/projects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId, ...(authorization ? { authorization } : {}) },
      body: '{"code": ',
    });
    expect(response.status).toBe(status);
  }
  const lines = await eventually(
    async () => {
      const found = jsonLines(api.logs()).filter((line) => line.correlationId === correlationId && line.msg === 'request completed');
      return found.length === 2 && found;
    },
    5_000,
    'the two request log lines',
  );
  expect(lines.map((line) => (line.res as { statusCode: number }).statusCode)).toEqual([401, 400]);
});

it("keeps an unsubscribe link's token out of the request log, as it keeps keys out", async () => {
  const api = await harness.api();
  const subscriptionId = '0b9e7c52-8d4f-4d9b-a7a4-2b7f0c1d2e3f';
  const token = `tok${Date.now()}SecretPart_-x`;
  // Whoever holds the token stops that subscription: the log must not hand it to whoever reads logs.
  for (const method of ['GET', 'POST']) {
    const response = await fetch(`${api.url}/unsubscribe/${subscriptionId}?token=${token}`, {
      method,
      ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' } : {}),
    });
    expect(response.status).toBe(404);
  }
  const lines = await eventually(
    async () => {
      const found = jsonLines(api.logs()).filter((line) => (line.req as { url?: string } | undefined)?.url?.startsWith(`/unsubscribe/${subscriptionId}`));
      return found.length === 2 && found;
    },
    5_000,
    'the two request log lines',
  );
  for (const line of lines) {
    expect(line).toMatchObject({ req: { url: `/unsubscribe/${subscriptionId}?token=[redacted]` } });
    expect(JSON.stringify(line)).not.toContain(token);
  }
}, 60_000);
