#!/usr/bin/env node
// Profiles the built worker in isolation: a database and a queue prefix of its own, both dropped at the
// end, and no API (events are appended straight to the event store, and announced as the API does).
// Needs `npm run build` first. Prints one JSON line of figures; progress goes to stderr.
//
//   node scripts/profile-worker.mjs [--projects 16] [--history 3000] [--backlog 5000] [--idle 200]
//     [--load SECONDS] [--rate 500] [--prof DIR] [--heap-prof DIR] [--heap-snapshot DIR] [--sql FILE]
//     [--worker-log FILE] [--keep-db] [--node-flags="F"] [--dist DIR]
//
// 1. History: --projects projects, each proposed, approved, started, with one indicator and --history
//    measurements (like the projects `npm run bench` has loaded by its worker-backlog phase), appended
//    straight to the event store; the views are rebuilt (projections:rebuild) and a plain worker runs
//    until the notifier has followed the feed to its end ("history caught up"), then is stopped.
// 2. Backlog: with no worker running, --backlog single-event appends (RecordMeasurement, one writer per
//    project, round robin), as `npm run bench` records its backlog over HTTP.
// 3. The measured worker, started under `node --cpu-prof` with --prof, `--heap-prof` with --heap-prof,
//    and with scripts/profile-worker-sql.mjs preloaded with --sql (every SQL statement's count and time
//    to FILE, the backlog's alone to FILE.backlog.json). Timed from its "worker running" line to every
//    project view at its stream's version (events/s, and the worker's CPU seconds), and to the
//    notifier's cursor at the feed's end.
// 4. Idle commit-to-visible: --idle appends one at a time to one project, 20 ms apart, each timed from
//    the append's commit to its view showing the version (polled every millisecond), as bench:lag does.
// 5. Under load (--load SECONDS at --rate appends/s): appends round robin over the projects, each timed
//    from its commit until its view shows it (all views polled every millisecond), as `npm run bench`
//    does at 500 commands/s; then how long the notifier takes to reach the feed's end, how many notifier
//    jobs still wait in Redis, and the worker's CPU time per event.
// The measured worker runs with the worker's node flags (WORKER_NODE_FLAGS), or with --node-flags instead.
// --dist DIR runs another build (e.g. dist/base, a copy of dist/ made before a change) for before/after runs.
// Then the worker's peak RSS (VmHWM), a heap snapshot into DIR with --heap-snapshot, SIGTERM (the CPU
// profile is written on exit) and the worker's output to FILE with --worker-log.
//
// Sum a profile with scripts/profile-summary.mjs, a heap snapshot with scripts/heap-summary.mjs.
import { randomUUID } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Redis } from 'ioredis';
import { cpuSeconds, dropQueueKeys, runNode, startWorkerProcess, WORKER_NODE_FLAGS } from './bench-support.mjs';

const { values: opts } = parseArgs({
  options: {
    projects: { type: 'string', default: '16' },
    history: { type: 'string', default: '3000' },
    backlog: { type: 'string', default: '5000' },
    idle: { type: 'string', default: '200' },
    load: { type: 'string', default: '0' },
    rate: { type: 'string', default: '500' },
    prof: { type: 'string' },
    'heap-prof': { type: 'string' },
    'heap-snapshot': { type: 'string' },
    'worker-log': { type: 'string' },
    sql: { type: 'string' },
    'keep-db': { type: 'boolean', default: false },
    dist: { type: 'string', default: 'dist' },
    'node-flags': { type: 'string' },
  },
});
const PROJECTS = Number(opts.projects);
const HISTORY = Number(opts.history);
const BACKLOG = Number(opts.backlog);
const IDLE = Number(opts.idle);
const LOAD_SECONDS = Number(opts.load);
const RATE = Number(opts.rate);

const ROOT = new URL('../', import.meta.url).pathname;
const DIST = join(ROOT, opts.dist);
const CLI = join(DIST, 'apps/cli/apps/cli/src/main.js');
const WORKER = join(DIST, 'apps/worker/apps/worker/src/main.js');
const { PostgresEventStore } = await import(join(DIST, 'apps/cli/libs/event-store/src/index.js'));
const { decide, evolve, initialProjectState } = await import(join(DIST, 'apps/cli/libs/domain/src/index.js'));

