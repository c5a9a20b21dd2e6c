import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { WebhookReceiver } from '../../../../test/support/webhook-receiver.js';
import type { StoredNotification } from '../notification.js';
import type { DeliveryTarget } from './notification-channel.js';
import { WebhookChannel } from './webhook.channel.js';
import { newWebhookSecret } from './webhook-signature.js';

const notification: StoredNotification = {
  id: '5f0e7a52-2b1c-4a8e-9a57-0c2f7f6b8d11',
  type: 'milestone.reached',
  dedupeKey: 'milestone.reached:evt-1',
  projectId: 'b3a1c0de-0000-4000-8000-000000000001',
  country: 'LA',
  source: '/projects/b3a1c0de-0000-4000-8000-000000000001',
  subject: 'milestones/m-1',
  headline: 'Bansuo (CN-LA-BANSUO): milestone "Bridge completed" reached',
  time: '2026-11-25T10:00:00.000Z',
  data: { summary: 'Bridge completed.' },
  createdAt: '2026-11-25T10:00:01.000Z',
};

let receiver: WebhookReceiver;
const secret = newWebhookSecret();
const target = (url: string): DeliveryTarget => ({ subscriptionId: 's-1', ownerKeyId: 'k-1', target: url, secrets: [secret] });

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
});

afterAll(async () => {
  await receiver.close();
});

describe('WebhookChannel against a real HTTP server', () => {
  it('posts the signed CloudEvent and reads only the start of a long answer', async () => {
    receiver.respond('/ok', () => ({ status: 200, body: 'y'.repeat(1_000_000) }));
    const outcome = await new WebhookChannel({ allowPrivateNetworks: true, timeoutMs: 2_000 }).send(notification, target(receiver.url('/ok')));
    expect(outcome).toMatchObject({ ok: true, statusCode: 200, error: null });
    expect(outcome.responseExcerpt!.length).toBeLessThanOrEqual(501);
    const [call] = receiver.on('/ok');
    expect(call!.headers['webhook-id']).toBe(notification.id);
    expect(new Webhook(secret).verify(call!.body, call!.headers as Record<string, string>)).toMatchObject({ id: notification.id, specversion: '1.0' });
  });

  it('ends a call that outlasts the timeout', async () => {
    receiver.respond('/hang', () => ({ status: 200, hang: true }));
    const outcome = await new WebhookChannel({ allowPrivateNetworks: true, timeoutMs: 300 }).send(notification, target(receiver.url('/hang')));
    expect(outcome).toMatchObject({ ok: false, statusCode: null, error: 'no answer within 300 ms' });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(290);
    expect(outcome.latencyMs).toBeLessThan(2_000);
  });

  it('refuses, at delivery, a target on a private network when they are not allowed: by address and by name', async () => {
    const guarded = new WebhookChannel({ allowPrivateNetworks: false, timeoutMs: 2_000 });
    const before = receiver.received.length;
    const byAddress = await guarded.send(notification, target(receiver.url('/private')));
    expect(byAddress).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/refused to connect to 127\.0\.0\.1: it resolves to 127\.0\.0\.1/) });
    const byName = await guarded.send(notification, target(receiver.url('/private').replace('127.0.0.1', 'localhost')));
    expect(byName).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/refused to connect to localhost: it resolves to (127\.0\.0\.1|::1)/) });
    expect(receiver.received.length).toBe(before);
  });

  it('reports a refused connection as a failed attempt', async () => {
    const closed = await WebhookReceiver.start();
    const url = closed.url('/gone-away');
    await closed.close();
    const outcome = await new WebhookChannel({ allowPrivateNetworks: true, timeoutMs: 2_000 }).send(notification, target(url));
    expect(outcome).toMatchObject({ ok: false, statusCode: null, error: 'connection refused' });
  });
});
