#!/usr/bin/env node
// The "commands over HTTP" phase of scripts/bench.mjs on its own, to profile the API's command path.
//
//   node scripts/profile-http.mjs [--seconds 15] [--connections 16] [--cpu-prof] [--heap-prof] [--queries] [--rate N] [--dist dist]
//
// Creates a database of its own (pt_prof_<pid>, dropped at the end) and a queue prefix of its own,
// migrates it, starts the built API (dist/apps/api/apps/api/src/main.js; run `npm run build` first)
// with the bench's settings (rate limits off, LOG_LEVEL=warn), no worker: it makes one project per
// connection (started, with one indicator), warms up for 2 s, then either runs autocannon with one
// connection per project, every request a RecordMeasurement (the bench's closed loop), or with
// `--rate N` sends N requests a second whatever the answers do (the bench's open-loop overload; the
// answers are counted by status). It prints requests/s, p50/p99, statuses and the API's VmRSS/VmHWM,
// then stops the API with SIGINT so that:
//   --cpu-prof   writes a .cpuprofile to /tmp/wt-api-prof (analyse it with scripts/profile-summary.mjs)
//   --heap-prof  writes a .heapprofile (sampling heap profiler) there
//   --allocations  writes allocations-<pid>.heapprofile there: every allocation site of the measured load, sampled,
//                collected objects included (analyse it with scripts/profile-summary.mjs); with PROFILE_ALLOCATIONS_PROMOTED=1
//                in the environment only what outlived the young generation (what the mark-compacts collect)
//   --heap-snapshot  writes a .heapsnapshot there when the load ends (with --rate: when sending ends)
//   --queries    writes the statements the API sent to PostgreSQL, counted (per request, printed)
//   --stages     times each request's stages in the API (to its append statement's departure, the round trip,
//                to the response's end) and prints them for all requests and for the slowest 1%, with the
//                garbage collector's pauses that overlapped those and the event loop's delay: where the p99 goes
//   --dist DIR   runs another build: a copy of dist/ made before a change (e.g. dist/base), for before/after runs
//   --path P     loads GET P instead (e.g. /health: the cost of the HTTP stack without a command)
//   --node-flags=F  starts the API with these node flags instead of the bench's (API_NODE_FLAGS in bench-support.mjs)
//   --worker     also runs the built worker, as the bench does (projections and notifications during the load)
//   --worker-cpu-prof  (with --worker) also writes the worker's .cpuprofile to the same directory (stopped with SIGINT too)
//   --api-output FILE  writes all the API printed to FILE (e.g. with --node-flags="... --trace-gc-nvp": every collection)
//   --worker-allocations  (with --worker) the same as --allocations, for the worker (worker-allocations-<pid>.heapprofile)
//   --worker-sql FILE  (with --worker) counts the worker's statements and their time into FILE (scripts/profile-worker-sql.mjs)
//   --client pool|fetch|autocannon  (with --rate) the load's client: keep-alive connections as the bench's (default), fetch()
//                (one connection per request in flight), or autocannon with overallRate (each connection waits for its answer)
//   --client-connections N  (with pool or autocannon) how many connections (default 64, as the bench)
//   --floor node|nest|nest-fastify  loads the HTTP floor (scripts/http-floor.mjs) instead of the API, under the same
//                load and the same figures: our API's CPU per command next to the floor's at the same rate
//                (with --rate); the API's node flags; refused with the options that profile the API or add the worker
// scripts/profile-preload.mjs makes the API exit normally after Nest's shutdown, so the profiles land.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { API_NODE_FLAGS, benchSettings, commandClient, cpuSeconds, cpuTimes, dropQueueKeys, freePort, loadWithAutocannon, measurementBody, measurementPath, memory, onServer, runNode, sendAtRate, startApiProcess, startHttpFloor, startWorkerProcess, WORKER_NODE_FLAGS } from './bench-support.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '16' },
    rate: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    'heap-prof': { type: 'boolean', default: false },
    allocations: { type: 'boolean', default: false },
    'heap-snapshot': { type: 'boolean', default: false },
    queries: { type: 'boolean', default: false },
    stages: { type: 'boolean', default: false },
    'prof-dir': { type: 'string', default: '/tmp/wt-api-prof' },
    dist: { type: 'string', default: 'dist' },
    path: { type: 'string' },
    'node-flags': { type: 'string' },
    worker: { type: 'boolean', default: false },
    'worker-sql': { type: 'string' },
    'worker-cpu-prof': { type: 'boolean', default: false },
    'worker-allocations': { type: 'boolean', default: false },
    'api-output': { type: 'string' },
    client: { type: 'string', default: 'pool' },
    'client-connections': { type: 'string', default: '64' },
    floor: { type: 'string' },
  },
});
if (values.floor) {
  if (!['node', 'nest', 'nest-fastify'].includes(values.floor)) throw new Error(`--floor node|nest|nest-fastify (got ${values.floor})`);
  const apiOnly = ['cpu-prof', 'heap-prof', 'allocations', 'heap-snapshot', 'queries', 'worker', 'path'].filter((option) => values[option]);
  if (apiOnly.length > 0) throw new Error(`--floor loads the floor alone: --${apiOnly.join(', --')} apply to the API only`);
}
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const ROOT = new URL('../', import.meta.url).pathname;
const CLI = join(ROOT, values.dist, 'apps/cli/apps/cli/src/main.js');
const API = join(ROOT, values.dist, 'apps/api/apps/api/src/main.js');
const WORKER = join(ROOT, values.dist, 'apps/worker/apps/worker/src/main.js');
for (const file of [CLI, API, WORKER]) if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);

