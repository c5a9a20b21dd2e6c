import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseEnv } from 'node:util';
import { type AuditConfig, readAuditConfig } from './audit-config.js';
import { readWholeNumber } from './whole-number.js';

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
  /** Tries of a projection job before it is parked as a dead letter, and the first backoff delay. */
  projectionAttempts: number;
  projectionBackoffMs: number;
  /**
   * How long the worker gathers announced projects into one sync job under load (0: a job per turn),
   * at least and at most: the window grows with the rate of announcements (docs/pipeline.md).
   */
  projectionBatchWindowMs: number;
  projectionBatchWindowMaxMs: number;
  /** Readiness fails when a read model is further than this behind the event store. */
  projectionMaxLagSeconds: number;
  /** Port of the worker's Prometheus metrics; 0 turns the endpoint off. */
  workerMetricsPort: number;
  /** Largest JSON body accepted, in bytes; larger ones get 413. */
  bodyLimitBytes: number;
  /** Requests per minute per API key; 0 turns the limit off (load tests, benchmarks). */
  rateLimitPerMinute: number;
  /** Requests per minute per client address, counted before authentication; 0 turns it off. */
  rateLimitPerAddressPerMinute: number;
  /** Browser origins allowed by CORS; empty means CORS stays off. */
  corsOrigins: string[];
  /** Express `trust proxy`: false, a number of hops, or the proxies' addresses and subnets. */
  trustProxy: false | number | string[];
  /** How long a rotated key's previous secret keeps working, unless the rotation names its own grace. */
  apiKeyRotationGraceSeconds: number;
  /** How long to wait for a PostgreSQL connection (including a free one from the pool) before answering 503. */
  databaseConnectTimeoutMs: number;
  /** Longest a single SQL statement may run before it is cancelled and answered 503. */
  databaseStatementTimeoutMs: number;
  /** Connections of the process's event-store pool (the ORM's pool takes half as many). */
  databasePoolSize: number;
  /**
   * How long the API keeps an idle client connection open. Longer than the idle timeout of a proxy or
   * load balancer in front (60 s is common), so that the API never closes a connection the proxy is
   * about to send a request on.
   */
  httpKeepAliveTimeoutMs: number;
  /**
   * How long the API, told to stop (SIGTERM), goes on serving while its readiness answers 503, so that
   * a load balancer takes it out of rotation before it closes its connections. 5 s in production, else 0.
   */
  shutdownDrainMs: number;
  /**
   * How long the worker, told to stop (SIGTERM, SIGINT), may take to close before it exits regardless:
   * closing its queues and releasing the relay's lease need Redis, and with Redis gone they would wait
   * for ever. Set it under the orchestrator's grace period (Kubernetes': 30 s) so the exit is the
   * worker's own, with its message, rather than a SIGKILL.
   */
  workerShutdownLimitMs: number;
  audit: AuditConfig;
  notifications: NotificationsConfig;
}

