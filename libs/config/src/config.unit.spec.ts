import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, DEVELOPMENT_SECRETS_KEY, loadConfig, parseByteSize } from './config.js';
import { loggingOptions } from './logging.js';

/** Production secrets as random ones look: varied enough (a one-letter secret is refused there). */
const ADMIN = 'v7Qm2xK9pL4tR8wZ';
const SECRETS = 'c3N9bF1hJ6kT0yW5qE8rU2iO7pA4sD1g';

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
      projectionAttempts: 12,
      projectionBackoffMs: 500,
      projectionBatchWindowMs: 10,
      projectionBatchWindowMaxMs: 100,
      projectionMaxLagSeconds: 300,
      workerMetricsPort: 9464,
      bodyLimitBytes: 1024 * 1024,
      rateLimitPerMinute: 100,
      rateLimitPerAddressPerMinute: 1000,
      corsOrigins: [],
      trustProxy: false,
      apiKeyRotationGraceSeconds: 86400,
      databaseConnectTimeoutMs: 3000,
      databaseStatementTimeoutMs: 15000,
      databasePoolSize: 20,
      httpKeepAliveTimeoutMs: 65_000,
      shutdownDrainMs: 0,
      workerShutdownLimitMs: 30_000,
      audit: {
        snapshotEvery: 100,
        checkpointIntervalMs: 60000,
        iatiReportingOrg: { ref: 'XI-IATI-PROJECT-TRACKER', type: '90', name: 'Project Tracker' },
      },
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

  it('refuses audit settings the exporter or the worker could not use', () => {
    expect(() => loadConfig({ IATI_REPORTING_ORG_TYPE: '99' })).toThrow(/IATI_REPORTING_ORG_TYPE must be an IATI OrganisationType/);
    expect(() => loadConfig({ AUDIT_CHECKPOINT_INTERVAL_MS: '5' })).toThrow(/AUDIT_CHECKPOINT_INTERVAL_MS/);
    expect(() => loadConfig({ SNAPSHOT_EVERY: '0' })).toThrow(/SNAPSHOT_EVERY/);
  });

  it('retries deliveries for about a day by default, the first retry within a few seconds', () => {
    const delays = loadConfig({}).notifications.deliveryRetryDelaysMs;
    expect(delays[0]).toBeLessThanOrEqual(5_000);
    const total = delays.reduce((sum, delay) => sum + delay, 0);
    expect(total).toBeGreaterThan(20 * 3_600_000);
    expect(total).toBeLessThan(28 * 3_600_000);
  });

  it('refuses webhooks to private networks in production unless told otherwise', () => {
    const production = { NODE_ENV: 'production', ADMIN_API_KEY: ADMIN, SECRETS_KEY: SECRETS };
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
        PUBLIC_URL: 'tracker.example.org',
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
      'PUBLIC_URL',
      'OVERDUE_SCAN_INTERVAL_MS',
      'DIGEST_SCHEDULE',
    ]);
  });

  it('takes PUBLIC_URL as where people reach the deployment, without a trailing slash, and none by default', () => {
    expect(loadConfig({}).notifications.publicUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_URL: 'https://tracker.example.org/' }).notifications.publicUrl).toBe('https://tracker.example.org');
    expect(loadConfig({ PUBLIC_URL: 'https://example.org/tracker' }).notifications.publicUrl).toBe('https://example.org/tracker');
    expect(() => loadConfig({ PUBLIC_URL: 'https://tracker.example.org/?x=1' })).toThrow(/PUBLIC_URL must be an http\(s\) URL/);
  });

  it('requires SECRETS_KEY in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ADMIN_API_KEY: ADMIN })).toThrow(/SECRETS_KEY is required in production/);
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
    expect(message).toMatch(/PORT must be a whole number between 0 and 65535/);
    expect(message).toMatch(/REDIS_URL must be a redis:\/\/ URL/);
    expect(message).toMatch(/ADMIN_API_KEY must be at least 16 characters/);
    expect(message).not.toContain('secret');
  });

  it('refuses in production a secret too plain to be random, and one secret used for both', () => {
    const production = { NODE_ENV: 'production', ADMIN_API_KEY: ADMIN, SECRETS_KEY: SECRETS };
    expect(() => loadConfig({ ...production, ADMIN_API_KEY: 'a'.repeat(16) })).toThrow(/ADMIN_API_KEY has fewer than 8 different characters/);
    expect(() => loadConfig({ ...production, SECRETS_KEY: 'ab'.repeat(20) })).toThrow(/SECRETS_KEY has fewer than 8 different characters/);
    expect(() => loadConfig({ ...production, SECRETS_KEY: `${ADMIN}${ADMIN}`, ADMIN_API_KEY: `${ADMIN}${ADMIN}` })).toThrow(/SECRETS_KEY is the same as ADMIN_API_KEY/);
    // Outside production, as plain as one likes.
    expect(loadConfig({ ADMIN_API_KEY: 'a'.repeat(16), SECRETS_KEY: 'a'.repeat(32) }).adminApiKey).toBe('a'.repeat(16));
  });

  it('refuses in production the secrets this repository publishes, whatever their length', () => {
    const production = { NODE_ENV: 'production', ADMIN_API_KEY: ADMIN, SECRETS_KEY: SECRETS };
    expect(() => loadConfig({ ...production, ADMIN_API_KEY: 'change-me-to-a-long-random-secret' })).toThrow(/ADMIN_API_KEY is the placeholder of \.env\.example/);
    expect(() => loadConfig({ ...production, SECRETS_KEY: 'change-me-to-another-long-random-secret-of-32-chars' })).toThrow(/SECRETS_KEY is a value this repository publishes/);
    expect(() => loadConfig({ ...production, SECRETS_KEY: 'development-only-secrets-key-not-for-production-use' })).toThrow(/SECRETS_KEY is a value this repository publishes/);
    // Outside production the placeholders are fine, as .env.example sets them.
    expect(loadConfig({ ADMIN_API_KEY: 'change-me-to-a-long-random-secret', SECRETS_KEY: 'change-me-to-another-long-random-secret-of-32-chars' }).adminApiKey).toBe(
      'change-me-to-a-long-random-secret',
    );
    expect(loadConfig(production).adminApiKey).toBe(ADMIN);
  });

  it('requires ADMIN_API_KEY in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SECRETS_KEY: SECRETS })).toThrow(/ADMIN_API_KEY is required in production/);
  });

  it("takes LOG_LEVEL=info as Nest's log, which pino writes as info (30)", () => {
    const config = loadConfig({ LOG_LEVEL: 'info' });
    expect(config.logLevel).toBe('log');
    expect(loggingOptions(config, 'api').pinoHttp).toMatchObject({ level: 'info' });
    expect(loadConfig({ LOG_LEVEL: 'log' }).logLevel).toBe('log');
    expect(() => loadConfig({ LOG_LEVEL: 'trace' })).toThrow('LOG_LEVEL must be one of error, warn, info (or log), debug, verbose (got "trace")');
  });

  it('takes a QUEUE_PREFIX with one Redis Cluster hash tag, and refuses braces Redis would not read as one', () => {
    for (const prefix of ['pt', '{pt}', 'pt{eu}', '{pt}:eu', 'a'.repeat(64)]) expect(loadConfig({ QUEUE_PREFIX: prefix }).queuePrefix).toBe(prefix);
    for (const prefix of ['{pt', 'pt}', '}pt{', '{}', '{{pt}}', '{a{b}}', '{a}{b}', 'p t', 'a'.repeat(65), `{${'a'.repeat(63)}}`]) {
      expect(() => loadConfig({ QUEUE_PREFIX: prefix })).toThrow(/QUEUE_PREFIX must be 1-64 letters, digits or _.:-, with at most one Redis Cluster hash tag in braces, like \{pt\} or pt\{eu\}/);
    }
  });

  it('refuses a database URL without a database name', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://127.0.0.1:5432' })).toThrow(/naming a database/);
  });
});