const BASE = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const DB_NAME = `pt_prof_${process.pid}`;
const DATABASE_URL = Object.assign(new URL(BASE), { pathname: `/${DB_NAME}` }).toString();
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const QUEUE_PREFIX = `pt-prof-${process.pid}`;
const ADMIN_API_KEY = `prof-admin-${process.pid}-0123456789abcdef`;
const QUERY_LOG = join(values['prof-dir'], `queries-${process.pid}.json`);
const ALLOCATIONS_LOG = join(values['prof-dir'], `allocations-${process.pid}.heapprofile`);
const STAGES_LOG = join(values['prof-dir'], `stages-${process.pid}.json`);
const WORKER_ALLOCATIONS_LOG = join(values['prof-dir'], `worker-allocations-${process.pid}.heapprofile`);
const ENV = {
  ...benchSettings({ databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, queuePrefix: QUEUE_PREFIX, adminApiKey: ADMIN_API_KEY }),
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  ...(values.queries ? { PROFILE_QUERY_LOG: QUERY_LOG } : {}),
  ...(values.allocations ? { PROFILE_ALLOCATIONS: ALLOCATIONS_LOG } : {}),
  ...(values.stages ? { PROFILE_STAGES: STAGES_LOG } : {}),
};

const log = (message) => console.error(`[profile ${new Date().toISOString().slice(11, 19)}] ${message}`);
const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const percentile = (samples, q) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(q * samples.length))];

const admin = (sql) => onServer(BASE, sql);

const run = (args) => runNode(args, ENV);

/** The PostgreSQL backends serving our database (the API's pool), by pid. */
async function backendPids() {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

const space = (metrics, name) => Number(metrics.match(new RegExp(`^project_tracker_api_nodejs_heap_space_size_total_bytes\\{space="${name}"\\} ([\\d.e+]+)`, 'm'))?.[1] ?? NaN);

/** Where the API's memory is: RSS anonymous / file-backed (from /proc), V8 heap and external (from /metrics). */
async function memoryDetail(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (value) => round(value / 2 ** 20);
  const kb = (key) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? 0) * 1024;
  const metrics = await fetch(`${apiUrl}/metrics`).then((response) => response.text()).catch(() => '');
  const metric = (name) => Number(metrics.match(new RegExp(`^project_tracker_api_${name}(?:\\{[^}]*\\})? ([\\d.e+]+)`, 'm'))?.[1] ?? NaN);
  return {
    rssAnonMb: mb(kb('RssAnon')), rssFileMb: mb(kb('RssFile')),
    heapUsedMb: mb(metric('nodejs_heap_size_used_bytes')), heapTotalMb: mb(metric('nodejs_heap_size_total_bytes')), externalMb: mb(metric('nodejs_external_memory_bytes')),
    newSpaceMb: mb(space(metrics, 'new')), oldSpaceMb: mb(space(metrics, 'old')),
  };
}

let apiUrl = '';
const headers = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_API_KEY}` };
async function call(method, path, body) {
  const response = await fetch(`${apiUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** One started project with one indicator per connection; the ids come from the answers, so no worker is needed. */
async function makeProjects(count) {
  return Promise.all(
    Array.from({ length: count }, async (_, n) => {
      const { id } = await call('POST', '/projects', {
        code: `P${n}-${process.pid}`, title: `Profile project ${n}`, description: 'profile-http', country: 'LA', location: { village: 'Bansuo' },
        sector: '43040', participatingOrganisations: [{ name: 'Profile', role: 1 }],
      });
      await call('POST', `/projects/${id}/approve`, {});
      await call('POST', `/projects/${id}/start`, {});
      const { indicatorId } = await call('POST', `/projects/${id}/indicators`, {
        title: 'Households reached', unit: 'households', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 1000 },
      });
      return { id, indicatorId };
    }),
  );
}

