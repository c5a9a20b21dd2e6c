import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { auth, createKey, type ProjectClient, startedProject } from './support/api-helpers.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { eventually } from './support/test-environment.js';
import { type ReceivedWebhook, WebhookReceiver } from './support/webhook-receiver.js';

// Notifications travel through the feed, a queue and a receiver; a busy machine slows each step.
jest.setTimeout(90_000);

/** A dead receiver's call is cut after this long: long enough that the worker slots it held would show. */
const TIMEOUT_MS = 5_000;

let system: RunningSystem;
let db: pg.Pool;
let receiver: WebhookReceiver;
let manager: string;

beforeAll(async () => {
  system = await startSystem('notifications_ordering_e2e', { env: { WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) } });
  db = new pg.Pool({ connectionString: system.env.config.databaseUrl });
  db.on('error', () => undefined);
  receiver = await WebhookReceiver.start();
  manager = await createKey(system, 'manager');
});

afterAll(async () => {
  // Hanging calls end here, so that no delivery holds the worker's drain.
  await receiver?.close();
  await db?.end();
  await system?.stop();
});

async function subscribe(path: string, projectId: string): Promise<string> {
  const response = await system.http
    .post('/subscriptions')
    .set(auth(manager))
    .send({ channel: 'webhook', url: receiver.url(path), filter: { projectIds: [projectId], types: ['project.status_changed'] } })
    .expect(201);
  return response.body.id as string;
}

/** `count` status changes, one after the other: suspended, resumed, suspended... */
async function statusChanges(project: ProjectClient, count: number): Promise<void> {
  for (let n = 0; n < count; n++) await project.post(n % 2 === 0 ? '/suspend' : '/resume', { reason: `change ${n + 1}` });
}

/** The event behind a call: its position in the global feed orders what happened. */
const event = (call: ReceivedWebhook): { position: number; recordedAt: string } => JSON.parse(call.body).data.event;
const idOf = (call: ReceivedWebhook) => call.headers['webhook-id'] as string;

/** What a receiver saw on `path` and answered with a 2xx, with every call in arrival order. */
function receivedOn(path: string, succeeded: Set<ReceivedWebhook>) {
  const calls = receiver.on(path);
  return { calls, accepted: calls.filter((call) => succeeded.has(call)) };
}

/** Answers `fail(n)` calls on `path` with 500, the others with 204, and notes which were accepted. */
function answer(path: string, fail: (nth: number) => boolean): Set<ReceivedWebhook> {
  const succeeded = new Set<ReceivedWebhook>();
  receiver.respond(path, (request, nth) => {
    if (fail(nth)) return { status: 500 };
    succeeded.add(request);
    return { status: 204 };
  });
  return succeeded;
}

function expectInOrderOnce(calls: ReceivedWebhook[], accepted: ReceivedWebhook[], notifications: number): void {
  // Each notification accepted once, in the order its events were recorded...
  expect(accepted).toHaveLength(notifications);
  expect(new Set(accepted.map(idOf)).size).toBe(notifications);
  const positions = accepted.map((call) => event(call).position);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
  // ...and no attempt at a later one before the earlier one was settled (every call, failed ones too).
  const attempted = calls.map((call) => event(call).position);
  expect(attempted).toEqual([...attempted].sort((a, b) => a - b));
}

describe('deliveries to one subscription', () => {
  it('go out in the order things happened, even when the first attempt of the first one fails', async () => {
    const project = await startedProject(system, manager);
    const succeeded = answer('/ordered', (nth) => nth === 1);
    await subscribe('/ordered', project.id);

    await statusChanges(project, 6);

    await eventually(async () => receivedOn('/ordered', succeeded).accepted.length === 6, 30_000, 'six notifications accepted');
    const { calls, accepted } = receivedOn('/ordered', succeeded);
    expect(calls).toHaveLength(7);
    // The retried first one came first; the five after it waited for it.
    expect(idOf(calls[0]!)).toBe(idOf(calls[1]!));
    expectInOrderOnce(calls, accepted, 6);
  });

  it('are one at a time to a dead receiver, which holds back only its own subscription', async () => {
    const project = await startedProject(system, manager);
    // More calls hanging at dead receivers than the worker runs at once (32), were each sent on its own.
    const dead = Array.from({ length: 4 }, (_, n) => `/dead/${n}`);
    for (const path of dead) {
      receiver.respond(path, () => ({ status: 200, hang: true }));
      await subscribe(path, project.id);
    }
    const succeeded = answer('/healthy', () => false);
    await subscribe('/healthy', project.id);

    await statusChanges(project, 10);

    await eventually(async () => receivedOn('/healthy', succeeded).accepted.length === 10, 30_000, 'ten notifications at the healthy receiver');
    const { calls, accepted } = receivedOn('/healthy', succeeded);
    expectInOrderOnce(calls, accepted, 10);
    // No dead receiver's timeouts or backoffs delayed it: each arrived well within one dead call's timeout.
    const lateness = accepted.map((call) => call.receivedAt - Date.parse(event(call).recordedAt));
    expect(Math.max(...lateness)).toBeLessThan(TIMEOUT_MS / 2);
    // A dead receiver is called about its first notification only, once at a time, until that one is settled.
    for (const path of dead) {
      expect(receiver.mostAtOnce(path)).toBe(1);
      expect(new Set(receiver.on(path).map(idOf)).size).toBe(1);
    }
    const waiting = await db.query<{ status: string; count: string }>(
      `SELECT d.status, count(*) FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
       WHERE s.target LIKE '%/dead/%' GROUP BY d.status`,
    );
    expect(waiting.rows).toEqual([{ status: 'pending', count: '40' }]);
  });

  it('are sent once each and in order when two workers share them and the receiver fails now and then', async () => {
    await system.startWorker();
    const project = await startedProject(system, manager);
    const succeeded = answer('/flaky', (nth) => nth % 4 === 2);
    await subscribe('/flaky', project.id);

    await statusChanges(project, 12);

    await eventually(async () => receivedOn('/flaky', succeeded).accepted.length === 12, 60_000, 'twelve notifications accepted');
    const { calls, accepted } = receivedOn('/flaky', succeeded);
    expectInOrderOnce(calls, accepted, 12);
    expect(receiver.mostAtOnce('/flaky')).toBe(1);
  });
});
