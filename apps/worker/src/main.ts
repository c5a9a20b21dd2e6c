import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig, loadDotEnv } from '@app/config';
import { WorkerModule } from './worker.module.js';

async function main(): Promise<void> {
  loadDotEnv();
  loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // Plain line on purpose: scripts and specs wait for it.
  console.log('Project Tracker worker running: relaying events to the projections queue');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