const BASE = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const DB_NAME = `pt_prof_${process.pid}`;
const DATABASE_URL = Object.assign(new URL(BASE), { pathname: `/${DB_NAME}` }).toString();
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const QUEUE_PREFIX = `pt-prof-${process.pid}`;
const ENV = {
  ...process.env,
  NODE_ENV: 'development',
  DATABASE_URL,
  REDIS_URL,
  QUEUE_PREFIX,
  ADMIN_API_KEY: `prof-admin-${process.pid}-0123456789abcdef`,
  WORKER_METRICS_PORT: '0',
  LOG_LEVEL: 'warn',
};

const log = (message) => console.error(`[profile ${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;
const percentile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

const run = (args, env = {}) => runNode(args, { ...ENV, ...env });

function startWorker(nodeArgs = []) {
  return startWorkerProcess(WORKER, nodeArgs, ENV);
}

async function stopWorker(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return round(Number(status.match(/VmHWM:\s+(\d+)/)[1]) / 1024, 1);
}

const actor = { keyId: '00000000-0000-4000-8000-000000000003', role: 'admin' };
function toNew(command, event) {
  return {
    type: event.type, data: event.data, schemaVersion: 1,
    metadata: { eventId: randomUUID(), actor, commandType: command.type, correlationId: randomUUID(), occurredAt: new Date().toISOString() },
  };
}

/** A project with one indicator and `measurements` measurements, decided by the real decider. */
function history(index, measurements) {
  const projectId = randomUUID();
  const indicatorId = randomUUID();
  const context = { today: new Date().toISOString().slice(0, 10) };
  const commands = [
    { type: 'ProposeProject', data: { projectId, code: `PROF-${index}-${projectId.slice(0, 8)}`, title: `Profiled project ${index}`, description: 'profile-worker', country: 'LA', location: { village: 'Bansuo' }, sector: '43040', participatingOrganisations: [{ name: 'Profile', role: 1 }] } },
    { type: 'ApproveProject', data: { date: context.today } },
    { type: 'StartProject', data: { date: context.today } },
    { type: 'DefineIndicator', data: { indicatorId, title: 'Households reached', unit: 'households', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 1000 } } },
  ];
  for (let n = 0; n < measurements; n++) commands.push({ type: 'RecordMeasurement', data: { indicatorId, measurementId: randomUUID(), value: n % 1000, date: '2024-01-01' } });
  let state = initialProjectState;
  const events = [];
  for (const command of commands) {
    for (const event of decide(command, state, context)) {
      state = evolve(state, event);
      events.push(toNew(command, event));
    }
  }
  return { projectId, indicatorId, events };
}

async function totals(pool) {
  const { rows } = await pool.query(
    `SELECT (SELECT coalesce(sum(version), 0)::int FROM event_streams) AS head,
            (SELECT coalesce(sum(version), 0)::int FROM project_views) AS visible,
            (SELECT count(*)::int FROM events) AS events,
            (SELECT count(*)::int FROM events e, notifier_cursors c WHERE c.name = 'notifier' AND (e.transaction_id, e.position) > (c.transaction_id, c.position)) AS unnotified`,
  );
  return rows[0];
}

async function waitFor(pool, what, done, timeoutMs = 600_000) {
  const started = performance.now();
  for (;;) {
    const now = await totals(pool);
    if (done(now)) return (performance.now() - started) / 1000;
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not done after ${timeoutMs / 1000} s: ${JSON.stringify(now)}`);
    await sleep(2);
  }
}