describe('hardening settings', () => {
  it('reads body sizes as body-parser writes them', () => {
    expect(parseByteSize('1mb')).toBe(1_048_576);
    expect(parseByteSize('512KB')).toBe(524_288);
    expect(parseByteSize('65536')).toBe(65_536);
    expect(parseByteSize('1.5mb')).toBe(1_572_864);
    expect(parseByteSize('1gb')).toBeUndefined();
    expect(parseByteSize('lots')).toBeUndefined();
    expect(loadConfig({ BODY_LIMIT: '256kb' }).bodyLimitBytes).toBe(262_144);
    expect(() => loadConfig({ BODY_LIMIT: '2gb' })).toThrow(/BODY_LIMIT must be a size between 1kb and 100mb/);
    expect(() => loadConfig({ BODY_LIMIT: '10' })).toThrow(/BODY_LIMIT/);
  });

  it('turns rate limits off with 0 and refuses anything but a whole number', () => {
    expect(loadConfig({ RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0' })).toMatchObject({
      rateLimitPerMinute: 0,
      rateLimitPerAddressPerMinute: 0,
    });
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: '-1' })).toThrow(/RATE_LIMIT_PER_MINUTE must be a whole number/);
    expect(() => loadConfig({ RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1.5' })).toThrow(/RATE_LIMIT_PER_ADDRESS_PER_MINUTE/);
  });

  it('accepts CORS origins only as bare origins', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(() => loadConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS must list origins/);
    // A wildcard in a host is no pattern here: it would match only itself, and a typo would go unnoticed.
    expect(() => loadConfig({ CORS_ORIGINS: 'https://*.example.com' })).toThrow(/CORS_ORIGINS must list origins like https:\/\/tracker\.example\.org, separated by commas \(got "https:\/\/\*\.example\.com"\)/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example/path' })).toThrow(/CORS_ORIGINS/);
  });

  it('never trusts every proxy, only hops or named addresses', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/40' })).toThrow(/TRUST_PROXY/);
  });

  it('bounds the rotation grace and the database timeouts', () => {
    expect(loadConfig({ API_KEY_ROTATION_GRACE_SECONDS: '0' }).apiKeyRotationGraceSeconds).toBe(0);
    expect(() => loadConfig({ API_KEY_ROTATION_GRACE_SECONDS: '99999999' })).toThrow(/API_KEY_ROTATION_GRACE_SECONDS/);
    expect(() => loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: '0' })).toThrow(/DATABASE_CONNECT_TIMEOUT_MS/);
    expect(() => loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: 'soon' })).toThrow(/DATABASE_STATEMENT_TIMEOUT_MS/);
  });

  it('drains the API for 5 s on SIGTERM in production and not at all elsewhere, unless told', () => {
    expect(loadConfig({}).shutdownDrainMs).toBe(0);
    expect(loadConfig({ NODE_ENV: 'production', ADMIN_API_KEY: ADMIN, SECRETS_KEY: SECRETS }).shutdownDrainMs).toBe(5_000);
    expect(loadConfig({ SHUTDOWN_DRAIN_MS: '15000' }).shutdownDrainMs).toBe(15_000);
    expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: '-1' })).toThrow(/SHUTDOWN_DRAIN_MS must be a whole number between 0 and 120000/);
    expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: '600000' })).toThrow(/SHUTDOWN_DRAIN_MS/);
  });

  it('gives a stopping worker 30 s to close before it exits regardless, unless told', () => {
    expect(loadConfig({}).workerShutdownLimitMs).toBe(30_000);
    expect(loadConfig({ WORKER_SHUTDOWN_LIMIT_MS: '25000' }).workerShutdownLimitMs).toBe(25_000);
    expect(() => loadConfig({ WORKER_SHUTDOWN_LIMIT_MS: '999' })).toThrow(/WORKER_SHUTDOWN_LIMIT_MS must be a whole number between 1000 and 600000/);
    expect(() => loadConfig({ WORKER_SHUTDOWN_LIMIT_MS: '600001' })).toThrow(/WORKER_SHUTDOWN_LIMIT_MS/);
  });

  it("lets the projection batch window grow to 100 ms under load, or to the shortest window set if longer, unless told", () => {
    expect(loadConfig({})).toMatchObject({ projectionBatchWindowMs: 10, projectionBatchWindowMaxMs: 100 });
    expect(loadConfig({ PROJECTION_BATCH_WINDOW_MS: '250' })).toMatchObject({ projectionBatchWindowMs: 250, projectionBatchWindowMaxMs: 250 });
    expect(loadConfig({ PROJECTION_BATCH_WINDOW_MAX_MS: '10' })).toMatchObject({ projectionBatchWindowMs: 10, projectionBatchWindowMaxMs: 10 });
    expect(() => loadConfig({ PROJECTION_BATCH_WINDOW_MS: '50', PROJECTION_BATCH_WINDOW_MAX_MS: '20' })).toThrow(
      /PROJECTION_BATCH_WINDOW_MAX_MS must be at least PROJECTION_BATCH_WINDOW_MS \(got 20 and 50\)/,
    );
  });

  it("bounds the worker's intervals below what Node's timers can hold, which would otherwise fire every millisecond", () => {
    expect(loadConfig({ RECONCILE_INTERVAL_MS: '3600000', NOTIFIER_POLL_INTERVAL_MS: '60000' })).toMatchObject({
      reconcileIntervalMs: 3_600_000,
      notifications: { pollIntervalMs: 60_000 },
    });
    expect(() => loadConfig({ RECONCILE_INTERVAL_MS: '3000000000' })).toThrow(/RECONCILE_INTERVAL_MS must be a whole number between 50 and 3600000/);
    expect(() => loadConfig({ RECONCILE_INTERVAL_MS: '49' })).toThrow(/RECONCILE_INTERVAL_MS/);
    expect(() => loadConfig({ NOTIFIER_POLL_INTERVAL_MS: '3000000000' })).toThrow(/NOTIFIER_POLL_INTERVAL_MS must be a whole number between 50 and 60000/);
    expect(() => loadConfig({ NOTIFIER_POLL_INTERVAL_MS: '1e3' })).toThrow(/NOTIFIER_POLL_INTERVAL_MS/);
  });
});

