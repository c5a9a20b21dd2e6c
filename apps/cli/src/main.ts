import 'reflect-metadata';
import { loadConfig, loadDotEnv } from '@app/config';
import { createDatabaseIfMissing, dependencySettings, failureMessage, migrate } from '@app/database';
import { RebuildInProgress } from '@app/read-models';

/**
 * Operator commands that run once and exit: `migrate`, `seed`, `tour` (the guided tour of a running API),
 * `projections:rebuild`, `projections:verify`, `audit:verify [projectId]`, and the benchmarks
 * `bench:append`, `bench:rebuild`, `bench:lag`, `bench:long-stream`.
 */
const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  async migrate() {
    const config = loadConfig();
    if (await createDatabaseIfMissing(config.databaseUrl)) console.log('Created the database.');
    const applied = await migrate(config.databaseUrl);
    console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'The database schema is up to date.');
  },
  async 'projections:rebuild'() {
    const { rebuildCommand } = await import('./projections.command.js');
    process.exitCode = await rebuildCommand(loadConfig());
  },
  async 'projections:verify'() {
    const { verifyCommand } = await import('./projections.command.js');
    process.exitCode = await verifyCommand(loadConfig());
  },
  async 'bench:rebuild'() {
    const { rebuildBenchmark } = await import('./bench/rebuild.bench.js');
    await rebuildBenchmark(loadConfig(), process.argv.slice(3));
  },
  async 'bench:append'() {
    const { appendBenchmark } = await import('./bench/append.bench.js');
    await appendBenchmark(loadConfig(), process.argv.slice(3));
  },
  async 'bench:lag'() {
    const { lagBenchmark } = await import('./bench/lag.bench.js');
    await lagBenchmark(loadConfig(), process.argv.slice(3));
  },
  async seed() {
    const { seedCommand } = await import('./seed.command.js');
    await seedCommand(loadConfig());
  },
  async tour() {
    const { demoTourCommand } = await import('./demo/demo-tour.command.js');
    await demoTourCommand(loadConfig());
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

/** What each command does, for --help. */
const SUMMARIES: Record<keyof typeof COMMANDS, string> = {
  migrate: 'create the database if it is missing and apply every pending migration',
  'projections:rebuild': 'rebuild the read models from the event store',
  'projections:verify': 'compare the read models with a rebuild from the event store (exit 1: drift)',
  'bench:rebuild': 'benchmark: rebuild of synthetic projects [events]',
  'bench:append': 'benchmark: the event store append [seconds] [writers]',
  'bench:lag': 'benchmark: commit-to-visible latency [commands]',
  seed: 'record the demonstration projects of seeds/ (safe to run twice)',
  tour: 'the guided tour of a running API: curl commands per role',
  'audit:verify': 'verify hash chains and checkpoints: [projectId] [--workers=N] [--checkpoint=ID [--hash=HEX]] (exit 1: broken)',
  'bench:long-stream': 'benchmark: long streams, state-as-of and verification',
};

/** Commands that take arguments; any other is refused one (exit 2) rather than run as if none were given. */
const TAKES_ARGUMENTS = new Set(['bench:rebuild', 'bench:append', 'bench:lag', 'audit:verify']);

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return ['Usage: cli <command> [arguments]', '', ...Object.keys(COMMANDS).map((name) => `  ${name.padEnd(width)}  ${SUMMARIES[name]}`)].join('\n');
}

async function main(): Promise<void> {
  loadDotEnv();
  const [name = '', ...args] = process.argv.slice(2);
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(name ? `Unknown command "${name}".\n\n${usage()}` : usage());
    process.exit(2);
  }
  if (args.length > 0 && !TAKES_ARGUMENTS.has(name)) {
    console.error(`${name} takes no arguments (got ${args.join(' ')}).`);
    process.exit(2);
  }
  await command(args);
}

/**
 * The exit code of a command that could not do its work: invalid settings, PostgreSQL not reachable or
 * lost on the way, or a fault. Distinct from what a command finds (audit:verify's 1 is a broken chain,
 * projections:verify's 1 is drift) and from a bad argument (2), so a script never reads "the database
 * was down" as "the history was altered".
 */
const COULD_NOT_RUN = 3;

main().catch((error: unknown) => {
  // Another rebuild or verification (the API's, a cron job's) holds the lock: said in one line, as a cause.
  if (error instanceof RebuildInProgress) console.error(`${error.message} Run it again once that one has finished.`);
  else console.error(failureMessage(error, dependencySettings()));
  process.exit(COULD_NOT_RUN);
});
