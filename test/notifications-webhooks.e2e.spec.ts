import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Job, Queue } from 'bullmq';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret } from '@app/notifications';
import { workerRegistry } from '../apps/worker/src/metrics/worker-metrics.js';
import { DELIVERIES_QUEUE } from '../apps/worker/src/notifications/notification-queues.js';
import { auth, createKey, type ProjectClient, startedProject } from './support/api-helpers.js';
import { cloudEventErrors } from './support/cloudevents-schema.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { eventually } from './support/test-environment.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

// Notifications travel through the feed, a queue and a receiver; a busy machine slows each step.
jest.setTimeout(60_000);

let system: RunningSystem;
let db: pg.Pool;
let receiver: WebhookReceiver;
let deliveriesQueue: Queue;
let manager: string;
let project: ProjectClient;

beforeAll(async () => {
  // A short timeout so that a receiver that never answers fails its attempt quickly; retries keep the default schedule.
  system = await startSystem('webhooks_e2e', { env: { WEBHOOK_TIMEOUT_MS: '1000' } });
  db = new pg.Pool({ connectionString: system.env.config.databaseUrl });
  db.on('error', () => undefined);
  receiver = await WebhookReceiver.start();
  deliveriesQueue = new Queue(DELIVERIES_QUEUE, { connection: { url: system.env.config.redisUrl }, prefix: system.env.config.queuePrefix });
  manager = await createKey(system, 'manager');
  project = await startedProject(system, manager);
});

afterAll(async () => {
  await deliveriesQueue?.close();
  await receiver?.close();
  await db?.end();
  await system?.stop();
});

async function subscribe(path: string, filter: object = { projectIds: [project.id] }): Promise<{ id: string; secret: string }> {
  const response = await system.http.post('/subscriptions').set(auth(manager)).send({ channel: 'webhook', url: receiver.url(path), filter }).expect(201);
  expect(response.body.secret).toMatch(/^whsec_/);
  return { id: response.body.id, secret: response.body.secret };
}

async function attempts(subscriptionId: string): Promise<any[]> {
  const response = await system.http.get(`/subscriptions/${subscriptionId}/deliveries`).set(auth(manager)).expect(200);
  return response.body.items;
}

/** The worker's count of webhook delivery attempts by outcome (its metrics registry: the worker runs in this process). */
async function webhookAttempts(): Promise<Record<'delivered' | 'retry' | 'failed', number>> {
  const metric = await workerRegistry.getSingleMetric('project_tracker_delivery_attempts_total')!.get();
  const count = (outcome: string) => metric.values.find((v) => v.labels.channel === 'webhook' && v.labels.outcome === outcome)?.value ?? 0;
  return { delivered: count('delivered'), retry: count('retry'), failed: count('failed') };
}

