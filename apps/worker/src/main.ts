import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type pg from 'pg';
import { loadConfig, loadDotEnv } from '@app/config';
import { PG_POOL, checkDatabase, dependencySettings, failureMessage, isMisconfiguredDatabase } from '@app/database';
import { WorkerModule } from './worker.module.js';

async function main(): Promise<void> {
  loadDotEnv();
  const { workerShutdownLimitMs } = loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // Shutdown hooks that need Redis (closing queues, releasing the relay's lease) wait for it; with Redis
  // gone they would wait for ever and the process would outlive every SIGTERM. What was running is
  // taken over by another worker once its lock expires, as after a crash. The limit is
  // WORKER_SHUTDOWN_LIMIT_MS, under the orchestrator's grace period, so that the exit is ours.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        console.error(`Project Tracker worker: not stopped ${workerShutdownLimitMs / 1000} s after ${signal} (is Redis out of reach?); exiting`);
        process.exit(1);
      }, workerShutdownLimitMs).unref();
    });
  }
  // PostgreSQL out of reach is waited out (the relay retries); a database that does not exist, refuses
  // our credentials or has no schema yet is a setting to fix, and retrying it for ever would only hide it.
  const misconfigured = await checkDatabase(app.get<pg.Pool>(PG_POOL)).then(
    () => undefined,
    (error: unknown) => (isMisconfiguredDatabase(error) ? error : undefined),
  );
  if (misconfigured) {
    await app.close();
    throw misconfigured;
  }
  // Plain line on purpose: scripts and specs wait for it.
  console.log('Project Tracker worker running: relaying events to the projections queue');
}

main().catch((error: unknown) => {
  console.error(failureMessage(error, dependencySettings()));
  process.exit(1);
});
