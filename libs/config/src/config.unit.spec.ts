import { describe, expect, it } from '@jest/globals';
import { ConfigError, DEVELOPMENT_SECRETS_KEY, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('uses the docker-compose defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      nodeEnv: 'development',
      port: 3000,
      databaseUrl: 'postgres://postgres:postgres@127.0.0.1:5432/project_tracker',
      redisUrl: 'redis://127.0.0.1:6379',
      adminApiKey: undefined,
      queuePrefix: 'pt',
      reconcileIntervalMs: 1000,
      logLevel: 'log',
      notifications: {
        webhookAllowPrivateNetworks: true,
        webhookTimeoutMs: 10_000,
        deliveryRetryDelaysMs: [2000, 10_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 28_800_000],
        secretsKey: DEVELOPMENT_SECRETS_KEY,
        smtpUrl: 'smtp://127.0.0.1:1025',
        mailFrom: 'Project Tracker <notifications@project-tracker.localhost>',
        pollIntervalMs: 2000,
        overdueScanIntervalMs: 60_000,
        digestSchedule: '0 7 * * 1',
      },
    });
  });

  it('retries deliveries for about a day by default, the first retry within a few seconds', () => {
    const delays = loadConfig({}).notifications.deliveryRetryDelaysMs;
    expect(delays[0]).toBeLessThanOrEqual(5_000);
    const total = delays.reduce((sum, delay) => sum + delay, 0);
    expect(total).toBeGreaterThan(20 * 3_600_000);
    expect(total).toBeLessThan(28 * 3_600_000);
  });

  it('refuses webhooks to private networks in production unless told otherwise', () => {
    const production = { NODE_ENV: 'production', ADMIN_API_KEY: 'a'.repeat(20), SECRETS_KEY: 's'.repeat(32) };
    expect(loadConfig(production).notifications.webhookAllowPrivateNetworks).toBe(false);
    expect(loadConfig({ ...production, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }).notifications.webhookAllowPrivateNetworks).toBe(true);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' }).notifications.webhookAllowPrivateNetworks).toBe(false);
  });

  it('names every malformed notification setting', () => {
    let error: unknown;
    try {
      loadConfig({
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'yes',
        WEBHOOK_TIMEOUT_MS: '600000',
        DELIVERY_RETRY_DELAYS_MS: '1000,soon',
        SECRETS_KEY: 'short',
        SMTP_URL: 'http://mail',
        MAIL_FROM: 'nobody',
        OVERDUE_SCAN_INTERVAL_MS: '3600000',
        DIGEST_SCHEDULE: 'every monday',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems } = error as ConfigError;
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual([
      'WEBHOOK_ALLOW_PRIVATE_NETWORKS',
      'WEBHOOK_TIMEOUT_MS',
      'DELIVERY_RETRY_DELAYS_MS',
      'SECRETS_KEY',
      'SMTP_URL',
      'MAIL_FROM',
      'OVERDUE_SCAN_INTERVAL_MS',
      'DIGEST_SCHEDULE',
    ]);
  });

  it('requires SECRETS_KEY in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ADMIN_API_KEY: 'a'.repeat(20) })).toThrow(/SECRETS_KEY is required in production/);
  });

  it('stops with every problem named, and never prints a password', () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://user:secret@db/x', PORT: 'eighty', REDIS_URL: 'nope', ADMIN_API_KEY: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(4);
    expect(message).toMatch(/DATABASE_URL must be a postgres:\/\/ URL/);
    expect(message).toMatch(/PORT must be an integer/);
    expect(message).toMatch(/REDIS_URL must be a redis:\/\/ URL/);
    expect(message).toMatch(/ADMIN_API_KEY must be at least 16 characters/);
    expect(message).not.toContain('secret');
  });

  it('requires ADMIN_API_KEY in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SECRETS_KEY: 's'.repeat(32) })).toThrow(/ADMIN_API_KEY is required in production/);
  });

  it('refuses a database URL without a database name', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://127.0.0.1:5432' })).toThrow(/naming a database/);
  });
});