describe('webhook deliveries', () => {
  it('retries a failing receiver: the third attempt arrives within 30 s, same webhook-id, signed and a valid CloudEvent', async () => {
    const path = '/flaky';
    receiver.respond(path, (_request, nth) => {
      if (nth === 1) return { status: 500, body: `overloaded ${'x'.repeat(10_000)}` };
      if (nth === 2) return { status: 200, hang: true };
      return { status: 204 };
    });
    const { id: subscriptionId, secret } = await subscribe(path, { projectIds: [project.id], types: ['milestone.reached'] });
    const attemptsBefore = await webhookAttempts();
    const milestoneId = await project.planMilestone('120 cattle distributed', '2018-06-30');
    await project.post(`/milestones/${milestoneId}/reach`, { date: '2018-05-20', evidence: 'Distribution record signed by the village head' });

    const calls = await eventually(async () => receiver.on(path).length >= 3 && receiver.on(path), 35_000, 'three attempts');
    expect(calls).toHaveLength(3);
    // The worker's metrics count each attempt by outcome (this spec's other webhooks may add to them).
    await eventually(async () => (await webhookAttempts()).delivered > attemptsBefore.delivered, 10_000, 'the delivered attempt counted');
    const attemptsAfter = await webhookAttempts();
    expect(attemptsAfter.retry - attemptsBefore.retry).toBeGreaterThanOrEqual(2);
    expect(calls[2]!.receivedAt - calls[0]!.receivedAt).toBeLessThan(30_000);

    const ids = calls.map((call) => call.headers['webhook-id']);
    expect(new Set(ids).size).toBe(1);
    for (const call of calls) {
      expect(call.headers['content-type']).toBe('application/cloudevents+json');
      // As a receiver would: the official library checks the signature and the timestamp.
      const verified = new Webhook(secret).verify(call.body, call.headers as Record<string, string>);
      expect(verified).toEqual(JSON.parse(call.body));
      expect(() => new Webhook(secret).verify(call.body.replace('cattle', 'goats'), call.headers as Record<string, string>)).toThrow();
    }
    expect(calls[0]!.body).toBe(calls[2]!.body);

    const event = JSON.parse(calls[2]!.body);
    expect(cloudEventErrors(event)).toEqual([]);
    expect(event).toMatchObject({
      specversion: '1.0',
      id: ids[0],
      type: 'example.project-tracker.milestone.reached',
      source: `/projects/${project.id}`,
      subject: `milestones/${milestoneId}`,
      datacontenttype: 'application/json',
      data: {
        project: { id: project.id, title: expect.stringContaining('Bansuo'), country: 'LA', status: 'implementation' },
        summary: expect.stringContaining('120 cattle distributed'),
        milestone: { id: milestoneId, title: '120 cattle distributed', reachedOn: '2018-05-20', late: false },
        event: { id: expect.any(String), type: 'MilestoneReached', position: expect.any(Number), streamVersion: 5 },
      },
    });
    expect(Date.parse(event.time)).not.toBeNaN();
    const stored = await db.query('SELECT position, event_id FROM events WHERE event_id = $1', [event.data.event.id]);
    expect(Number(stored.rows[0].position)).toBe(event.data.event.position);

    const recorded = await eventually(async () => {
      const items = await attempts(subscriptionId);
      return items.length === 3 && items;
    }, 5_000, 'three recorded attempts');
    expect(recorded.map((a) => [a.attempt, a.status, a.statusCode])).toEqual([
      [3, 'delivered', 204],
      [2, 'failed', null],
      [1, 'failed', 500],
    ]);
    expect(recorded[1].error).toBe('no answer within 1000 ms');
    expect(recorded[2].error).toBe('the receiver answered 500');
    expect(recorded[2].responseExcerpt.length).toBeLessThanOrEqual(501);
    for (const attempt of recorded) {
      expect(attempt).toMatchObject({ notificationId: ids[0], notificationType: 'milestone.reached', latencyMs: expect.any(Number) });
      // Each attempt says where its delivery stands now: through, at the third.
      expect(attempt.delivery).toEqual({ status: 'delivered', nextAttemptAt: null });
      expect(Date.parse(attempt.attemptedAt)).not.toBeNaN();
    }
    expect(recorded[1].latencyMs).toBeGreaterThanOrEqual(990);
  }, 45_000);

  it('disables the subscription when the receiver answers 410 Gone, and sends it nothing more', async () => {
    receiver.respond('/gone', () => ({ status: 410 }));
    const gone = await subscribe('/gone', { projectIds: [project.id], types: ['project.status_changed'] });
    const control = await subscribe('/control', { projectIds: [project.id], types: ['project.status_changed'] });

    await project.post('/suspend', { reason: 'Flooding on the access road' });
    await eventually(async () => {
      const response = await system.http.get(`/subscriptions/${gone.id}`).set(auth(manager)).expect(200);
      return response.body.status === 'disabled' && response.body;
    }, 10_000, 'the subscription disabled');
    expect((await attempts(gone.id)).map((a) => [a.status, a.statusCode, a.delivery])).toEqual([['failed', 410, { status: 'failed', nextAttemptAt: null }]]);

    await project.post('/resume');
    await eventually(async () => receiver.on('/control').length === 2, 10_000, 'the resumption at the control receiver');
    expect(receiver.on('/gone')).toHaveLength(1);

    const listed = await system.http.get('/subscriptions').set(auth(manager)).expect(200);
    expect(listed.body.items.find((s: any) => s.id === gone.id)).toMatchObject({ status: 'disabled', statusReason: expect.stringContaining('410') });
    const enabled = await system.http.post(`/subscriptions/${gone.id}/enable`).set(auth(manager)).expect(200);
    expect(enabled.body).toMatchObject({ status: 'active', statusReason: null });
    await system.http.delete(`/subscriptions/${control.id}`).set(auth(manager)).expect(204);
    await system.http.delete(`/subscriptions/${gone.id}`).set(auth(manager)).expect(204);
  });

  it('never follows a redirect: a 3xx is a failed attempt, and deleting the subscription cancels the retries', async () => {
    receiver.respond('/moved', () => ({ status: 302, headers: { location: receiver.url('/elsewhere') } }));
    const moved = await subscribe('/moved', { projectIds: [project.id], types: ['milestone.rescheduled'] });
    const milestoneId = await project.planMilestone('Bridge completed', '2019-01-31');
    await project.post(`/milestones/${milestoneId}/reschedule`, { dueDate: '2019-04-30', reason: 'Rainy season' });

    const [attempt] = await eventually(async () => {
      const items = await attempts(moved.id);
      return items.length === 1 && items;
    }, 10_000, 'the redirected attempt');
    expect(attempt).toMatchObject({ status: 'failed', statusCode: 302 });
    expect(attempt.error).toMatch(/redirect.*not followed/);
    // Failed, and to be tried again: the attempt says when.
    expect(attempt.delivery).toEqual({ status: 'pending', nextAttemptAt: expect.any(String) });
    expect(Date.parse(attempt.delivery.nextAttemptAt)).toBeGreaterThan(Date.parse(attempt.attemptedAt));
    expect(receiver.on('/elsewhere')).toHaveLength(0);

    await system.http.delete(`/subscriptions/${moved.id}`).set(auth(manager)).expect(204);
    const pending = await db.query('SELECT status FROM deliveries WHERE subscription_id = $1', [moved.id]);
    expect(pending.rows).toEqual([{ status: 'cancelled' }]);
    await system.http.get(`/subscriptions/${moved.id}`).set(auth(manager)).expect(404);
    // The attempts stay on record, for its owner only, their delivery cancelled.
    expect(await attempts(moved.id)).toEqual([{ ...attempt, delivery: { status: 'cancelled', nextAttemptAt: null } }]);
    await system.http.get(`/subscriptions/${moved.id}/deliveries`).set(auth(await createKey(system, 'manager'))).expect(404);
  });
});

