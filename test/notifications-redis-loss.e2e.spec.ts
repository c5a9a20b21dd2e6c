import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Queue } from 'bullmq';
import { DELIVERIES_QUEUE, NOTIFIER_QUEUE, SCHEDULERS } from '../apps/worker/src/notifications/notification-queues.js';
import { auth, createKey, type ProjectClient, startedProject } from './support/api-helpers.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { eventually } from './support/test-environment.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

// Notifications travel through the feed, a queue and a receiver; a busy machine slows each step.
jest.setTimeout(60_000);

let system: RunningSystem;
let receiver: WebhookReceiver;
let queues: Queue[];
let manager: string;
let project: ProjectClient;

beforeAll(async () => {
  // A short poll, so that what Redis lost is found again within seconds.
  system = await startSystem('notifications_redis_loss_e2e', { env: { NOTIFIER_POLL_INTERVAL_MS: '200' } });
  receiver = await WebhookReceiver.start();
  const connection = { url: system.env.config.redisUrl };
  queues = [NOTIFIER_QUEUE, DELIVERIES_QUEUE].map((name) => new Queue(name, { connection, prefix: system.env.config.queuePrefix }));
  manager = await createKey(system, 'manager');
  project = await startedProject(system, manager);
});

afterAll(async () => {
  for (const queue of queues ?? []) await queue.close();
  await receiver?.close();
  await system?.stop();
});

describe('Redis losing its queues', () => {
  it('only delays notifications: schedules come back and a lost retry is offered again', async () => {
    receiver.respond('/hook', (_request, nth) => (nth === 1 ? { status: 503 } : { status: 204 }));
    const subscription = await system.http
      .post('/subscriptions')
      .set(auth(manager))
      .send({ channel: 'webhook', url: receiver.url('/hook'), filter: { projectIds: [project.id] } })
      .expect(201);
    await project.post('/suspend', { reason: 'Flooding' });
    await eventually(async () => receiver.on('/hook').length === 1, 20_000, 'the first, failed attempt');

    // The retry waits in Redis; Redis forgets everything (as a restart of a server that keeps nothing on disk does).
    for (const queue of queues) await queue.obliterate({ force: true });
    expect(await queues[0]!.getJobScheduler(SCHEDULERS.poll)).toBeUndefined();

    const [first, retry] = await eventually(async () => receiver.on('/hook').length >= 2 && receiver.on('/hook'), 30_000, 'the retry');
    expect(retry!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    await eventually(async () => (await queues[0]!.getJobSchedulers()).length === 3, 10_000, 'the schedulers set again');

    await project.post('/resume');
    await eventually(async () => receiver.on('/hook').length === 3, 20_000, 'the next notification');
    const attempts = (await system.http.get(`/subscriptions/${subscription.body.id}/deliveries`).set(auth(manager)).expect(200)).body.items;
    expect(attempts.map((attempt: any) => [attempt.attempt, attempt.status])).toEqual([
      [1, 'delivered'],
      [2, 'delivered'],
      [1, 'failed'],
    ]);
  });
});
