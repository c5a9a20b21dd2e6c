import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type pg from 'pg';
import { loadConfig, loadDotEnv } from '@app/config';
import { PG_POOL, checkDatabase, dependencySettings, failureMessage, isMisconfiguredDatabase } from '@app/database';
import { WorkerModule } from './worker.module.js';

/** How long a stopping worker may take before it exits regardless. */
const SHUTDOWN_LIMIT_MS = 30_000;

async function main(): Promise<void> {
  loadDotEnv();
  loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // Shutdown hooks that need Redis (closing queues, releasing the relay's lease) wait for it; with Redis
  // gone they would wait for ever and the process would outlive every SIGTERM. What was running is
  // taken over by another worker once its lock expires, as after a crash.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        console.error(`Project Tracker worker: not stopped ${SHUTDOWN_LIMIT_MS / 1000} s after ${signal} (is Redis out of reach?); exiting`);
        process.exit(1);
      }, SHUTDOWN_LIMIT_MS).unref();
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
