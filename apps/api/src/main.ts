import { ConfigError, loadConfig, loadDotEnv } from '@app/config';
import { createApiApplication } from './bootstrap.js';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const app = await createApiApplication(config);
  await app.listen(config.port, '0.0.0.0');
  console.log(`Project Tracker API on http://localhost:${config.port} (OpenAPI at /docs)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
