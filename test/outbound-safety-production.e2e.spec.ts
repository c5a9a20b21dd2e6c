import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { SecretBox, SubscriptionStore } from '@app/notifications';
import { auth, createKey, type ProjectClient, startedProject } from './support/api-helpers.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { eventually } from './support/test-environment.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

// Notifications travel through the feed, a queue and a receiver; a busy machine slows each step.
jest.setTimeout(60_000);

// NODE_ENV=production with WEBHOOK_ALLOW_PRIVATE_NETWORKS left unset: the default there is to refuse.
const SECRETS_KEY = 'production-mode-spec-secrets-key-0123456789';

let system: RunningSystem;
let db: pg.Pool;
let receiver: WebhookReceiver;
let manager: string;
let project: ProjectClient;

beforeAll(async () => {
  system = await startSystem('outbound_production_e2e', { env: { NODE_ENV: 'production', SECRETS_KEY } });
  db = new pg.Pool({ connectionString: system.env.config.databaseUrl });
  db.on('error', () => undefined);
  receiver = await WebhookReceiver.start();
  manager = await createKey(system, 'manager');
  project = await startedProject(system, manager);
});

afterAll(async () => {
  await receiver?.close();
  await db?.end();
  await system?.stop();
});

describe('outbound safety in production mode (private networks not allowed by default)', () => {
  it('runs with private networks refused', () => {
    expect(system.env.config.nodeEnv).toBe('production');
    expect(system.env.settings).not.toHaveProperty('WEBHOOK_ALLOW_PRIVATE_NETWORKS');
    expect(system.env.config.notifications.webhookAllowPrivateNetworks).toBe(false);
  });

  it('refuses a webhook to 10.0.0.1 (and to loopback, link-local and other private targets), storing nothing', async () => {
    for (const url of ['http://10.0.0.1/hook', 'https://10.0.0.1:8443/hook', 'http://192.168.1.20/', 'http://localhost:9000/', 'http://169.254.169.254/latest/meta-data', 'http://[fd00::1]/']) {
      const response = await system.http.post('/subscriptions').set(auth(manager)).send({ channel: 'webhook', url });
      expect({ url, status: response.status, type: response.type, code: response.body.code, field: response.body.errors?.[0]?.field }).toEqual({
        url,
        status: 400,
        type: 'application/problem+json',
        code: 'SUBSCRIPTION.URL_PRIVATE_NETWORK',
        field: 'url',
      });
    }
    const stored = await db.query('SELECT count(*)::int AS n FROM subscriptions');
    expect(stored.rows[0].n).toBe(0);
  });

  it('refuses at delivery a target that has come to resolve to a private address since it was subscribed', async () => {
    // As if the name had resolved to a public address when subscribed and points at the loopback now (DNS
    // rebinding): the subscription is written past the API's check, straight into the store.
    const owner = await db.query<{ id: string }>(`SELECT id FROM api_keys WHERE role = 'manager'`);
    const { subscription } = await new SubscriptionStore(db, new SecretBox(SECRETS_KEY)).create(owner.rows[0]!.id, {
      channel: 'webhook',
      target: receiver.url('/rebound'),
      filter: { projectIds: [project.id], countries: [], types: ['project.status_changed'] },
    });

    await project.post('/suspend', { reason: 'Flooding on the access road' });
    const [attempt] = await eventually(async () => {
      const response = await system.http.get(`/subscriptions/${subscription.id}/deliveries`).set(auth(manager)).expect(200);
      return response.body.items.length > 0 && response.body.items;
    }, 20_000, 'the refused delivery attempt');
    expect(attempt).toMatchObject({ status: 'failed', statusCode: null });
    expect(attempt.error).toMatch(/127\.0\.0\.1/);
    expect(attempt.error).toMatch(/private|refused/i);
    expect(receiver.on('/rebound')).toHaveLength(0);
  });
});
