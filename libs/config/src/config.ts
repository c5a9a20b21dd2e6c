import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { type AuditConfig, readAuditConfig } from './audit-config.js';

/** The settings every process reads, validated once at boot. */
export interface AppConfig {
  nodeEnv: 'development' | 'test' | 'production';
  port: number;
  databaseUrl: string;
  redisUrl: string;
  /** The first admin key; required outside development and test. */
  adminApiKey: string | undefined;
  /** BullMQ key prefix, so several deployments or test runs can share one Redis. */
  queuePrefix: string;
  /** How often the worker compares the event store with the read models, in milliseconds. */
  reconcileIntervalMs: number;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  audit: AuditConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Defaults match docker-compose.yml. */
export const CONFIG_DEFAULTS = {
  PORT: '3000',
  DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:5432/project_tracker',
  REDIS_URL: 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: 'pt',
  RECONCILE_INTERVAL_MS: '1000',
  LOG_LEVEL: 'log',
  NODE_ENV: 'development',
} as const;

/**
 * Reads `.env` (if present) under the process environment: a variable already set in the environment
 * wins over the file.
 */
export function loadDotEnv(path = '.env', env: NodeJS.ProcessEnv = process.env): void {
  if (!existsSync(path)) return;
  const parsed = parseEnv(readFileSync(path, 'utf8'));
  for (const [key, value] of Object.entries(parsed)) {
    if (env[key] === undefined) env[key] = value;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const read = (key: keyof typeof CONFIG_DEFAULTS): string => {
    const value = env[key];
    return value === undefined || value === '' ? CONFIG_DEFAULTS[key] : value;
  };

  const nodeEnv = read('NODE_ENV');
  if (!['development', 'test', 'production'].includes(nodeEnv)) {
    problems.push(`NODE_ENV must be development, test or production (got "${nodeEnv}")`);
  }

  const port = Number(read('PORT'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be an integer between 0 and 65535 (got "${read('PORT')}")`);
  }

  const databaseUrl = read('DATABASE_URL');
  if (!isUrlWithProtocol(databaseUrl, ['postgres:', 'postgresql:']) || !databaseName(databaseUrl)) {
    problems.push(
      `DATABASE_URL must be a postgres:// URL naming a database, like ${CONFIG_DEFAULTS.DATABASE_URL} (got "${redact(databaseUrl)}")`,
    );
  }

  const redisUrl = read('REDIS_URL');
  if (!isUrlWithProtocol(redisUrl, ['redis:', 'rediss:'])) {
    problems.push(`REDIS_URL must be a redis:// URL, like ${CONFIG_DEFAULTS.REDIS_URL} (got "${redact(redisUrl)}")`);
  }

  const adminApiKey = env.ADMIN_API_KEY || undefined;
  if (adminApiKey !== undefined && adminApiKey.length < 16) {
    problems.push('ADMIN_API_KEY must be at least 16 characters long');
  }
  if (adminApiKey === undefined && nodeEnv === 'production') {
    problems.push('ADMIN_API_KEY is required in production: it is the first admin key');
  }

  const queuePrefix = read('QUEUE_PREFIX');
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(queuePrefix)) {
    problems.push(`QUEUE_PREFIX must be 1-64 letters, digits or _.:- (got "${queuePrefix}")`);
  }

  const reconcileIntervalMs = Number(read('RECONCILE_INTERVAL_MS'));
  if (!Number.isInteger(reconcileIntervalMs) || reconcileIntervalMs < 50) {
    problems.push(`RECONCILE_INTERVAL_MS must be an integer of at least 50 (got "${read('RECONCILE_INTERVAL_MS')}")`);
  }

  const logLevel = read('LOG_LEVEL');
  if (!['error', 'warn', 'log', 'debug', 'verbose'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of error, warn, log, debug, verbose (got "${logLevel}")`);
  }

  const audit = readAuditConfig(env, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    nodeEnv: nodeEnv as AppConfig['nodeEnv'],
    port,
    databaseUrl,
    redisUrl,
    adminApiKey,
    queuePrefix,
    reconcileIntervalMs,
    logLevel: logLevel as AppConfig['logLevel'],
    audit,
  };
}

export function databaseName(databaseUrl: string): string | undefined {
  try {
    return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || undefined;
  } catch {
    return undefined;
  }
}

function isUrlWithProtocol(value: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Never print a password from a connection string. */
function redact(value: string): string {
  return value.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
}
