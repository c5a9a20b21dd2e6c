import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApplication } from '../apps/api/src/bootstrap.js';
import { auth } from './support/api-helpers.js';
import { expectProblem } from './support/running-api.js';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment.js';

const PER_KEY = 100;
const PER_ADDRESS = 150;

let env: TestEnvironment;
/** Two API instances, each with its own Nest container and Redis connection: they share only Redis (and the database). */
let first: INestApplication;
let second: INestApplication;
/** Requests sent to either instance that count against this client's address. */
let counted = 0;

function send(app: INestApplication, path: string, key?: string): Promise<request.Response> {
  counted++;
  const call = request(app.getHttpServer()).get(path);
  return key ? call.set(auth(key)) : call;
}

async function createKey(name: string): Promise<string> {
  counted++;
  const response = await request(first.getHttpServer()).post('/api-keys').set(auth(env.config.adminApiKey!)).send({ name, role: 'auditor' });
  expect(response.status).toBe(201);
  return response.body.secret as string;
}

beforeAll(async () => {
  env = await createTestEnvironment('rate_limits', {
    RATE_LIMIT_PER_MINUTE: String(PER_KEY),
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: String(PER_ADDRESS),
  });
  first = await createApiApplication(env.config);
  second = await createApiApplication(env.config);
  await Promise.all([first.init(), second.init()]);
});

afterAll(async () => {
  await first?.close();
  await second?.close();
  await env?.dispose();
});

describe('rate limits across two API processes', () => {
  it('lets a browser from an allowed origin read every rate-limit header, per key and per address', async () => {
    const app = await createApiApplication({ ...env.config, corsOrigins: ['https://dashboard.example'] });
    try {
      await app.init();
      counted++;
      const read = await request(app.getHttpServer()).get('/projects').set(auth(env.config.adminApiKey!)).set('Origin', 'https://dashboard.example').expect(200);
      const exposed = String(read.headers['access-control-expose-headers']).toLowerCase().split(',');
      const rateLimits = Object.keys(read.headers).filter((name) => name.startsWith('x-ratelimit-'));
      expect(rateLimits.sort()).toEqual(['x-ratelimit-limit-address', 'x-ratelimit-limit-key', 'x-ratelimit-remaining-address', 'x-ratelimit-remaining-key', 'x-ratelimit-reset-address', 'x-ratelimit-reset-key']);
      expect(rateLimits.filter((name) => !exposed.includes(name))).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('refuses the 101st request of a key in a minute, wherever it lands, with 429 and Retry-After', async () => {
    const busy = await createKey('Busy script');
    const other = await createKey('Another script');
    for (let i = 0; i < PER_KEY; i++) {
      const response = await send(i % 2 === 0 ? first : second, '/projects', busy);
      expect(response.status).toBe(200);
    }
    // Each instance saw only 50 of them: only a shared count can refuse the 101st.
    for (const app of [first, second]) {
      const refused = await send(app, '/projects', busy);
      const problem = expectProblem(refused, 429);
      expect(problem.code).toBe('RATE_LIMIT.EXCEEDED');
      expect(problem.detail).toMatch(/^This API key made more than 100 requests in a minute\. Retry after \d+ seconds\.$/);
      const retryAfter = Number(refused.headers['retry-after']);
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
      expect(refused.headers['retry-after-key']).toBeUndefined();
      expect(refused.headers['x-request-id']).toEqual(expect.any(String));
    }
    // The limit is the key's, not everyone's.
    expect((await send(second, '/projects', other)).status).toBe(200);
  });

  it('counts every request of an address before authentication, the queue board\'s too, and exempts health and metrics', async () => {
    const statuses: number[] = [];
    let firstRefusal: number | undefined;
    while (firstRefusal === undefined && counted < PER_ADDRESS + 10) {
      // A guess at the admin key on the queue board every third request: it counts as one on the API does.
      const path = counted % 3 === 0 ? '/admin/queues/api/queues' : '/projects';
      const response = await send(counted % 2 === 0 ? first : second, path, 'ptk_unknown');
      statuses.push(response.status);
      if (response.status === 429) firstRefusal = counted;
    }
    expect(firstRefusal).toBe(PER_ADDRESS + 1);
    expect(new Set(statuses.slice(0, -1))).toEqual(new Set([401]));
    const refused = await send(first, '/projects', env.config.adminApiKey);
    expect(expectProblem(refused, 429).detail).toMatch(/^This client address made more than 150 requests in a minute/);
    const board = await send(second, '/admin/queues/api/queues', env.config.adminApiKey);
    expect(expectProblem(board, 429)).toMatchObject({ code: 'RATE_LIMIT.EXCEEDED' });
    expect(Number(board.headers['retry-after'])).toBeGreaterThan(0);

    for (const path of ['/health', '/health/ready', '/metrics']) {
      for (const app of [first, second]) expect((await request(app.getHttpServer()).get(path)).status).toBe(200);
    }
  });
});
