import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { AppConfig } from '@app/config';
import { eventually } from './test-environment.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const API_MAIN = join(ROOT, 'dist/apps/api/apps/api/src/main.js');
const WORKER_MAIN = join(ROOT, 'dist/apps/worker/apps/worker/src/main.js');

export function assertBuilt(): void {
  if (!existsSync(API_MAIN) || !existsSync(WORKER_MAIN)) {
    throw new Error('These specs run the built API and worker as processes: run `npm run build` first (npm test does).');
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A real process of ours (API or worker), started from the build output with its own environment. */
export class AppProcess {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    readonly kind: 'api' | 'worker',
    private readonly env: Record<string, string>,
    readonly port?: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.output = '';
    const child = spawn(process.execPath, [this.kind === 'api' ? API_MAIN : WORKER_MAIN], {
      env: { ...process.env, ...this.env, ...(this.port ? { PORT: String(this.port) } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child = child;
    if (this.kind === 'api') {
      await eventually(async () => (await fetch(`${this.url}/health`).catch(() => undefined))?.ok, 20_000, `${this.kind} to listen\n${this.output}`);
    } else {
      await eventually(async () => this.output.includes('worker running'), 20_000, `worker to start\n${this.output}`);
    }
    return this;
  }

  /** SIGKILL: no shutdown hooks, no goodbye; what a crash or an OOM kill does. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  logs(): string {
    return this.output;
  }
}

export function processEnv(config: AppConfig, redisUrl = config.redisUrl): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: redisUrl,
    ADMIN_API_KEY: config.adminApiKey!,
    QUEUE_PREFIX: config.queuePrefix,
    RECONCILE_INTERVAL_MS: '200',
    PROJECTION_BACKOFF_MS: '100',
    WORKER_METRICS_PORT: '0',
    LOG_LEVEL: 'error',
    // Several processes per spec on one shared server: keep each one's share of connections small.
    DATABASE_POOL_SIZE: '6',
  };
}

/**
 * A Redis server of the spec's own (the machine's Redis is shared by every test and engineer): it can
 * be flushed, stopped and started again on the same port. Like production here, it keeps nothing on disk.
 */
export class ThrowawayRedis {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'pt-redis-'));

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], {
      stdio: 'ignore',
    });
    await eventually(() => this.ping(), 10_000, 'redis-server to answer');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async ping(): Promise<boolean> {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }
}
