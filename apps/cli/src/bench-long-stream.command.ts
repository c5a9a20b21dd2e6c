import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { AppConfig } from '@app/config';
import { createDatabaseIfMissing, dropDatabaseIfExists, migrate } from '@app/database';
import { decide, decisionContextAt, evolve, initialProjectState, PROJECT_EVENT_SCHEMA_VERSIONS, type ProjectCommand, type ProjectState } from '@app/domain';
import { defaultWorkers, verifyAllStreamsInParallel } from './parallel-verification.js';
import {
  type CommandMetadata,
  createProjectCommandHandler,
  createProjectSnapshotStore,
  PostgresAuditReader,
  PostgresEventStore,
  type ProjectCommandHandler,
  StreamChainVerifier,
  verifyAllStreams,
} from '@app/event-store';

const metadata = (): CommandMetadata => ({
  actor: { keyId: '00000000-0000-4000-8000-000000000003', role: 'admin' },
  commandType: 'Bench',
  correlationId: randomUUID(),
  occurredAt: new Date().toISOString(),
});

const INDICATORS = 20;
let shortStream = '';

/** The commands of a project with `events` events: proposed, approved, started, indicators, then measurements. */
function* commandsOf(projectId: string, events: number): Generator<ProjectCommand> {
  yield {
    type: 'ProposeProject',
    data: {
      projectId,
      code: `BENCH-${projectId.slice(0, 8)}`,
      title: 'Benchmark project',
      description: 'A long-lived project: measurements every month for decades.',
      country: 'LA',
      location: { village: 'Bansuo' },
      sector: '43040',
      participatingOrganisations: [{ name: 'Bench', role: 4 }],
      plannedStart: '2017-09-01',
    },
  };
  yield { type: 'ApproveProject', data: { date: '2017-09-01' } };
  yield { type: 'StartProject', data: { date: '2017-09-01' } };
  const indicators = Math.min(INDICATORS, Math.max(1, events - 3));
  for (let i = 0; i < indicators; i++) {
    yield {
      type: 'DefineIndicator',
      data: {
        indicatorId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        title: `Indicator ${i}`,
        unit: 'people',
        measure: 1,
        resultLevel: 1,
        baseline: { value: 0 },
        target: { value: 1000 },
      },
    };
  }
  for (let n = 3 + indicators; n < events; n++) yield measurement(n, indicators);
}

function measurement(n: number, indicators = INDICATORS): ProjectCommand {
  const day = new Date(Date.UTC(2018, 0, 1) + (n % 3000) * 86_400_000).toISOString().slice(0, 10);
  return {
    type: 'RecordMeasurement',
    data: {
      indicatorId: `00000000-0000-4000-8000-${String(n % indicators).padStart(12, '0')}`,
      measurementId: randomUUID(),
      value: n % 1000,
      date: day,
      disaggregation: { female: (n % 1000) >> 1 },
    },
  };
}

/** Writes a project of `events` events through decide, in appends of 500, fast enough to build 10,000. */
async function buildStream(store: PostgresEventStore, events: number): Promise<string> {
  const projectId = randomUUID();
  let state: ProjectState = initialProjectState;
  let version = 0;
  let batch: ReturnType<typeof decide> = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await store.append(
      projectId,
      version,
      batch.map((event) => ({ ...event, schemaVersion: PROJECT_EVENT_SCHEMA_VERSIONS[event.type], metadata: { ...metadata(), eventId: randomUUID() } })),
      { streamType: 'project' },
    );
    version += batch.length;
    batch = [];
  };
  for (const command of commandsOf(projectId, events)) {
    const decided = decide(command, state, decisionContextAt(new Date()));
    for (const event of decided) state = evolve(state, event);
    batch.push(...decided);
    if (batch.length >= 500) await flush();
  }
  await flush();
  return projectId;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const rate = (value: number) => Math.round(value).toLocaleString('en');

/**
 * Verification is timed over whole runs of the log, as many as the rebuild's benchmark: the median is
 * the rate of a process that has verified before (an API answering audits, a long audit:verify), the
 * first run's includes new server processes and code not yet compiled, which on a log of 100,000
 * events is a good part of a second.
 */
const VERIFICATION_RUNS = 3;

async function verificationRuns(
  verify: () => Promise<{ events: number; valid: boolean }>,
): Promise<{ events: number; valid: boolean; first: number; median: number }> {
  const rates: number[] = [];
  let last = { events: 0, valid: true };
  let valid = true;
  for (let n = 0; n < VERIFICATION_RUNS; n++) {
    const started = performance.now();
    last = await verify();
    rates.push(last.events / ((performance.now() - started) / 1000));
    valid &&= last.valid;
  }
  return { events: last.events, valid, first: rates[0]!, median: percentile(rates, 50) };
}