describe('whole-number settings', () => {
  const WHOLE_NUMBER_SETTINGS = [
    'PORT',
    'RECONCILE_INTERVAL_MS',
    'PROJECTION_ATTEMPTS',
    'PROJECTION_BACKOFF_MS',
    'PROJECTION_BATCH_WINDOW_MS',
    'PROJECTION_BATCH_WINDOW_MAX_MS',
    'PROJECTION_MAX_LAG_SECONDS',
    'WORKER_METRICS_PORT',
    'RATE_LIMIT_PER_MINUTE',
    'RATE_LIMIT_PER_ADDRESS_PER_MINUTE',
    'API_KEY_ROTATION_GRACE_SECONDS',
    'DATABASE_CONNECT_TIMEOUT_MS',
    'DATABASE_STATEMENT_TIMEOUT_MS',
    'DATABASE_POOL_SIZE',
    'HTTP_KEEP_ALIVE_TIMEOUT_MS',
    'SHUTDOWN_DRAIN_MS',
    'WORKER_SHUTDOWN_LIMIT_MS',
    'SNAPSHOT_EVERY',
    'AUDIT_CHECKPOINT_INTERVAL_MS',
    'WEBHOOK_TIMEOUT_MS',
    'DELIVERY_RETRY_DELAYS_MS',
    'NOTIFIER_POLL_INTERVAL_MS',
    'OVERDUE_SCAN_INTERVAL_MS',
  ];

  it.each(['1e2', '0x3e8', '1e3', '500.0', '+500', '0b111110100'])('refuses %j in every one of them, naming each', (written) => {
    const problems = problemsOf(Object.fromEntries(WHOLE_NUMBER_SETTINGS.map((key) => [key, written])));
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual(WHOLE_NUMBER_SETTINGS);
    for (const problem of problems) expect(problem).toContain(`(got "${written}")`);
  });

  it('refuses a retry delay written otherwise than in digits, among good ones', () => {
    expect(loadConfig({ DELIVERY_RETRY_DELAYS_MS: '2000, 10000' }).notifications.deliveryRetryDelaysMs).toEqual([2000, 10_000]);
    expect(() => loadConfig({ DELIVERY_RETRY_DELAYS_MS: '2000,1e4' })).toThrow(/DELIVERY_RETRY_DELAYS_MS must be up to 30/);
  });

  it('publishes audit checkpoints at least daily, and says why an overdue scan is at most a minute apart', () => {
    expect(loadConfig({ AUDIT_CHECKPOINT_INTERVAL_MS: '86400000' }).audit.checkpointIntervalMs).toBe(86_400_000);
    expect(() => loadConfig({ AUDIT_CHECKPOINT_INTERVAL_MS: '86400001' })).toThrow(
      /AUDIT_CHECKPOINT_INTERVAL_MS must be a whole number between 100 and 86400000 \(got "86400001"\)/,
    );
    expect(() => loadConfig({ OVERDUE_SCAN_INTERVAL_MS: '60001' })).toThrow(
      /OVERDUE_SCAN_INTERVAL_MS must be a whole number between 100 and 60000: overdue milestones are looked for at least every minute/,
    );
  });
});

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('.env.example', () => {
  it('is a valid configuration', () => {
    const env = parseEnv(readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8'));
    expect(() => loadConfig(env)).not.toThrow();
  });
});
