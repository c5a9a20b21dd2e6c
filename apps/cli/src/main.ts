import 'reflect-metadata';
import { ConfigError, loadConfig, loadDotEnv } from '@app/config';
import { createDatabaseIfMissing, migrate } from '@app/database';

/** Operator commands that run once and exit: `migrate`, `seed`, `audit:verify [projectId]`, `bench:long-stream`. */
const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  async migrate() {
    const config = loadConfig();
    if (await createDatabaseIfMissing(config.databaseUrl)) console.log('Created the database.');
    const applied = await migrate(config.databaseUrl);
    console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'The database schema is up to date.');
  },
  async seed() {
    const { seedCommand } = await import('./seed.command.js');
    await seedCommand(loadConfig());
  },
  async 'audit:verify'(args) {
    const { auditVerifyCommand } = await import('./audit-verify.command.js');
    process.exitCode = await auditVerifyCommand(loadConfig(), args);
  },
  async 'bench:long-stream'() {
    const { benchLongStreamCommand } = await import('./bench-long-stream.command.js');
    await benchLongStreamCommand(loadConfig());
  },
};

async function main(): Promise<void> {
  loadDotEnv();
  const name = process.argv[2] ?? '';
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Usage: cli <${Object.keys(COMMANDS).join('|')}>`);
    process.exit(2);
  }
  await command(process.argv.slice(3));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