/** Settings of the notifier, its schedules and its outbound channels. */
export interface NotificationsConfig {
  /** Webhook targets on loopback, private or link-local addresses are refused unless this is true. */
  webhookAllowPrivateNetworks: boolean;
  /** Upper bound of one webhook call, connection to last byte read, in milliseconds. */
  webhookTimeoutMs: number;
  /** Wait before each retry of a failed delivery, in milliseconds; one entry per retry. */
  deliveryRetryDelaysMs: number[];
  /** Key that encrypts webhook signing secrets at rest. */
  secretsKey: string;
  smtpUrl: string;
  /** The From header of notification e-mails. */
  mailFrom: string;
  /**
   * Where people reach this deployment (`https://tracker.example.org`, no trailing slash), for links in
   * e-mails to the dashboard; none when PUBLIC_URL is not set.
   */
  publicUrl?: string;
  /** How often the feed is polled besides the NOTIFY wake-up, in milliseconds. */
  pollIntervalMs: number;
  /** How often overdue milestones are looked for, in milliseconds (at most a minute). */
  overdueScanIntervalMs: number;
  /** Cron pattern (UTC) of the weekly digest. */
  digestSchedule: string;
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
  PROJECTION_ATTEMPTS: '12',
  PROJECTION_BACKOFF_MS: '500',
  PROJECTION_BATCH_WINDOW_MS: '10',
  PROJECTION_MAX_LAG_SECONDS: '300',
  WORKER_METRICS_PORT: '9464',
  WORKER_SHUTDOWN_LIMIT_MS: '30000',
  BODY_LIMIT: '1mb',
  RATE_LIMIT_PER_MINUTE: '100',
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000',
  CORS_ORIGINS: '',
  TRUST_PROXY: 'false',
  API_KEY_ROTATION_GRACE_SECONDS: '86400',
  DATABASE_CONNECT_TIMEOUT_MS: '3000',
  DATABASE_STATEMENT_TIMEOUT_MS: '15000',
  DATABASE_POOL_SIZE: '20',
  HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
  WEBHOOK_TIMEOUT_MS: '10000',
  // 2 s, 10 s, 1 min, 5 min, 15 min, 30 min, 1 h, 2 h, 4 h, 8 h, 8 h: about a day in all.
  DELIVERY_RETRY_DELAYS_MS: '2000,10000,60000,300000,900000,1800000,3600000,7200000,14400000,28800000,28800000',
  SMTP_URL: 'smtp://127.0.0.1:1025',
  MAIL_FROM: 'Project Tracker <notifications@project-tracker.localhost>',
  NOTIFIER_POLL_INTERVAL_MS: '2000',
  OVERDUE_SCAN_INTERVAL_MS: '60000',
  // Mondays at 07:00 UTC.
  DIGEST_SCHEDULE: '0 7 * * 1',
} as const;

/** Used outside production when SECRETS_KEY is not set, so development needs no setup; never in production. */
export const DEVELOPMENT_SECRETS_KEY = 'development-only-secrets-key-not-for-production-use';

/**
 * Whether a secret is one this repository publishes (a placeholder of .env.example, `change-me-…`, or
 * the development SECRETS_KEY): every copy of the code knows it, so production refuses it whatever its length.
 */
function isPublishedSecret(value: string): boolean {
  return /^change-me/i.test(value) || value === DEVELOPMENT_SECRETS_KEY;
}

/** Distinct characters a production secret has at least: 16 of one letter is long enough and no secret. */
const SECRET_VARIETY = 8;

/**
 * Whether a secret is too plain for production: fewer than SECRET_VARIETY distinct characters (`aaaa…`,
 * `abababab…`), which no random value of its length has (hex of 24 random bytes has about 16).
 */