async function main() {
  const admin = new pg.Client({ connectionString: BASE.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DB_NAME}`);
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: PROJECTS + 2 });
  pool.on('error', () => undefined);
  const result = { projects: PROJECTS, history: HISTORY, backlog: BACKLOG };
  try {
    await run([CLI, 'migrate']);
    const store = new PostgresEventStore(pool);

    log(`history: ${PROJECTS} projects, ${HISTORY} measurements each`);
    const projects = [];
    for (let i = 0; i < PROJECTS; i++) {
      const { projectId, indicatorId, events } = history(i, HISTORY);
      const appended = await store.append(projectId, 0, events, { streamType: 'project' });
      projects.push({ projectId, indicatorId, version: appended.version, headHash: appended.headHash });
    }
    await run([CLI, 'projections:rebuild']);
    const warm = await startWorker();
    result.historyNotifierSeconds = round(await waitFor(pool, 'history', (t) => t.unnotified === 0 && t.visible >= t.head), 2);
    log(`history caught up (notifier ${result.historyNotifierSeconds} s)`);
    await stopWorker(warm);

    log(`backlog: ${BACKLOG} appends with the worker stopped`);
    const before = await totals(pool);
    await Promise.all(
      projects.map(async (project, p) => {
        for (let n = p; n < BACKLOG; n += PROJECTS) await recordMeasurement(store, project, n);
      }),
    );
    const behind = (await totals(pool)).head - before.visible;

    const nodeArgs = opts['node-flags'] !== undefined ? opts['node-flags'].split(' ').filter(Boolean) : [...WORKER_NODE_FLAGS];
    if (opts.prof) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${opts.prof}`);
    if (opts['heap-prof']) nodeArgs.push('--heap-prof', `--heap-prof-dir=${opts['heap-prof']}`);
    if (opts.sql) nodeArgs.push('--import', join(ROOT, 'scripts/profile-worker-sql.mjs'));
    if (opts['heap-snapshot']) nodeArgs.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${opts['heap-snapshot']}`);
    if (opts.sql) ENV.PROFILE_SQL_FILE = opts.sql;
    const worker = await startWorker(nodeArgs);
    log(`worker started, ${behind} events behind`);
    const cpuAtStart = cpuSeconds(worker.pid);
    const viewsSeconds = await waitFor(pool, 'backlog views', (t) => t.visible >= t.head);
    result.worker = { events: behind, viewsSeconds: round(viewsSeconds, 2), eventsPerSecond: round(behind / viewsSeconds), cpuSeconds: round(cpuSeconds(worker.pid) - cpuAtStart, 2) };
    log(`views current after ${round(viewsSeconds, 2)} s: ${result.worker.eventsPerSecond} events/s, peak RSS so far ${peakRssMb(worker.pid)} MB`);
    const notifierSeconds = await waitFor(pool, 'backlog notifier', (t) => t.unnotified === 0);
    result.worker.notifierSeconds = round(viewsSeconds + notifierSeconds, 2);
    log(`notifier at the feed's end after ${result.worker.notifierSeconds} s`);
    if (opts.sql) {
      // The preload writes its counts every second: keep the backlog's apart from the idle phase's.
      await sleep(1_100);
      copyFileSync(opts.sql, opts.sql.replace(/(\.json)?$/, '.backlog.json'));
    }

    if (IDLE > 0) {
      log(`idle commit-to-visible: ${IDLE} appends on one project`);
      const project = projects[0];
      const lags = [];
      for (let i = 0; i < IDLE; i++) {
        await recordMeasurement(store, project, i, { announce: true });
        const committedAt = performance.now();
        for (;;) {
          const { rows } = await pool.query('SELECT version FROM project_views WHERE id = $1', [project.projectId]);
          if ((rows[0]?.version ?? 0) >= project.version) break;
          if (performance.now() - committedAt > 10_000) throw new Error(`version ${project.version} not visible after 10 s`);
          await sleep(1);
        }
        lags.push(performance.now() - committedAt);
        await sleep(20);
      }
      lags.sort((a, b) => a - b);
      result.idle = { commands: IDLE, p50: round(percentile(lags, 0.5), 1), p95: round(percentile(lags, 0.95), 1), p99: round(percentile(lags, 0.99), 1), max: round(lags.at(-1), 1) };
      log(`idle commit-to-visible p50/p95/p99 ${result.idle.p50} / ${result.idle.p95} / ${result.idle.p99} ms, peak RSS so far ${peakRssMb(worker.pid)} MB`);
    }
    if (LOAD_SECONDS > 0) {
      log(`commit-to-visible under load: ${RATE} appends/s for ${LOAD_SECONDS} s`);
      const cpuBefore = cpuSeconds(worker.pid);
      result.load = await underLoad(store, pool, projects);
      result.load.workerCpuMsPerEvent = round(((cpuSeconds(worker.pid) - cpuBefore) * 1000) / result.load.samples, 2);
      log(`under load p50/p95/p99 ${result.load.p50} / ${result.load.p95} / ${result.load.p99} ms`);
    }
    result.worker.peakRssMb = peakRssMb(worker.pid);
    if (opts['heap-snapshot']) {
      worker.kill('SIGUSR2');
      await sleep(10_000);
    }
    await stopWorker(worker);
    if (opts['worker-log']) writeFileSync(opts['worker-log'], worker.output());
    const errors = worker.output().split('\n').filter((line) => /"level":(50|40)|Error/.test(line));
    if (errors.length) log(`worker warnings/errors:\n${errors.slice(0, 10).join('\n')}`);
    console.log(JSON.stringify(result));
  } finally {
    await pool.end();
    await announcer?.quit();
    if (!opts['keep-db']) await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    else log(`kept database ${DB_NAME}`);
    await admin.end();
    await dropQueueKeys(REDIS_URL, QUEUE_PREFIX);
  }
}

