import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import request from 'supertest';
import { createApiApplication } from '../../apps/api/src/bootstrap.js';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';
import { PROJECTIONS_QUEUE } from '../../apps/worker/src/queues.js';
import { AUDIT_QUEUE } from '../../apps/worker/src/audit/audit-queue.js';
import { createTestEnvironment, type TestEnvironment } from './test-environment.js';

/** The API and the worker, in this process, on a database and queue prefix of their own. */
export interface RunningSystem {
  env: TestEnvironment;
  api: INestApplication;
  worker: INestApplicationContext;
  http: ReturnType<typeof request>;
  adminKey: string;
  stop(): Promise<void>;
}

export async function startSystem(label: string): Promise<RunningSystem> {
  const env = await createTestEnvironment(label);
  const api = await createApiApplication(env.config);
  await api.init();
  const worker = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn'] });
  return {
    env,
    api,
    worker,
    http: request(api.getHttpServer()),
    adminKey: env.config.adminApiKey!,
    async stop() {
      await worker.close();
      await api.close();
      for (const name of [PROJECTIONS_QUEUE, AUDIT_QUEUE]) {
        const queue = new Queue(name, { connection: { url: env.config.redisUrl }, prefix: env.config.queuePrefix });
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
      await env.dispose();
    },
  };
}