function isPlainSecret(value: string): boolean {
  return new Set(value).size < SECRET_VARIETY;
}

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

  const port = readInteger('PORT', 0, 65535);

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
  if (adminApiKey !== undefined && nodeEnv === 'production' && isPublishedSecret(adminApiKey)) {
    problems.push('ADMIN_API_KEY is the placeholder of .env.example, which anyone can read: set a random one in production (openssl rand -hex 24)');
  } else if (adminApiKey !== undefined && nodeEnv === 'production' && isPlainSecret(adminApiKey)) {
    problems.push(`ADMIN_API_KEY has fewer than ${SECRET_VARIETY} different characters, which no random value has: set a random one in production (openssl rand -hex 24)`);
  }

  const queuePrefix = read('QUEUE_PREFIX');
  if (!isQueuePrefix(queuePrefix)) {
    problems.push(
      `QUEUE_PREFIX must be 1-64 letters, digits or _.:-, with at most one Redis Cluster hash tag in braces, like {pt} or pt{eu} (got "${queuePrefix}")`,
    );
  }

  // Nest calls pino's `info` level `log`; the JSON lines say info (30), so an operator may write either.
  const logLevel = read('LOG_LEVEL') === 'info' ? 'log' : read('LOG_LEVEL');
  if (!['error', 'warn', 'log', 'debug', 'verbose'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of error, warn, info (or log), debug, verbose (got "${logLevel}")`);
  }

  // At most an hour: a safety net that runs less often is none, and past 2^31 ms Node's timers fire at once.
  const reconcileIntervalMs = readInteger('RECONCILE_INTERVAL_MS', 50, 3_600_000);
  const projectionAttempts = readInteger('PROJECTION_ATTEMPTS', 1, 100);
  const projectionBackoffMs = readInteger('PROJECTION_BACKOFF_MS', 10, 3_600_000);
  const projectionBatchWindowMs = readInteger('PROJECTION_BATCH_WINDOW_MS', 0, 1_000);
  // Unset, the longest window is 100 ms, or the shortest if that is longer (a fixed window, as before).
  const batchWindowMax = env.PROJECTION_BATCH_WINDOW_MAX_MS || String(Math.max(100, projectionBatchWindowMs || 0));
  const projectionBatchWindowMaxMs = readWholeNumber('PROJECTION_BATCH_WINDOW_MAX_MS', batchWindowMax, { min: 0, max: 1_000 }, problems);
  if (projectionBatchWindowMaxMs < projectionBatchWindowMs) {
    problems.push(
      `PROJECTION_BATCH_WINDOW_MAX_MS must be at least PROJECTION_BATCH_WINDOW_MS (got ${projectionBatchWindowMaxMs} and ${projectionBatchWindowMs})`,
    );
  }
  const projectionMaxLagSeconds = readInteger('PROJECTION_MAX_LAG_SECONDS', 1, 86_400);
  const workerMetricsPort = readInteger('WORKER_METRICS_PORT', 0, 65535);
  const bodyLimitBytes = parseByteSize(read('BODY_LIMIT'));
  if (bodyLimitBytes === undefined || bodyLimitBytes < 1024 || bodyLimitBytes > 100 * 1024 * 1024) {
    problems.push(`BODY_LIMIT must be a size between 1kb and 100mb, like 1mb, 512kb or 65536 (got "${read('BODY_LIMIT')}")`);
  }

  const rateLimitPerMinute = readCount('RATE_LIMIT_PER_MINUTE');
  const rateLimitPerAddressPerMinute = readCount('RATE_LIMIT_PER_ADDRESS_PER_MINUTE');

  const corsOrigins = read('CORS_ORIGINS')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of corsOrigins) {
    if (!isOrigin(origin)) {
      problems.push(`CORS_ORIGINS must list origins like https://tracker.example.org, separated by commas (got "${origin}")`);
    }
  }

  const trustProxy = parseTrustProxy(read('TRUST_PROXY'));
  if (trustProxy === undefined) {
    problems.push(
      `TRUST_PROXY must be false, a number of proxy hops, or the proxies' addresses or subnets separated by commas (got "${read('TRUST_PROXY')}")`,
    );
  }

  const apiKeyRotationGraceSeconds = readInteger('API_KEY_ROTATION_GRACE_SECONDS', 0, 30 * 24 * 3600);
  const databaseConnectTimeoutMs = readInteger('DATABASE_CONNECT_TIMEOUT_MS', 100, 60_000);
  const databaseStatementTimeoutMs = readInteger('DATABASE_STATEMENT_TIMEOUT_MS', 100, 3_600_000);
  const databasePoolSize = readInteger('DATABASE_POOL_SIZE', 2, 500);
  const httpKeepAliveTimeoutMs = readInteger('HTTP_KEEP_ALIVE_TIMEOUT_MS', 1_000, 600_000);
  const shutdownDrain = env.SHUTDOWN_DRAIN_MS || (nodeEnv === 'production' ? '5000' : '0');
  const shutdownDrainMs = readWholeNumber('SHUTDOWN_DRAIN_MS', shutdownDrain, { min: 0, max: 120_000 }, problems);
  const workerShutdownLimitMs = readInteger('WORKER_SHUTDOWN_LIMIT_MS', 1_000, 600_000);
  const audit = readAuditConfig(env, problems);
  const notifications = readNotificationsConfig(env, read, nodeEnv, problems);

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
    projectionAttempts,
    projectionBackoffMs,
    projectionBatchWindowMs,
    projectionBatchWindowMaxMs,
    projectionMaxLagSeconds,
    workerMetricsPort,
    bodyLimitBytes: bodyLimitBytes!,
    rateLimitPerMinute,
    rateLimitPerAddressPerMinute,
    corsOrigins,
    trustProxy: trustProxy!,
    apiKeyRotationGraceSeconds,
    databaseConnectTimeoutMs,
    databaseStatementTimeoutMs,
    databasePoolSize,
    httpKeepAliveTimeoutMs,
    shutdownDrainMs,
    workerShutdownLimitMs,
    audit,
    notifications,
  };

  function readCount(key: 'RATE_LIMIT_PER_MINUTE' | 'RATE_LIMIT_PER_ADDRESS_PER_MINUTE'): number {
    return readWholeNumber(key, read(key), { min: 0, max: 1_000_000_000, why: 'requests a minute, 0 to turn the limit off' }, problems);
  }

  function readInteger(key: keyof typeof CONFIG_DEFAULTS, min: number, max: number): number {
    return readWholeNumber(key, read(key), { min, max }, problems);
  }
}

