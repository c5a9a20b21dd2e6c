import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { expectConverged, prepareProjects } from './support/command-burst.js';
import { AppProcess, assertBuilt, freePort, processEnv } from './support/processes.js';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment.js';

// docs/scale-out.md: on Redis Cluster, QUEUE_PREFIX is a hash tag such as {pt}. The local Redis is no
// cluster; what this proves is that the built processes start with such a prefix and work through it.
jest.setTimeout(90_000);

let env: TestEnvironment;
const processes: AppProcess[] = [];

beforeAll(async () => {
  assertBuilt();
  env = await createTestEnvironment('queue_prefix_hash_tag', { QUEUE_PREFIX: `{pt_test_tag_${randomBytes(4).toString('hex')}}` });
});

afterAll(async () => {
  await Promise.all(processes.map((process) => process.kill('SIGTERM')));
  await env?.dispose();
});

it('runs the API and the worker with a QUEUE_PREFIX in braces: a command reaches the read model through the queue', async () => {
  const prefix = env.config.queuePrefix;
  expect(prefix).toMatch(/^\{pt_test_tag_[0-9a-f]{8}\}$/);
  const api = new AppProcess('api', processEnv(env.config), await freePort());
  const worker = new AppProcess('worker', processEnv(env.config));
  processes.push(api, worker);
  await Promise.all([api.start(), worker.start()]);

  await prepareProjects(api.url, env.config.adminApiKey!, 1);
  expect(await expectConverged(env.config.databaseUrl, 30_000)).toMatchObject({ projects: 1 });

  const redis = new Redis(env.config.redisUrl);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:projections:*`, 'COUNT', 1_000);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    expect(keys).toContain(`${prefix}:projections:meta`);
  } finally {
    redis.disconnect();
  }
});
