import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { freePort } from '../support/processes.js';
import { startThrowawayRedis } from '../support/throwaway-servers.js';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment.js';

// The built API and worker as an operator starts them, with a setting that points at nothing usable.
const ROOT = new URL('../../', import.meta.url).pathname;
const API = join(ROOT, 'dist/apps/api/apps/api/src/main.js');
const WORKER = join(ROOT, 'dist/apps/worker/apps/worker/src/main.js');

jest.setTimeout(60_000);

let env: TestEnvironment;

beforeAll(async () => {
  env = await createTestEnvironment('startup_failures');
});

afterAll(async () => {
  await env?.dispose();
});

/** Runs a process to its end (20 s at most) and answers its exit code and the lines of its stderr. */
function run(script: string, settings: Record<string, string>): Promise<{ code: number | null; errors: string[] }> {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env.settings, LOG_LEVEL: 'error', ...settings } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, errors: stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{')) });
    }),
  );
}

const otherDatabase = (name: string) => Object.assign(new URL(env.config.databaseUrl), { pathname: `/${name}` }).toString();

describe('a process that cannot start', () => {
  it('API: says in one line that the database does not exist, or has no schema, or cannot be reached', async () => {
    const port = String(await freePort());
    const missing = await run(API, { PORT: port, DATABASE_URL: otherDatabase('pt_startup_no_such_database') });
    expect(missing).toEqual({ code: 1, errors: [expect.stringMatching(/^The database at .*\/pt_startup_no_such_database does not exist: `npm run db:migrate` creates it\.$/)] });
    const unmigrated = await run(API, { PORT: port, DATABASE_URL: otherDatabase('postgres') });
    expect(unmigrated).toEqual({ code: 1, errors: [expect.stringMatching(/has no Project Tracker schema .*`npm run db:migrate` creates it\.$/)] });
    // Without ADMIN_API_KEY the API writes nothing at start-up that would find the schema missing.
    const unmigratedWithoutAdminKey = await run(API, { PORT: port, DATABASE_URL: otherDatabase('postgres'), ADMIN_API_KEY: '' });
    expect(unmigratedWithoutAdminKey).toEqual({ code: 1, errors: [expect.stringMatching(/has no Project Tracker schema .*`npm run db:migrate` creates it\.$/)] });
    const closedPort = await freePort();
    const unreachable = await run(API, { PORT: port, DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/x`, DATABASE_CONNECT_TIMEOUT_MS: '1000' });
    expect(unreachable).toEqual({ code: 1, errors: [expect.stringMatching(new RegExp(`^PostgreSQL at .*:${closedPort}/x could not be reached`))] });
  });

  it('API: names a port another process holds', async () => {
    const port = String(await freePort());
    const holder = spawn(process.execPath, ['-e', 'require("node:http").createServer().listen(Number(process.argv[1]), () => console.log("up"))', port]);
    try {
      await new Promise((resolve) => holder.stdout.once('data', resolve));
      const taken = await run(API, { PORT: port });
      expect(taken).toEqual({ code: 1, errors: [`Port ${port} is already in use by another process: stop it, or set PORT (WORKER_METRICS_PORT for the worker's metrics).`] });
    } finally {
      holder.kill();
    }
  });

  it('worker: stops with one line on a database that does not exist, rather than retrying it for ever', async () => {
    const missing = await run(WORKER, { DATABASE_URL: otherDatabase('pt_startup_no_such_database'), WORKER_METRICS_PORT: '0' });
    expect(missing.code).toBe(1);
    expect(missing.errors).toEqual([expect.stringMatching(/^The database at .*\/pt_startup_no_such_database does not exist: `npm run db:migrate` creates it\.$/)]);
  });

  it('worker: stops with the API\'s line on a database with no schema, rather than failing every second for ever', async () => {
    const unmigrated = await run(WORKER, { DATABASE_URL: otherDatabase('postgres'), WORKER_METRICS_PORT: '0' });
    expect(unmigrated).toEqual({ code: 1, errors: [expect.stringMatching(/^The database at .*\/postgres has no Project Tracker schema .*`npm run db:migrate` creates it\.$/)] });
  });

  it('worker: waits for Redis with a line now and then, not a stack per try, and starts once Redis answers', async () => {
    const redis = await startThrowawayRedis();
    await redis.stop();
    const child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, ...env.settings, REDIS_URL: redis.url, WORKER_METRICS_PORT: '0', LOG_LEVEL: 'log' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      // Its queues and workers try again several times a second: three seconds of them.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const waiting = output.split('\n').filter((line) => line.includes('ECONNREFUSED'));
      expect(waiting).toHaveLength(1);
      expect(waiting[0]).toMatch(/"context":"Redis".*connect ECONNREFUSED 127\.0\.0\.1:\d+; retrying/);
      expect(output).not.toMatch(/at TCPConnectWrap|worker running/);
      await redis.start();
      const started = Date.now();
      while (!output.includes('worker running') && Date.now() - started < 15_000) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(output).toMatch(/Redis answers again \(\d+ more errors while it did not\)/);
      expect(output).toContain('Project Tracker worker running');
    } finally {
      const exited = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      await exited;
      await redis.dispose();
    }
  });

  it('worker: ends on SIGTERM with Redis gone, within its limit, instead of waiting on Redis for ever', async () => {
    const redis = await startThrowawayRedis();
    const child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, ...env.settings, REDIS_URL: redis.url, WORKER_METRICS_PORT: '0', WORKER_SHUTDOWN_LIMIT_MS: '3000' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const started = Date.now();
      while (!output.includes('worker running') && Date.now() - started < 15_000) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(output).toContain('worker running');
      await redis.stop();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const stoppedAt = Date.now();
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000))]);
      // The output beside the status, so that a run that ends otherwise says how.
      expect({ code, output }).toMatchObject({ code: 1 });
      const took = Date.now() - stoppedAt;
      expect(took).toBeGreaterThanOrEqual(3_000);
      expect(took).toBeLessThan(15_000);
      expect(output).toContain('Project Tracker worker: not stopped 3 s after SIGTERM (is Redis out of reach?); exiting');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await redis.dispose();
    }
  }, 60_000);
});
