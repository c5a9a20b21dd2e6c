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

describe('an API told to stop (SIGTERM)', () => {
  it('goes on serving for SHUTDOWN_DRAIN_MS with readiness 503 and Connection: close, then ends', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [API], {
      env: { ...process.env, ...processEnv(env.config), PORT: String(port), SHUTDOWN_DRAIN_MS: '2500', LOG_LEVEL: 'log' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    await eventually(async () => (await fetch(`${url}/health/ready`).catch(() => undefined))?.status === 200, 20_000, `the API to be ready\n${output}`);

    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    const notReady = await eventually(
      async () => {
        const response = await fetch(`${url}/health/ready`);
        return response.status === 503 ? response : undefined;
      },
      2_000,
      'readiness to answer 503',
    );
    expect(notReady.headers.get('retry-after')).toBe('5');
    expect(((await notReady.json()) as { detail: string }).detail).toMatch(/^The API is shutting down/);
    // Still serving, and asking each client to take its next request elsewhere.
    const served = await fetch(`${url}/projects`, { headers: auth(env.config.adminApiKey!) });
    expect(served.status).toBe(200);
    expect(served.headers.get('connection')).toBe('close');

    // Nest, its shutdown done, ends the process with the signal it was sent, as an unhandled one would.
    const { code, signal, at } = await exited;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    expect(at - stoppedAt).toBeGreaterThanOrEqual(2_500);
    expect(output).toMatch(/SIGTERM: not ready; serving 2500 ms more before closing/);
  });
});