/**
 * The domain's own CPU for one measurement (decide, then evolve), in microseconds: what a command costs
 * in memory once its state is loaded, on a project whose one indicator already holds `measurements`
 * measurements. The latencies above are mostly round trips; this shows a cost that grows with history.
 */
function domainMicrosPerMeasurement(measurements: number): number {
  let state: ProjectState = initialProjectState;
  const context = decisionContextAt(new Date());
  const apply = (command: ProjectCommand) => {
    for (const event of decide(command, state, context)) state = evolve(state, event);
  };
  for (const command of commandsOf(randomUUID(), 4)) apply(command);
  for (let n = 0; n < measurements; n++) apply(measurement(n, 1));
  const runs = 2_000;
  const started = performance.now();
  for (let n = 0; n < runs; n++) apply(measurement(measurements + n, 1));
  return ((performance.now() - started) * 1000) / runs;
}

/**
 * What GET /projects/{id}/state?version=N does, timed at `runs` random versions up to `maxVersion`: the
 * stream's head, the state at the version (from the nearest snapshot), and the event at it.
 */
async function stateQueryLatencies(store: PostgresEventStore, handler: ProjectCommandHandler, streamId: string, maxVersion: number, runs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let n = 0; n < runs; n++) {
    const version = 1 + Math.floor(Math.random() * maxVersion);
    const started = performance.now();
    await store.streamVersion(streamId);
    await handler.load(streamId, version);
    await store.readStream(streamId, { fromVersion: version, toVersion: version });
    samples.push(performance.now() - started);
  }
  return samples;
}

async function commandLatencies(handler: ProjectCommandHandler, projectId: string, runs: number): Promise<number[]> {
  // Every bench stream defines its indicators first; the 10-event one has 7 of them.
  const indicators = projectId === shortStream ? 7 : INDICATORS;
  const samples: number[] = [];
  for (let n = 0; n < runs; n++) {
    const started = performance.now();
    await handler.handle(projectId, measurement(100_000 + n, indicators), { metadata: metadata() });
    samples.push(performance.now() - started);
  }
  return samples;
}

/**
 * `bench:long-stream`: command latency on a 10,000-event stream against a 10-event one, state-as-of
 * latency on a 1,000-event stream, and the hash-chain verification rate. Runs on a database of its
 * own (DATABASE_URL's name + `_bench`), dropped at the end. Figures, not assertions: see docs/audit.md.
 */
