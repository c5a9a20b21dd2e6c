import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { auth } from '../support/api-helpers.js';
import { assertBuilt, freePort, processEnv } from '../support/processes.js';
import { createTestEnvironment, eventually, type TestEnvironment } from '../support/test-environment.js';

const API = join(new URL('../../', import.meta.url).pathname, 'dist/apps/api/apps/api/src/main.js');

jest.setTimeout(60_000);

let env: TestEnvironment;

beforeAll(async () => {
  assertBuilt();
  env = await createTestEnvironment('api_shutdown_drain');
});

afterAll(async () => {
  await env?.dispose();
});

/** The built API on a port of its own, draining for `drainMs` on SIGTERM, ready to be told to stop. */
async function startedApi(drainMs: number) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [API], {
    env: { ...process.env, ...processEnv(env.config), PORT: String(port), SHUTDOWN_DRAIN_MS: String(drainMs), LOG_LEVEL: 'log' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const api = { child, url, exited, output: '' };
  child.stdout.on('data', (chunk: Buffer) => (api.output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (api.output += chunk.toString()));
  await eventually(async () => (await fetch(`${url}/health/ready`).catch(() => undefined))?.status === 200, 20_000, `the API to be ready\n${api.output}`);
  return api;
}

/** Readiness as a load balancer sees it once the API is draining. */
async function notReady(url: string): Promise<Response> {
  return eventually(
    async () => {
      const response = await fetch(`${url}/health/ready`);
      return response.status === 503 ? response : undefined;
    },
    2_000,
    'readiness to answer 503',
  );
}

describe('an API told to stop (SIGTERM)', () => {
  it('goes on serving for SHUTDOWN_DRAIN_MS with readiness 503 and Connection: close, then ends', async () => {
    const api = await startedApi(2_500);

    const stoppedAt = Date.now();
    api.child.kill('SIGTERM');
    const readiness = await notReady(api.url);
    expect(readiness.headers.get('retry-after')).toBe('5');
    expect(((await readiness.json()) as { detail: string }).detail).toMatch(/^The API is shutting down/);
    // Still serving, and asking each client to take its next request elsewhere.
    const served = await fetch(`${api.url}/projects`, { headers: auth(env.config.adminApiKey!) });
    expect(served.status).toBe(200);
    expect(served.headers.get('connection')).toBe('close');

    // Nest, its shutdown done, ends the process with the signal it was sent, as an unhandled one would.
    const { code, signal, at } = await api.exited;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    expect(at - stoppedAt).toBeGreaterThanOrEqual(2_500);
    expect(api.output).toMatch(/SIGTERM: not ready; serving 2500 ms more before closing/);
  });

  it('without a drain (SHUTDOWN_DRAIN_MS=0), ends though clients keep their keep-alive connections busy', async () => {
    const api = await startedApi(0);
    // Clients sending request after request on the connections they keep (fetch keeps them alive).
    let running = true;
    const answers: (number | string)[] = [];
    const client = async () => {
      while (running) {
        answers.push(await fetch(`${api.url}/projects`, { headers: auth(env.config.adminApiKey!) }).then((r) => r.status, (error: Error) => error.name));
      }
    };
    const clients = Array.from({ length: 4 }, client);
    await eventually(async () => answers.length >= 20, 10_000, 'the clients to be busy');

    const stoppedAt = Date.now();
    api.child.kill('SIGTERM');
    const { code, signal, at } = await api.exited;
    running = false;
    await Promise.all(clients);
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    // Each answer from the signal on closed its connection: the server could close, long before the
    // in-flight grace would have cut them (IN_FLIGHT_GRACE_MS, 10 s).
    expect(at - stoppedAt).toBeLessThan(8_000);
    expect(api.output).not.toMatch(/cut/);
  });

  it('told again while draining, closes at once instead of serving out the drain', async () => {
    const api = await startedApi(30_000);

    api.child.kill('SIGTERM');
    await notReady(api.url);
    const againAt = Date.now();
    api.child.kill('SIGTERM');

    const { code, signal, at } = await api.exited;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    // Closing takes a moment (pools, Redis); the drain's 30 s would have taken all of them.
    expect(at - againAt).toBeLessThan(10_000);
    expect(api.output).toMatch(/SIGTERM again: closing now/);
  });
});