function closedLoop(projects, duration) {
  return values.path ? closedLoopGet(projects.length, duration) : loadWithAutocannon(apiUrl, headers, projects, { duration });
}

function closedLoopGet(connections, duration) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `${apiUrl}${values.path}`, connections, duration, headers }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** The bench's overload: `rate` requests a second, round robin over the projects, whatever the answers do. */
async function openLoop(projects, rate, seconds, apiPid) {
  if (values.client === 'autocannon') return rateWithAutocannon(projects, rate, seconds, apiPid);
  const statuses = {};
  const latencies = [];
  let peakInFlight = 0;
  let inFlight = 0;
  const client = values.client === 'fetch' ? undefined : commandClient(apiUrl, headers, Number(values['client-connections']));
  const post =
    client?.post ??
    ((path, body) => fetch(`${apiUrl}${path}`, { method: 'POST', headers, body }).then(async (response) => ({ status: response.status, text: await response.text() })));
  const sampler = setInterval(() => (peakInFlight = Math.max(peakInFlight, inFlight)), 10);
  const clientCpuBefore = process.cpuUsage();
  const started = performance.now();
  const { sent, sendingSeconds, requests } = await sendAtRate(rate, seconds, (n) => {
    inFlight++;
    const at = performance.now();
    return post(measurementPath(projects[(n - 1) % projects.length]), measurementBody(n))
      .then(({ status }) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
        latencies.push(performance.now() - at);
      })
      .catch((error) => {
        const key = String(error.cause?.code ?? error.code ?? error.name);
        statuses[key] = (statuses[key] ?? 0) + 1;
      })
      .finally(() => inFlight--);
  });
  const memoryAtEnd = memory(apiPid);
  if (values['heap-snapshot']) process.kill(apiPid, 'SIGTTIN');
  await Promise.all(requests);
  const answeredSeconds = (performance.now() - started) / 1000;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  clearInterval(sampler);
  client?.close();
  return {
    client: values.client === 'fetch' ? 'fetch' : `${values['client-connections']} keep-alive connections`,
    sent, achievedRate: round(sent / sendingSeconds), lastAnswerAfterSeconds: round(answeredSeconds), statuses, peakInFlight, memoryAtEnd,
    p50: round(percentile(latencies, 0.5)), p95: round(percentile(latencies, 0.95)), p99: round(percentile(latencies, 0.99)), max: round(Math.max(...latencies)),
    clientCpuMsPerRequest: round((clientCpu.user + clientCpu.system) / 1000 / sent, 3),
  };
}

/** `rate` requests a second spread over autocannon's connections (each waits for its answer before the next). */
async function rateWithAutocannon(projects, rate, seconds, apiPid) {
  const clientCpuBefore = process.cpuUsage();
  const connections = Number(values['client-connections']);
  const result = await loadWithAutocannon(apiUrl, headers, projects, { duration: seconds, connections, overallRate: rate });
  const clientCpu = process.cpuUsage(clientCpuBefore);
  return {
    client: `autocannon, ${connections} connections, overallRate ${rate}`,
    sent: result.requests.total, achievedRate: round(result.requests.average), statuses: result.statusCodeStats,
    errors: result.errors, timeouts: result.timeouts, memoryAtEnd: memory(apiPid),
    p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max,
    clientCpuMsPerRequest: round((clientCpu.user + clientCpu.system) / 1000 / result.requests.total, 3),
  };
}

/** The built worker on the same database and queue prefix, as the bench runs it. */
function startWorker() {
  const sql = values['worker-sql'];
  const flags = [...WORKER_NODE_FLAGS, ...(sql ? ['--import', join(ROOT, 'scripts/profile-worker-sql.mjs')] : [])];
  if (values['worker-cpu-prof'] || values['worker-allocations']) flags.push('--import', join(ROOT, 'scripts/profile-preload.mjs'));
  if (values['worker-cpu-prof']) flags.push('--cpu-prof', `--cpu-prof-dir=${values['prof-dir']}`);
  // The API's allocation profile is the API's: the worker writes one of its own only when asked.
  const env = { ...ENV };
  delete env.PROFILE_ALLOCATIONS;
  return startWorkerProcess(WORKER, flags, {
    ...env,
    ...(sql ? { PROFILE_SQL_FILE: sql } : {}),
    ...(values['worker-allocations'] ? { PROFILE_ALLOCATIONS: WORKER_ALLOCATIONS_LOG } : {}),
  });
}