export async function benchLongStreamCommand(config: AppConfig): Promise<void> {
  const url = new URL(config.databaseUrl);
  url.pathname = `${url.pathname}_bench`;
  const databaseUrl = url.toString();
  await dropDatabaseIfExists(databaseUrl);
  await createDatabaseIfMissing(databaseUrl);
  await migrate(databaseUrl);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
  try {
    const store = new PostgresEventStore(pool);
    const snapshots = createProjectSnapshotStore(pool);
    const handler = createProjectCommandHandler(store, { snapshots, snapshotEvery: config.audit.snapshotEvery });
    const plain = createProjectCommandHandler(store, { cachedStreams: 0 });

    console.log(`Building streams (snapshot every ${config.audit.snapshotEvery} events)...`);
    const short = await buildStream(store, 10);
    shortStream = short;
    const long = await buildStream(store, 10_000);
    const medium = await buildStream(store, 1_000);
    // The first load of each stream folds it whole and leaves a snapshot: what a long-lived stream has.
    for (const id of [short, long, medium]) await handler.load(id);

    const runs = 200;
    await commandLatencies(handler, short, 20);
    await commandLatencies(handler, long, 20);
    const shortSamples: number[] = [];
    const longSamples: number[] = [];
    for (let round = 0; round < 4; round++) {
      shortSamples.push(...(await commandLatencies(handler, short, runs / 4)));
      longSamples.push(...(await commandLatencies(handler, long, runs / 4)));
    }
    const withoutSnapshots = await commandLatencies(plain, long, 10);
    domainMicrosPerMeasurement(1_000); // warm-up: the JIT
    const domainMicros = { short: domainMicrosPerMeasurement(10), long: domainMicrosPerMeasurement(10_000) };

    const stateSamples = await stateQueryLatencies(store, handler, medium, 1_000, 500);

    // The same anywhere in the 10,000-event history, with the snapshots the commands that built it would
    // have left (one every SNAPSHOT_EVERY versions: each load below folds that many and leaves one).
    for (let version = config.audit.snapshotEvery; version < 10_000; version += config.audit.snapshotEvery) await handler.load(long, version);
    const deepSamples = await stateQueryLatencies(store, handler, long, 10_000, 200);

    // Verification is measured on a log of about 100,000 events: 89 more projects of 1,000 events.
    console.log('Building a log of about 100,000 events for the verification rate...');
    for (let n = 0; n < 89; n++) await buildStream(store, 1_000);
    const reader = new PostgresAuditReader(pool);
    const verification = await verificationRuns(() => verifyAllStreams(reader));
    // More than one thread, whatever audit:verify's default here (one per two cores), to show what threads add.
    const workers = Math.max(2, defaultWorkers());
    const parallel = await verificationRuns(() => verifyAllStreamsInParallel(databaseUrl, workers));
    const chain = await reader.readStreamChain(long, 1, 20_000);
    const pureStarted = performance.now();
    const verifier = new StreamChainVerifier(long);
    for (const event of chain) verifier.push(event);
    const pureSeconds = (performance.now() - pureStarted) / 1000;

    const p50 = { short: percentile(shortSamples, 50), long: percentile(longSamples, 50) };
    const p95 = { short: percentile(shortSamples, 95), long: percentile(longSamples, 95) };
    console.log('');
    console.log('| measure | figure |');
    console.log('| --- | --- |');
    console.log(`| command on a 10-event stream, p50 / p95 (${runs} runs) | ${ms(p50.short)} / ${ms(p95.short)} |`);
    console.log(`| command on a 10,000-event stream, p50 / p95 (${runs} runs) | ${ms(p50.long)} / ${ms(p95.long)} |`);
    console.log(`| ratio long / short, p50 / p95 (target within 1.5x) | ${(p50.long / p50.short).toFixed(2)}x / ${(p95.long / p95.short).toFixed(2)}x |`);
    console.log(`| command on the 10,000-event stream without snapshots or cache, p50 (10 runs) | ${ms(percentile(withoutSnapshots, 50))} |`);
    console.log(`| deciding and evolving one measurement in memory, an indicator holding 10 / 10,000 measurements | ${domainMicros.short.toFixed(1)} / ${domainMicros.long.toFixed(1)} us |`);
    console.log(`| state as of a random version of a 1,000-event stream, p50 / p95 (500 runs; target p95 < 20 ms) | ${ms(percentile(stateSamples, 50))} / ${ms(percentile(stateSamples, 95))} |`);
    console.log(`| state as of a random version of the 10,000-event stream, p50 / p95 (200 runs) | ${ms(percentile(deepSamples, 50))} / ${ms(percentile(deepSamples, 95))} |`);
    console.log(
      `| verification of every stream from PostgreSQL, one thread (${verification.events.toLocaleString('en')} events, ${verification.valid ? 'valid' : 'BROKEN'}), median of ${VERIFICATION_RUNS} (first run) | ${rate(verification.median)} (${rate(verification.first)}) events/s |`,
    );
    console.log(
      `| the same on ${workers} threads (\`audit:verify --workers=${workers}\`, ${parallel.valid ? 'valid' : 'BROKEN'}), median of ${VERIFICATION_RUNS} (first run) | ${rate(parallel.median)} (${rate(parallel.first)}) events/s |`,
    );
    console.log(`| hash recomputation alone, in memory (${chain.length.toLocaleString('en')} events) | ${Math.round(chain.length / pureSeconds).toLocaleString('en')} events/s |`);
    // The same figures, machine-readable, for `npm run bench` (scripts/bench.mjs).
    console.log(
      JSON.stringify({
        benchmark: 'long-stream',
        commandMs: { short: p50.short, long: p50.long, shortP95: p95.short, longP95: p95.long },
        ratioP50: p50.long / p50.short,
        ratioP95: p95.long / p95.short,
        domainMicros,
        stateAsOfMs: { p50: percentile(stateSamples, 50), p95: percentile(stateSamples, 95) },
        stateAsOfLongMs: { p50: percentile(deepSamples, 50), p95: percentile(deepSamples, 95) },
        verification: {
          events: verification.events,
          valid: verification.valid,
          runs: VERIFICATION_RUNS,
          eventsPerSecond: Math.round(verification.median),
          firstRunEventsPerSecond: Math.round(verification.first),
        },
        parallelVerification: {
          workers,
          valid: parallel.valid,
          runs: VERIFICATION_RUNS,
          eventsPerSecond: Math.round(parallel.median),
          firstRunEventsPerSecond: Math.round(parallel.first),
        },
      }),
    );
  } finally {
    await pool.end();
    await dropDatabaseIfExists(databaseUrl);
  }
}