async function underLoad(store, pool, projects) {
  const pending = new Map(projects.map((p) => [p.projectId, []]));
  const chains = new Map(projects.map((p) => [p.projectId, Promise.resolve()]));
  const lags = [];
  let stop = false;
  const poller = (async () => {
    const ids = projects.map((p) => p.projectId);
    while (!stop || [...pending.values()].some((list) => list.length > 0)) {
      const { rows } = await pool.query('SELECT id, version FROM project_views WHERE id = ANY($1::uuid[])', [ids]);
      const now = performance.now();
      for (const { id, version } of rows) {
        const list = pending.get(id);
        while (list.length > 0 && list[0].version <= version) lags.push(now - list.shift().at);
      }
      await sleep(1);
    }
  })();
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < LOAD_SECONDS * 1000) {
    const due = started + (sent * 1000) / RATE;
    if (performance.now() < due) {
      await sleep(Math.max(0, due - performance.now() - 0.5));
      continue;
    }
    const project = projects[sent++ % projects.length];
    const value = sent;
    const append = async () => {
      await recordMeasurement(store, project, value, { announce: true });
      pending.get(project.projectId).push({ version: project.version, at: performance.now() });
    };
    chains.set(project.projectId, chains.get(project.projectId).then(append));
  }
  const sendingSeconds = (performance.now() - started) / 1000;
  await Promise.all(chains.values());
  stop = true;
  await poller;
  const notifierStarted = performance.now();
  await waitFor(pool, 'notifier after load', (t) => t.unnotified === 0);
  const notifierBehindSeconds = (performance.now() - notifierStarted) / 1000;
  announcer ??= new Redis(REDIS_URL);
  const notifierJobsWaiting = await announcer.llen(`${QUEUE_PREFIX}:notifier:wait`);
  lags.sort((a, b) => a - b);
  return {
    rate: round(sent / sendingSeconds), samples: lags.length,
    p50: round(percentile(lags, 0.5), 1), p95: round(percentile(lags, 0.95), 1), p99: round(percentile(lags, 0.99), 1), max: round(lags.at(-1), 1),
    notifierBehindSeconds: round(notifierBehindSeconds, 2), notifierJobsWaiting,
  };
}

let announcer;

/**
 * One RecordMeasurement event appended at the project's head, and announced after commit like the API's
 * announcer does (never awaited, so the commit is what is timed).
 */
async function recordMeasurement(store, project, n, { announce = false } = {}) {
  const command = { type: 'RecordMeasurement', data: { indicatorId: project.indicatorId, measurementId: randomUUID(), value: n % 1000, date: '2024-01-01' } };
  // The event as the decider makes it (the project's id in its data, as the fold requires).
  const events = [toNew(command, { type: 'MeasurementRecorded', data: { projectId: project.projectId, ...command.data } })];
  const appended = await store.append(project.projectId, project.version, events, { streamType: 'project', expectedHeadHash: project.headHash });
  project.version = appended.version;
  project.headHash = appended.headHash;
  if (announce) {
    announcer ??= new Redis(REDIS_URL);
    announcer.publish(`${QUEUE_PREFIX}:events-appended`, `${project.projectId}:${appended.version}:${Date.now()}`).catch(() => undefined);
  }
}

await main();