async function main() {
  mkdirSync(values['prof-dir'], { recursive: true });
  await admin(`CREATE DATABASE ${DB_NAME}`);
  let api;
  let worker;
  try {
    await run([CLI, 'migrate']);
    if (values.worker) worker = await startWorker();
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    const flags = ['--import', join(ROOT, 'scripts/profile-preload.mjs'), ...(values['node-flags']?.split(' ').filter(Boolean) ?? API_NODE_FLAGS)];
    if (values['cpu-prof']) flags.push('--cpu-prof', `--cpu-prof-dir=${values['prof-dir']}`);
    if (values['heap-prof']) flags.push('--heap-prof', `--heap-prof-dir=${values['prof-dir']}`);
    // Not SIGUSR2: Nest's shutdown hooks listen to it.
    if (values['heap-snapshot']) flags.push('--heapsnapshot-signal=SIGTTIN', `--diagnostic-dir=${values['prof-dir']}`);
    api = values.floor ? await startHttpFloor(values.floor, ENV, port) : await startApiProcess(API, flags, ENV, port);
    log(`${values.floor ? `HTTP floor (${values.floor})` : 'API'} pid ${api.pid} on ${apiUrl}; database ${DB_NAME}; ${CONNECTIONS} projects`);
    // The floor keeps a stream per path, whatever its ids: no projects to make.
    const projects = values.floor
      ? Array.from({ length: CONNECTIONS }, (_, n) => ({ id: `floor-${n}`, indicatorId: randomUUID() }))
      : await makeProjects(CONNECTIONS);
    await closedLoop(projects, 2);
    const before = { ...memory(api.pid), ...(await memoryDetail(api.pid)) };
    const backends = await backendPids();
    const cpuBefore = { api: cpuTimes(api.pid), postgres: backends.reduce((sum, pid) => sum + cpuSeconds(pid), 0) };
    const workerCpuBefore = worker ? cpuSeconds(worker.pid) : 0;
    if (values.queries || values.allocations || values.stages) api.kill('SIGWINCH');
    if (worker && values['worker-allocations']) worker.kill('SIGWINCH');
    let figures;
    if (values.rate) {
      log(`open loop: ${values.rate} requests/s for ${SECONDS} s`);
      figures = await openLoop(projects, Number(values.rate), SECONDS, api.pid);
    } else {
      log(`autocannon: ${CONNECTIONS} connections for ${SECONDS} s`);
      const clientCpuBefore = process.cpuUsage();
      const result = await closedLoop(projects, SECONDS);
      const clientCpu = process.cpuUsage(clientCpuBefore);
      if (values['heap-snapshot']) process.kill(api.pid, 'SIGTTIN');
      figures = {
        requestsPerSecond: round(result.requests.average), total: result.requests.total,
        p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
        clientCpuMsPerRequest: round((clientCpu.user + clientCpu.system) / 1000 / result.requests.total, 3),
      };
    }
    const after = { ...memory(api.pid), ...(await memoryDetail(api.pid)) };
    const apiAfter = cpuTimes(api.pid);
    const cpu = {
      api: apiAfter.user + apiAfter.system - cpuBefore.api.user - cpuBefore.api.system,
      apiSystem: apiAfter.system - cpuBefore.api.system,
      postgres: backends.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - cpuBefore.postgres,
    };
    const workerCpu = worker ? cpuSeconds(worker.pid) - workerCpuBefore : undefined;
    const exited = new Promise((resolve) => api.once('exit', resolve));
    api.kill('SIGINT');
    const killer = setTimeout(() => api.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(killer);
    if (worker && (values['worker-cpu-prof'] || values['worker-allocations'])) {
      const workerExited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGINT');
      const workerKiller = setTimeout(() => worker.kill('SIGKILL'), 20_000);
      await workerExited;
      clearTimeout(workerKiller);
    }
    const requests = figures.total ?? figures.sent;
    const summary = {
      ...figures, memoryBeforeMb: before, memoryAfterMb: after,
      // CPU per request: the API process, and the PostgreSQL backends that were connected before the load.
      cpuMsPerRequest: {
        api: round((1000 * cpu.api) / requests, 3), apiSystem: round((1000 * cpu.apiSystem) / requests, 3),
        postgres: round((1000 * cpu.postgres) / requests, 3), backends: backends.length,
        ...(worker ? { worker: round((1000 * workerCpu) / requests, 3) } : {}),
      },
      loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    };
    if (values.queries) {
      const counts = JSON.parse(readFileSync(QUERY_LOG, 'utf8'));
      summary.queryLog = QUERY_LOG;
      summary.statementsPerRequest = counts.slice(0, 12).map(({ count, statement }) => ({ perRequest: round(count / requests, 2), statement: statement.slice(0, 100) }));
    }
    if (values.allocations) {
      summary.allocations = ALLOCATIONS_LOG;
      summary.allocatedKbPerRequest = round(allocatedBytes(JSON.parse(readFileSync(ALLOCATIONS_LOG, 'utf8')).head) / 1024 / requests);
    }
    if (worker && values['worker-allocations']) {
      summary.workerAllocations = WORKER_ALLOCATIONS_LOG;
      summary.workerAllocatedKbPerRequest = round(allocatedBytes(JSON.parse(readFileSync(WORKER_ALLOCATIONS_LOG, 'utf8')).head) / 1024 / requests);
    }
    if (values.stages) summary.stages = requestStages(JSON.parse(readFileSync(STAGES_LOG, 'utf8')));
    if (values['api-output']) writeFileSync(values['api-output'], api.output());
    if (api.output().trim()) summary.apiOutputTail = api.output().trim().split('\n').slice(-5);
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    if (api && api.exitCode === null) api.kill('SIGKILL');
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`).catch(() => undefined);
    await dropQueueKeys(REDIS_URL, QUEUE_PREFIX).catch(() => undefined);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/** The bytes a sampling heap profile's tree accounts for (each sample stands for its interval's bytes). */
function allocatedBytes(node) {
  return node.selfSize + node.children.reduce((sum, child) => sum + allocatedBytes(child), 0);
}

/**
 * What scripts/profile-preload.mjs timed (PROFILE_STAGES), summed up: the requests' stages in the API,
 * the median and p99 of each over all requests and their mean over the slowest 1% (where the p99 goes),
 * and how much of those the garbage collector's pauses overlapped. In milliseconds.
 */
function requestStages({ requests, pauses, eventLoopDelayMs }) {
  const timed = requests.filter((r) => r.end !== undefined && r.returned !== undefined);
  const stagesOf = (r) => ({ total: r.end - r.start, toStatement: r.sent - r.start, roundTrip: r.returned - r.sent, toResponse: r.end - r.returned });
  const all = timed.map((r) => ({ ...stagesOf(r), gc: pauseWithin(pauses, r.start, r.end) }));
  const mean = (rows, key) => round(rows.reduce((sum, row) => sum + row[key], 0) / rows.length, 2);
  const p99 = percentile(all.map((row) => row.total), 0.99);
  const slowest = all.filter((row) => row.total >= p99);
  const keys = ['total', 'toStatement', 'roundTrip', 'toResponse'];
  const byKind = {};
  for (const { kind, ms } of pauses) {
    const name = { 1: 'scavenge', 2: 'minorMarkSweep', 4: 'markCompact', 8: 'incrementalMarking', 16: 'weakCallbacks' }[kind] ?? String(kind);
    byKind[name] = { count: (byKind[name]?.count ?? 0) + 1, ms: round((byKind[name]?.ms ?? 0) + ms) };
  }
  return {
    requests: all.length,
    unmatched: requests.length - timed.length,
    meanBatch: round(timed.reduce((sum, r) => sum + r.batch, 0) / timed.length),
    median: Object.fromEntries(keys.map((key) => [key, round(percentile(all.map((row) => row[key]), 0.5), 2)])),
    p99: Object.fromEntries(keys.map((key) => [key, round(percentile(all.map((row) => row[key]), 0.99), 2)])),
    slowestPercent: {
      ...Object.fromEntries(keys.map((key) => [key, mean(slowest, key)])),
      gcPauseWithin: mean(slowest, 'gc'),
      withoutGcPause: round(slowest.filter((row) => row.gc === 0).length / slowest.length, 2),
    },
    othersGcPauseWithin: mean(all.filter((row) => row.total < p99), 'gc'),
    gcPauses: byKind,
    eventLoopDelayMs: Object.fromEntries(Object.entries(eventLoopDelayMs).map(([key, value]) => [key, round(value, 2)])),
  };
}

/** Milliseconds of garbage-collection pauses within [start, end]. */
function pauseWithin(pauses, start, end) {
  let ms = 0;
  for (const pause of pauses) ms += Math.max(0, Math.min(end, pause.start + pause.ms) - Math.max(start, pause.start));
  return ms;
}