describe("rotating a webhook's signing secret", () => {
  const rotate = async (id: string, body: object = {}): Promise<string> =>
    (await system.http.post(`/subscriptions/${id}/rotate-secret`).set(auth(manager)).send(body).expect(200)).body.secret;
  /** Reaches a new milestone and answers the delivery the receiver got for it. */
  async function delivered(path: string, title: string) {
    const milestoneId = await project.planMilestone(title, '2018-09-30');
    await project.post(`/milestones/${milestoneId}/reach`, { date: '2018-08-01', evidence: 'Site visit report' });
    const call = await eventually(async () => receiver.on(path).find((c) => JSON.parse(c.body).subject === `milestones/${milestoneId}`), 20_000, `the delivery for ${title}`);
    return { ...call, signatures: String(call.headers['webhook-signature']).split(' ') };
  }
  const verifies = (secret: string, call: { body: string; headers: object }) => {
    try {
      new Webhook(secret).verify(call.body, call.headers as Record<string, string>);
      return true;
    } catch {
      return false;
    }
  };

  it('signs with the new and the old secret while the grace lasts, then with the new one only', async () => {
    const path = '/rotating';
    const { id, secret: first } = await subscribe(path, { projectIds: [project.id], types: ['milestone.reached'] });

    const second = await rotate(id);
    const inGrace = await delivered(path, 'Weaving looms installed');
    expect(inGrace.signatures).toHaveLength(2);
    expect([verifies(second, inGrace), verifies(first, inGrace), verifies(newWebhookSecret(), inGrace)]).toEqual([true, true, false]);

    // A rotation without grace ends the old secret at once, and with it the one before.
    const third = await rotate(id, { gracePeriodSeconds: 0 });
    const afterNoGrace = await delivered(path, 'Training in disease prevention held');
    expect(afterNoGrace.signatures).toHaveLength(1);
    expect([verifies(third, afterNoGrace), verifies(second, afterNoGrace), verifies(first, afterNoGrace)]).toEqual([true, false, false]);

    // A grace that has ended signs no more.
    const fourth = await rotate(id, { gracePeriodSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const afterGrace = await delivered(path, 'Cattle vaccinated');
    expect(afterGrace.signatures).toHaveLength(1);
    expect([verifies(fourth, afterGrace), verifies(third, afterGrace)]).toEqual([true, false]);
    const view = (await system.http.get(`/subscriptions/${id}`).set(auth(manager)).expect(200)).body;
    expect(view.previousSecretValidUntil).toBeNull();
  });
});

describe('exactly one delivery per notification and subscription', () => {
  async function deliveryOf(subscriptionId: string) {
    const result = await eventually(
      async () => (await db.query('SELECT id, notification_id, subscription_id, status FROM deliveries WHERE subscription_id = $1', [subscriptionId])).rows[0],
      10_000,
      'a delivery',
    );
    return { deliveryId: result.id as string, notificationId: result.notification_id as string, subscriptionId: result.subscription_id as string };
  }

  async function redeliver(data: object, jobId: string): Promise<unknown> {
    await deliveriesQueue.add('deliver', data, { jobId, removeOnComplete: false });
    return eventually(async () => {
      const job = await Job.fromId(deliveriesQueue, jobId);
      return (await job?.getState()) === 'completed' && job!.returnvalue;
    }, 10_000, `job ${jobId} to complete`);
  }

  it('sends nothing again when BullMQ redelivers a delivery that succeeded', async () => {
    const { id } = await subscribe('/once', { projectIds: [project.id], types: ['indicator.threshold_reached'] });
    const indicatorId = await project.defineIndicator('Households in the cattle group', 0, 40, 'households');
    await project.measure(indicatorId, 10);
    await eventually(async () => receiver.on('/once').length === 1, 10_000, 'the first delivery');
    const delivery = await deliveryOf(id);
    await eventually(async () => (await db.query('SELECT status FROM deliveries WHERE id = $1', [delivery.deliveryId])).rows[0].status === 'delivered');

    for (const n of [1, 2, 3]) expect(await redeliver(delivery, `redelivered-${delivery.deliveryId}-${n}`)).toEqual({ kind: 'settled', status: 'delivered' });
    expect(receiver.on('/once')).toHaveLength(1);
    expect(await attempts(id)).toHaveLength(1);
  });

  it('sends once when a redelivered job arrives while the first is still sending', async () => {
    receiver.respond('/slow', () => ({ status: 200, delayMs: 800 }));
    const { id } = await subscribe('/slow', { projectIds: [project.id], types: ['project.status_changed'] });
    const duplicates: Promise<unknown>[] = [];
    const stop = receiver.onRequest((request) => {
      if (request.path !== '/slow') return;
      void deliveryOf(id).then((delivery) => duplicates.push(redeliver(delivery, `in-flight-${delivery.deliveryId}`)));
    });
    await project.post('/suspend', { reason: 'Audit of the cattle purchase' });
    await eventually(async () => duplicates.length === 1, 10_000, 'the duplicate job');
    expect(await duplicates[0]).toEqual({ kind: 'settled', status: 'delivered' });
    stop();
    expect(receiver.on('/slow')).toHaveLength(1);
    expect((await attempts(id)).map((a) => a.status)).toEqual(['delivered']);
    await project.post('/resume');
  });
});
