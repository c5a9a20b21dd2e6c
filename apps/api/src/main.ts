import { loadConfig, loadDotEnv } from '@app/config';
import type pg from 'pg';
import { PG_POOL, checkDatabase, dependencySettings, failureMessage } from '@app/database';
import { createApiApplication } from './bootstrap.js';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const app = await createApiApplication(config);
  await checkDatabase(app.get<pg.Pool>(PG_POOL));
  await app.listen(config.port, '0.0.0.0');
  console.log(`Project Tracker API on http://localhost:${config.port} (OpenAPI at /docs)`);
}

main().catch((error: unknown) => {
  // One line naming the cause (a setting, PostgreSQL or Redis out of reach, a port taken), not a stack.
  console.error(failureMessage(error, dependencySettings()));
  process.exit(1);
});