/**
 * Letters, digits and `_.:-`, and at most one non-empty `{...}` hash tag: on Redis Cluster the tag
 * puts every key of a queue on one node (docs/scale-out.md). Redis hashes only a key's first `{...}`,
 * so a second, nested or unclosed brace would not mean what it reads as.
 */
function isQueuePrefix(value: string): boolean {
  return value.length <= 64 && /^[A-Za-z0-9_.:-]*(\{[A-Za-z0-9_.:-]+\})?[A-Za-z0-9_.:-]*$/.test(value) && value !== '';
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2 };

/** `1mb`, `512kb`, `65536`: the sizes body-parser understands, in bytes. */
export function parseByteSize(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb)?$/i.exec(value.trim());
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * BYTE_UNITS[(match[2] ?? '').toLowerCase()]!);
}

/** An origin as a browser sends it: scheme, host, port; no wildcard (`https://*.example.org` would match only itself). */
function isOrigin(value: string): boolean {
  if (value.includes('*')) return false;
  try {
    const url = new URL(value);
    return ['http:', 'https:'].includes(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Never `true`: trusting every hop would let any client pick its own address with X-Forwarded-For,
 * and so its own rate-limit bucket.
 */
function parseTrustProxy(value: string): AppConfig['trustProxy'] | undefined {
  const trimmed = value.trim().toLowerCase();
  if (trimmed === 'false' || trimmed === '0') return false;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) <= 10 ? Number(trimmed) : undefined;
  const entries = trimmed.split(',').map((entry) => entry.trim());
  const valid = entries.every((entry) => {
    if (PROXY_NAMES.has(entry)) return true;
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    return family !== 0 && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)));
  });
  return valid && entries.length > 0 ? entries : undefined;
}

