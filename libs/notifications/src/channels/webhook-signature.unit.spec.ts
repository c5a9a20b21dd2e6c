import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, signWebhook, webhookSignatures } from './webhook-signature.js';

describe('Standard Webhooks signatures', () => {
  it('makes secrets of 32 random bytes with the whsec_ prefix', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it('signs so that the official library verifies, and refuses a changed body', () => {
    const secret = newWebhookSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ specversion: '1.0', id: 'n-1', type: 'example.project-tracker.milestone.reached' });
    const headers = { 'webhook-id': 'n-1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(secret, 'n-1', timestamp, body) };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('n-1', 'n-2'), headers)).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('matches the signature the official library makes', () => {
    const secret = newWebhookSecret();
    const at = new Date('2026-11-25T10:00:00Z');
    expect(signWebhook(secret, 'msg_1', at.getTime() / 1000, '{"a":1}')).toBe(new Webhook(secret).sign('msg_1', at, '{"a":1}'));
  });

  it('signs with each secret of a rotation, so that the official library verifies with either and with no other', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const timestamp = Math.floor(Date.now() / 1000);
    const body = '{"id":"n-1"}';
    const signature = webhookSignatures([current, previous], 'n-1', timestamp, body);
    expect(signature.split(' ')).toEqual([signWebhook(current, 'n-1', timestamp, body), signWebhook(previous, 'n-1', timestamp, body)]);
    const headers = { 'webhook-id': 'n-1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
    expect(new Webhook(current).verify(body, headers)).toEqual({ id: 'n-1' });
    expect(new Webhook(previous).verify(body, headers)).toEqual({ id: 'n-1' });
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(webhookSignatures([current], 'n-1', timestamp, body)).toBe(signWebhook(current, 'n-1', timestamp, body));
  });
});
