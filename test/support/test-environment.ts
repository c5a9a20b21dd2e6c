import { randomBytes } from 'node:crypto';
import { type AppConfig, CONFIG_DEFAULTS, loadConfig } from '@app/config';
import { createDatabaseIfMissing, dropDatabaseIfExists, migrate } from '@app/database';
import { dropQueueKeys } from './queue-keys.js';

/**
 * A database and a queue prefix of the caller's own, so spec files (and CI runs) never see each
 * other's events or jobs. PostgreSQL and Redis are the real local servers.
 */
export interface TestEnvironment {
  config: AppConfig;
  /** The settings this environment runs with, as environment variables. */
  settings: Record<string, string>;
  /** Drops the database and deletes the queue prefix's Redis keys; call from afterAll. */
  dispose(): Promise<void>;
}

const BASE_DATABASE_URL = databaseServerUrl();
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The PostgreSQL server of this Jest worker: TEST_DATABASE_URL (the machine's server by default), or
 * with TEST_DATABASE_URLS (a comma-separated list, one server per worker: scripts/test.sh starts them)
 * the worker's own. Workers need servers of their own, not only databases: the global feed shows an
 * event once no older transaction is open anywhere on its server, so a spec holding a transaction open
 * would hold back the feed of a spec beside it.
 */
function databaseServerUrl(): string {
  const servers = (process.env.TEST_DATABASE_URLS ?? '').split(',').filter((url) => url.trim() !== '');
  if (servers.length === 0) return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const worker = Number(process.env.JEST_WORKER_ID ?? '1');
  return servers[(worker - 1) % servers.length]!.trim();
}

/** Every setting a test may change; cleared before each environment so none leaks into the next spec file. */
const SETTINGS = [...Object.keys(CONFIG_DEFAULTS), 'ADMIN_API_KEY', 'WEBHOOK_ALLOW_PRIVATE_NETWORKS', 'SECRETS_KEY', 'PROJECTION_BATCH_WINDOW_MAX_MS'];

/**
 * `settings` are this environment's own (a short overdue scan interval, an SMTP server's URL). Rate
 * limits are off unless a spec sets them: specs send hundreds of requests a minute from one address.
 */
export async function createTestEnvironment(
  label: string,
  settings: Record<string, string> = {},
  /** Another PostgreSQL server to create the database on (a throwaway one a spec can stop). */
  serverUrl = BASE_DATABASE_URL,
): Promise<TestEnvironment> {
  const suffix = `${label.replaceAll(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const url = new URL(serverUrl);
  url.pathname = `/pt_test_${suffix}`;
  const databaseUrl = url.toString();

  const env = {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    ADMIN_API_KEY: `test-admin-${randomBytes(12).toString('hex')}`,
    QUEUE_PREFIX: `pt_test_${suffix}`,
    RECONCILE_INTERVAL_MS: '200',
    PROJECTION_ATTEMPTS: '3',
    PROJECTION_BACKOFF_MS: '50',
    WORKER_METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    PORT: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0',
    ...settings,
  };
  applySettings(env);
  // Settings a spec got wrong are refused before there is a database to leave behind.
  const config = loadConfig(env);
  await createDatabaseIfMissing(databaseUrl);
  await migrate(databaseUrl);
  const dispose = async () => {
    await dropDatabaseIfExists(databaseUrl);
    await dropQueueKeys(env.REDIS_URL, env.QUEUE_PREFIX);
  };
  return { config, settings: env, dispose };
}

/** Makes `settings` the process environment's, which Nest's ConfigModule reads when an app is created. */
export function applySettings(settings: Record<string, string>): void {
  for (const key of SETTINGS) delete process.env[key];
  Object.assign(process.env, settings);
}

/** Polls `probe` until it answers something truthy, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