function readNotificationsConfig(
  env: NodeJS.ProcessEnv,
  read: (key: keyof typeof CONFIG_DEFAULTS) => string,
  nodeEnv: string,
  problems: string[],
): NotificationsConfig {
  const allowPrivate = env.WEBHOOK_ALLOW_PRIVATE_NETWORKS || (nodeEnv === 'production' ? 'false' : 'true');
  if (!['true', 'false'].includes(allowPrivate)) {
    problems.push(`WEBHOOK_ALLOW_PRIVATE_NETWORKS must be true or false (got "${allowPrivate}")`);
  }

  const webhookTimeoutMs = readWholeNumber('WEBHOOK_TIMEOUT_MS', read('WEBHOOK_TIMEOUT_MS'), { min: 100, max: 30_000 }, problems);

  const malformedDelays: string[] = [];
  const retryDelays = read('DELIVERY_RETRY_DELAYS_MS')
    .split(',')
    .map((part) => readWholeNumber('DELIVERY_RETRY_DELAYS_MS', part.trim(), { min: 10, max: 86_400_000 }, malformedDelays));
  if (retryDelays.length > 30 || malformedDelays.length > 0) {
    problems.push(
      `DELIVERY_RETRY_DELAYS_MS must be up to 30 comma-separated delays in milliseconds, each from 10 to 86400000 (got "${read('DELIVERY_RETRY_DELAYS_MS')}")`,
    );
  }

  const secretsKey = env.SECRETS_KEY || undefined;
  if (secretsKey !== undefined && secretsKey.length < 32) {
    problems.push('SECRETS_KEY must be at least 32 characters long');
  }
  if (secretsKey === undefined && nodeEnv === 'production') {
    problems.push('SECRETS_KEY is required in production: it encrypts webhook signing secrets');
  }
  if (secretsKey !== undefined && nodeEnv === 'production' && isPublishedSecret(secretsKey)) {
    problems.push('SECRETS_KEY is a value this repository publishes (.env.example or the development default): set a random one in production (openssl rand -hex 32)');
  } else if (secretsKey !== undefined && nodeEnv === 'production' && isPlainSecret(secretsKey)) {
    problems.push(`SECRETS_KEY has fewer than ${SECRET_VARIETY} different characters, which no random value has: set a random one in production (openssl rand -hex 32)`);
  }
  // Each guards something else (the first admin key; the webhook secrets at rest): one leaked must not give the other.
  if (secretsKey !== undefined && secretsKey === env.ADMIN_API_KEY && nodeEnv === 'production') {
    problems.push('SECRETS_KEY is the same as ADMIN_API_KEY: set a random one of its own in production (openssl rand -hex 32)');
  }

  const smtpUrl = read('SMTP_URL');
  if (!isUrlWithProtocol(smtpUrl, ['smtp:', 'smtps:'])) {
    problems.push(`SMTP_URL must be an smtp:// or smtps:// URL, like ${CONFIG_DEFAULTS.SMTP_URL} (got "${redact(smtpUrl)}")`);
  }

  const mailFrom = read('MAIL_FROM');
  if (!/^[^\r\n<>@]*<?[^\s<>@]+@[^\s<>@]+>?$/.test(mailFrom)) {
    problems.push(`MAIL_FROM must be an address, optionally with a name: "Name <user@host>" (got "${mailFrom}")`);
  }

  const publicUrl = env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, '') : undefined;
  if (publicUrl !== undefined && !(isUrlWithProtocol(publicUrl, ['http:', 'https:']) && /^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(publicUrl))) {
    problems.push(`PUBLIC_URL must be an http(s) URL without query or fragment, like https://tracker.example.org (got "${redact(env.PUBLIC_URL!)}")`);
  }

  // At most a minute: notifications whose announcement was lost wait this long; the waker's timer (five
  // of these) must also stay far below the 2^31 ms past which Node fires a timer at once.
  const pollIntervalMs = readWholeNumber('NOTIFIER_POLL_INTERVAL_MS', read('NOTIFIER_POLL_INTERVAL_MS'), { min: 50, max: 60_000 }, problems);
  const overdueScanIntervalMs = readWholeNumber(
    'OVERDUE_SCAN_INTERVAL_MS',
    read('OVERDUE_SCAN_INTERVAL_MS'),
    { min: 100, max: 60_000, why: 'overdue milestones are looked for at least every minute' },
    problems,
  );

  const digestSchedule = read('DIGEST_SCHEDULE').trim();
  if (!isCronPattern(digestSchedule)) {
    problems.push(`DIGEST_SCHEDULE must be a cron pattern of 5 or 6 fields, like "${CONFIG_DEFAULTS.DIGEST_SCHEDULE}" (got "${digestSchedule}")`);
  }

  return {
    webhookAllowPrivateNetworks: allowPrivate === 'true',
    webhookTimeoutMs,
    deliveryRetryDelaysMs: retryDelays,
    secretsKey: secretsKey ?? DEVELOPMENT_SECRETS_KEY,
    smtpUrl,
    mailFrom,
    ...(publicUrl !== undefined ? { publicUrl } : {}),
    pollIntervalMs,
    overdueScanIntervalMs,
    digestSchedule,
  };
}

/** Five or six fields of the characters cron patterns use; BullMQ checks the rest when it schedules. */
function isCronPattern(value: string): boolean {
  const fields = value.split(/\s+/);
  return (fields.length === 5 || fields.length === 6) && fields.every((field) => /^[0-9A-Za-z*?,\/#LW-]+$/.test(field));
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

/** A URL as it may be shown (an error, a log line): its password, if any, replaced by `***`. */
export function redact(value: string): string {
  return value.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
}
