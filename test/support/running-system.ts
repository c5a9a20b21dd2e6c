import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import request from 'supertest';
import { createApiApplication } from '../../apps/api/src/bootstrap.js';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';
import { PROJECTIONS_QUEUE } from '@app/read-models';
import { AUDIT_QUEUE } from '../../apps/worker/src/audit/audit-queue.js';
import { DELIVERIES_QUEUE, NOTIFIER_QUEUE } from '../../apps/worker/src/notifications/notification-queues.js';
import { applySettings, createTestEnvironment, type TestEnvironment } from './test-environment.js';

/** The API and the worker, in this process, on a database and queue prefix of their own. */
export interface RunningSystem {
  env: TestEnvironment;
  api: INestApplication;
  /** The first worker; undefined when the system was started without one and none was started since. */
  worker: INestApplicationContext | undefined;
  workers: INestApplicationContext[];
  http: ReturnType<typeof request>;
  adminKey: string;
  /** Starts another worker on the same database and queues (a second process, as far as they can tell). */
  startWorker(): Promise<INestApplicationContext>;
  /** Closes the first worker (stop() closes only those still running: closing one twice ends its pools twice). */
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

export interface SystemOptions {
  /** Settings for this system only, e.g. `{ OVERDUE_SCAN_INTERVAL_MS: '500' }`. */
  env?: Record<string, string>;
  /** Start the worker too (the default); false to start it later with `startWorker()`. */
  worker?: boolean;
  /** Another PostgreSQL server for the database (a throwaway one the spec can stop). */
  databaseServerUrl?: string;
}

const QUEUES = [PROJECTIONS_QUEUE, AUDIT_QUEUE, NOTIFIER_QUEUE, DELIVERIES_QUEUE];

export async function startSystem(label: string, options: SystemOptions = {}): Promise<RunningSystem> {
  const env = await createTestEnvironment(label, options.env, options.databaseServerUrl);
  const api = await createApiApplication(env.config);
  await api.init();
  const workers: INestApplicationContext[] = [];
  const startWorker = async () => {
    // Another system started since (in the same spec file) may have changed the environment.
    applySettings(env.settings);
    const worker = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn'] });
    workers.push(worker);
    return worker;
  };
  if (options.worker !== false) await startWorker();
  return {
    env,
    api,
    get worker() {
      return workers[0];
    },
    workers,
    http: request(api.getHttpServer()),
    adminKey: env.config.adminApiKey!,
    startWorker,
    async stopWorker() {
      await workers.shift()?.close();
    },
    async stop() {
      for (const worker of workers) await worker.close();
      // Open streams (SSE) would keep the server from closing.
      api.getHttpServer().closeAllConnections?.();
      await api.close();
      for (const name of QUEUES) {
        const queue = new Queue(name, { connection: { url: env.config.redisUrl }, prefix: env.config.queuePrefix });
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
      await env.dispose();
    },
  };
}
