import type pg from 'pg';
import { CONFIG_DEFAULTS, ConfigError, redact } from '@app/config';
import { isUnavailable } from './unavailable.js';

/** Where the process's dependencies are, as its settings say. */
export interface DependencySettings {
  databaseUrl?: string;
  redisUrl?: string;
}

/** The dependencies' addresses from the environment (after `.env` is loaded), or their defaults. */
export function dependencySettings(env: NodeJS.ProcessEnv = process.env): DependencySettings {
  return { databaseUrl: env.DATABASE_URL || CONFIG_DEFAULTS.DATABASE_URL, redisUrl: env.REDIS_URL || CONFIG_DEFAULTS.REDIS_URL };
}

/**
 * What an operator reads when the API, the worker or a CLI command cannot start or run: the cause and
 * what to check, on one line; a stack only for a fault of our own.
 */
export function failureMessage(error: unknown, settings: DependencySettings): string {
  if (error instanceof ConfigError) return error.message;
  const failure = (error ?? {}) as { code?: unknown; port?: unknown; syscall?: unknown };
  if (failure.code === 'EADDRINUSE' && failure.syscall === 'listen') {
    return `Port ${String(failure.port)} is already in use by another process: stop it, or set PORT (WORKER_METRICS_PORT for the worker's metrics).`;
  }
  if (settings.redisUrl && isAt(error, settings.redisUrl)) {
    return `Redis at ${redact(settings.redisUrl)} could not be reached (${describe(error)}): is it running, and does REDIS_URL point to it?`;
  }
  const where = settings.databaseUrl ? ` at ${redact(settings.databaseUrl)}` : '';
  const code = (error as { code?: unknown } | null)?.code;
  if (code === '3D000') return `The database${where} does not exist: \`npm run db:migrate\` creates it.`;
  if (code === '42P01') return `The database${where} has no Project Tracker schema (${describe(error)}): \`npm run db:migrate\` creates it.`;
  if (code === '28P01' || code === '28000') return `PostgreSQL${where} refused the connection (${describe(error)}): check DATABASE_URL.`;
  if (isUnavailable(error)) {
    return `PostgreSQL${where} could not be reached, or the connection was lost (${describe(error)}): is it running, and does DATABASE_URL point to it?`;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Whether the database refused who we are or what we asked for (not an outage): waiting will not help. */
export function isMisconfiguredDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '3D000' || code === '42P01' || code === '28P01' || code === '28000';
}

/**
 * Fails as a process started on a database it cannot use fails: 3D000 where it does not exist, 28P01
 * where it refuses our credentials, 42P01 where `npm run db:migrate` has not created the schema yet
 * (otherwise each request or job would be the first to find out). Succeeds on a migrated database.
 */
export async function checkDatabase(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT 1 FROM event_streams LIMIT 0');
}

/** Whether a connection error names the host and port of `url` (ioredis and pg both say where they failed). */
function isAt(error: unknown, url: string): boolean {
  const failures = [error, ...(((error as { errors?: unknown[] } | null)?.errors ?? []) as unknown[])];
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  const port = Number(target.port || (target.protocol === 'rediss:' ? 6380 : 6379));
  return failures.some((failure) => {
    const { port: failedPort, address } = (failure ?? {}) as { port?: unknown; address?: unknown };
    return failedPort === port && (typeof address !== 'string' || sameHost(address, target.hostname));
  });
}

function sameHost(address: string, hostname: string): boolean {
  const local = ['localhost', '127.0.0.1', '::1', '[::1]'];
  return address === hostname || (local.includes(address) && local.includes(hostname));
}

/** An error's message; a connection refused on every address of a host name is an AggregateError without one. */
function describe(error: unknown): string {
  const failure = error as { message?: unknown; code?: unknown; errors?: unknown[] };
  if (typeof failure.message === 'string' && failure.message !== '') return failure.message;
  if (Array.isArray(failure.errors) && failure.errors.length > 0) return failure.errors.map(describe).join('; ');
  return String(failure.code ?? error);
}
