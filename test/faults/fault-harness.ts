import type { TestEnvironment } from '../support/test-environment.js';
import { createTestEnvironment } from '../support/test-environment.js';
import { AppProcess, ThrowawayRedis, assertBuilt, freePort, processEnv } from '../support/processes.js';

/** A database, a Redis server of its own, and any number of API and worker processes on them. */
export interface FaultHarness {
  env: TestEnvironment;
  redis: ThrowawayRedis;
  adminKey: string;
  api(): Promise<AppProcess>;
  worker(): Promise<AppProcess>;
  dispose(): Promise<void>;
}

export async function startHarness(label: string, overrides: Record<string, string> = {}): Promise<FaultHarness> {
  assertBuilt();
  const env = await createTestEnvironment(label);
  const redis = new ThrowawayRedis(await freePort());
  await redis.start();
  const processes: AppProcess[] = [];
  const variables = { ...processEnv(env.config, redis.url), ...overrides };
  return {
    env,
    redis,
    adminKey: env.config.adminApiKey!,
    async api() {
      const api = new AppProcess('api', variables, await freePort());
      processes.push(api);
      return api.start();
    },
    async worker() {
      const worker = new AppProcess('worker', variables);
      processes.push(worker);
      return worker.start();
    },
    async dispose() {
      await Promise.all(processes.map((p) => p.kill('SIGKILL')));
      await redis.dispose();
      await env.dispose();
    },
  };
}

export async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting mid-burst');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
