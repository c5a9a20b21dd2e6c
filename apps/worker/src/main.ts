import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type pg from 'pg';
import { loadConfig, loadDotEnv } from '@app/config';
import { PG_POOL, dependencySettings, failureMessage, isMisconfiguredDatabase } from '@app/database';
import { WorkerModule } from './worker.module.js';

async function main(): Promise<void> {
  loadDotEnv();
  loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // PostgreSQL out of reach is waited out (the relay retries); a database that does not exist, or that
  // refuses our credentials, is a setting to fix, and retrying it for ever would only hide it.
  const misconfigured = await app
    .get<pg.Pool>(PG_POOL)
    .query('SELECT 1')
    .then(() => undefined, (error: unknown) => (isMisconfiguredDatabase(error) ? error : undefined));
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
