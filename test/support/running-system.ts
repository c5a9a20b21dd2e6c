import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import request from 'supertest';
import { createApiApplication } from '../../apps/api/src/bootstrap.js';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';
import { PROJECTIONS_QUEUE } from '@app/read-models';
import { loadConfig } from '@app/config';
import { AUDIT_QUEUE } from '../../apps/worker/src/audit/audit-queue.js';
import { createTestEnvironment, type TestEnvironment } from './test-environment.js';

/** The API and the worker, in this process, on a database and queue prefix of their own. */
export interface RunningSystem {
  env: TestEnvironment;
  api: INestApplication;
  worker: INestApplicationContext;
  http: ReturnType<typeof request>;
  adminKey: string;
  /** Starts a new worker (after `worker.close()`, say); `worker` then names the new one. */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** `overrides` are environment settings for this system (applied before the apps read their config). */
export async function startSystem(label: string, overrides: Record<string, string> = {}): Promise<RunningSystem> {
  const env = await createTestEnvironment(label);
  Object.assign(process.env, overrides);
  env.config = loadConfig(process.env);
  const api = await createApiApplication(env.config);
  await api.init();
  const startWorker = () => NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn'] });
  const system: RunningSystem = {
    env,
    api,
    worker: await startWorker(),
    http: request(api.getHttpServer()),
    adminKey: env.config.adminApiKey!,
    async restartWorker() {
      system.worker = await startWorker();
    },
    async stop() {
      await system.worker.close();
      await api.close();
      for (const name of [PROJECTIONS_QUEUE, AUDIT_QUEUE]) {
        const queue = new Queue(name, { connection: { url: env.config.redisUrl }, prefix: env.config.queuePrefix });
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
      await env.dispose();
    },
  };
  return system;
}
