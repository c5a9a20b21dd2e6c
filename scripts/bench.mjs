#!/usr/bin/env node
// `npm run bench` (full, about 10 minutes) and `npm run bench -- --quick` (about 1-2 minutes): every
// figure next to a reference measured in the same run on the same machine, printed as a table and
// written to bench-results.json. Runs against a database of its own (created, then dropped) and a queue
// prefix of its own; starts the built API and worker as child processes. Needs `npm run build` first
// (the npm script does it) and pgbench (scripts/bench.sh installs it like scripts/lib.sh installs xmllint).
//
// Order: append (ours vs pgbench and Emmett), the HTTP floor (scripts/http-floor.mjs), commands over HTTP (autocannon), pipeline (commit-to-visible idle and
// under load, reading one's own write, worker throughput vs BullMQ no-op), rebuild / verification / long streams, peak memory.
import { spawn, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { API_NODE_FLAGS, WORKER_NODE_FLAGS, benchSettings, commandClient, cpuCalibrationMs, cpuSeconds, dropQueueKeys, freePort, loadWithAutocannon, measurementBody, measurementPath, memory, sendAtRate, startApiProcess, startHttpFloor, startWorkerProcess } from './bench-support.mjs';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const QUICK = values.quick;
const MODE = QUICK ? 'quick' : 'full';
const S = QUICK
  ? { append: 3, http: 3, idleCommands: 50, loadSeconds: 15, ownWriteLoadSeconds: 5, backlog: 1000, noop: 5000, rebuildEvents: 20_000 }
  : { append: 30, http: 30, idleCommands: 300, loadSeconds: 60, ownWriteLoadSeconds: 20, backlog: 20_000, noop: 20_000, rebuildEvents: 100_000 };
const CLIENTS = 16;
/** Keep-alive connections the 500 commands/s load holds open, as a proxy in front of the API would. */
const LOAD_CONNECTIONS = 64;
/** The pipeline's sustained load, commands a second (the issue's 500/s). */
const LOAD_RATE = 500;
const ROOT = new URL('../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/apps/cli/apps/cli/src/main.js');
const API = join(ROOT, 'dist/apps/api/apps/api/src/main.js');
const WORKER = join(ROOT, 'dist/apps/worker/apps/worker/src/main.js');
for (const file of [CLI, API, WORKER]) if (!existsSync(file)) fail(`${file} is missing: run npm run build first`);

const BASE = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const DB_NAME = `pt_bench_${process.pid}`;
const dbUrl = (name) => Object.assign(new URL(BASE), { pathname: `/${name}` }).toString();
const DATABASE_URL = dbUrl(DB_NAME);
const APPEND_DB = `${DB_NAME}_append`;
const FLOOR_DB = `${DB_NAME}_floor`;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const QUEUE_PREFIX = `pt-bench-${process.pid}`;
const ADMIN_API_KEY = `bench-admin-${process.pid}-0123456789abcdef`;
const ENV = benchSettings({ databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, queuePrefix: QUEUE_PREFIX, adminApiKey: ADMIN_API_KEY });

const results = { mode: MODE, startedAt: new Date().toISOString(), machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30) }, figures: {}, missing: [] };
const rows = [];
const children = [];
const peak = { api: 0, worker: 0 };

function fail(message) {
  console.error(message);
  process.exit(1);
}
const log = (message) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
const round = (value, digits = 0) => (value === undefined || Number.isNaN(value) ? undefined : Math.round(value * 10 ** digits) / 10 ** digits);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function percentile(samples, q) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** One row of the table: the figure, its target (if the issue sets one) and whether it is met. */
function row(measure, figure, target, met) {
  rows.push({ measure, figure, target: target ?? '', met: met === undefined ? '' : met ? 'yes' : 'NO' });
}

async function psql(database, sql) {
  const client = new pg.Client({ connectionString: dbUrl(database) });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

async function dropDatabases(names) {
  for (const name of names) await psql(BASE.pathname.slice(1) || 'postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** Runs a cli command against the bench database and returns the JSON line it prints. */
function cliJson(args, env = {}, { json = true } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('exit', (code) => {
      const line = out.split('\n').reverse().find((l) => l.startsWith('{'));
      if (code === 0 && !json) resolve(undefined);
      else if (code !== 0 || !line) reject(new Error(`cli ${args.join(' ')} exited ${code}\n${out}\n${err}`));
      else resolve(JSON.parse(line));
    });
  });
}

async function startApp(kind, port) {
  const child = await (kind === 'api' ? startApiProcess(API, API_NODE_FLAGS, ENV, port) : startWorkerProcess(WORKER, WORKER_NODE_FLAGS, ENV));
  children.push(child);
  return child;
}

/** Stops a child we started, keeping its peak memory for the last section. */
async function stopApp(kind, child) {
  if (!child || child.exitCode !== null) return;
  peak[kind] = Math.max(peak[kind], memory(child.pid).peakMb ?? 0);
  await stopChild(child);
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the child has exited. */
async function stopChild(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------------
// 1. Append: ours in process, pgbench's equivalent raw transaction, Emmett (not available: see docs).
async function appendSection() {
  // A database of its own: its synthetic streams (measurements with no project) would otherwise be in
  // the log the worker follows and the views it keeps through the sections after this one.
  await psql(BASE.pathname.slice(1) || 'postgres', `CREATE DATABASE ${APPEND_DB}`);
  await cliJson(['migrate'], { DATABASE_URL: dbUrl(APPEND_DB) }, { json: false });
  log(`append: ours, ${CLIENTS} writers, ${S.append} s, database ${APPEND_DB}`);
  const ours = await cliJson(['bench:append', String(S.append), String(CLIENTS)], { DATABASE_URL: dbUrl(APPEND_DB) });
  results.figures.append = { ours };

  log(`append: pgbench, -c ${CLIENTS} -j 2 -T ${S.append}`);
  // The same work without our code: a stream row's version moved on and an event row inserted, in one
  // transaction, with the same unique (stream, version) and feed index as the events table.
  await psql(APPEND_DB, `
    CREATE TABLE pgb_streams (id int PRIMARY KEY, version int NOT NULL);
    CREATE TABLE pgb_events (
      position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      stream_id int NOT NULL, stream_version int NOT NULL, type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(), UNIQUE (stream_id, stream_version));
    CREATE INDEX pgb_events_feed_idx ON pgb_events (transaction_id, position);
    INSERT INTO pgb_streams SELECT g, 0 FROM generate_series(0, ${CLIENTS * 2}) g;`);
  const dir = mkdtempSync(join(tmpdir(), 'pt-bench-'));
  const script = join(dir, 'append.sql');
  writeFileSync(
    script,
    [
      'BEGIN;',
      'UPDATE pgb_streams SET version = version + 1 WHERE id = :client_id;',
      `INSERT INTO pgb_events (stream_id, stream_version, type, data, metadata) SELECT id, version, 'MeasurementRecorded', ('{"indicatorId":"00000000-0000-4000-8000-000000000001","measurementId":"' || gen_random_uuid() || '","value":1,"date":"2024-01-01"}')::jsonb, ('{"actor":{"keyId":"00000000-0000-4000-8000-000000000003","role":"admin"},"commandType":"RecordMeasurement","eventId":"' || gen_random_uuid() || '"}')::jsonb FROM pgb_streams WHERE id = :client_id;`,
      'END;',
      '',
    ].join('\n'),
  );
  // A diagnostic next to it: the same transaction plus the pg_notify our append sends. NOTIFY takes a
  // server-wide lock at commit, so it shows how much of the gap to pgbench is the notification itself.
  const notifying = join(dir, 'append-notify.sql');
  writeFileSync(notifying, readFileSync(script, 'utf8').replace('END;', "SELECT pg_notify('pt_bench', :client_id || ':1');\nEND;"));
  const pgbench = findPgbench();
  const runPgbench = (file) => {
    const output = execFileSync(pgbench, ['-n', '-c', String(CLIENTS), '-j', '2', '-T', String(S.append), '-f', file, '-h', BASE.hostname, '-p', BASE.port || '5432', '-U', BASE.username || 'postgres', APPEND_DB], {
      encoding: 'utf8',
      env: { ...process.env, PGPASSWORD: decodeURIComponent(BASE.password ?? '') },
    });
    return { tps: Number(output.match(/tps = ([\d.]+)/)?.[1]), latency: Number(output.match(/latency average = ([\d.]+) ms/)?.[1]) };
  };
  const { tps, latency } = runPgbench(script);
  log(`append: pgbench with pg_notify, -c ${CLIENTS} -j 2 -T ${S.append}`);
  const withNotify = runPgbench(notifying);
  rmSync(dir, { recursive: true, force: true });
  results.figures.append.pgbench = { tps: round(tps), latencyAverageMs: latency, withNotify: { tps: round(withNotify.tps), latencyAverageMs: withNotify.latency } };
  results.figures.append.oursOverPgbench = round(ours.appendsPerSecond / tps, 2);
  row(`append, ours (${CLIENTS} writers, in process)`, `${ours.appendsPerSecond}/s (p50 ${ours.p50} ms, p99 ${ours.p99} ms)`);
  row(`append, pgbench raw SQL (-c ${CLIENTS})`, `${round(tps)} tps (avg ${latency} ms)`);
  row('append, pgbench raw SQL + pg_notify (diagnostic)', `${round(withNotify.tps)} tps (avg ${withNotify.latency} ms)`);
  row('append ratio ours / pgbench', `${results.figures.append.oursOverPgbench}`);

  log(`append: Emmett (@event-driven-io/emmett-postgresql), ${CLIENTS} writers, ${S.append} s, database ${DB_NAME}_emmett`);
  const emmett = await emmettAppend(S.append, CLIENTS);
  results.figures.append.emmett = emmett;
  results.figures.append.oursOverEmmett = round(ours.appendsPerSecond / emmett.appendsPerSecond, 2);
  row(`append, Emmett ${emmett.version} (${CLIENTS} writers, in process, same PostgreSQL)`, `${emmett.appendsPerSecond}/s (p50 ${emmett.p50} ms, p99 ${emmett.p99} ms)`);
  row('append ratio ours / Emmett', `${results.figures.append.oursOverEmmett}`, '>= 1.0', results.figures.append.oursOverEmmett >= 1);
}

/**
 * Emmett's PostgreSQL event store doing what bench:append does: 16 writers, a stream each, one event per
 * append with the expected version, the same event data and metadata. Its own database, dropped after.
 */
async function emmettAppend(seconds, writers) {
  const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql');
  const version = JSON.parse(readFileSync(join(ROOT, 'node_modules/@event-driven-io/emmett-postgresql/package.json'), 'utf8')).version;
  const database = `${DB_NAME}_emmett`;
  await psql(BASE.pathname.slice(1) || 'postgres', `CREATE DATABASE ${database}`);
  const store = getPostgreSQLEventStore(dbUrl(database));
  const event = (n) => ({
    type: 'MeasurementRecorded',
    data: { indicatorId: '00000000-0000-4000-8000-000000000001', measurementId: randomUUID(), value: n % 1000, date: '2024-01-01' },
    metadata: { eventId: randomUUID(), actor: { keyId: '00000000-0000-4000-8000-000000000003', role: 'admin' }, commandType: 'RecordMeasurement', correlationId: randomUUID(), occurredAt: new Date().toISOString() },
  });
  try {
    // Warm-up, as for ours: the schema is made on first use, pools and plans.
    await Promise.all(Array.from({ length: writers }, () => store.appendToStream(`project-${randomUUID()}`, [event(0)], { expectedStreamVersion: 0n })));
    const latencies = [];
    let appends = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        const stream = `project-${randomUUID()}`;
        let expected = 0n;
        while (performance.now() < deadline) {
          const at = performance.now();
          const result = await store.appendToStream(stream, [event(appends)], { expectedStreamVersion: expected });
          latencies.push(performance.now() - at);
          expected = result.nextExpectedStreamVersion;
          appends++;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    return { version, appends, seconds: round(elapsed, 2), appendsPerSecond: round(appends / elapsed), p50: round(percentile(latencies, 0.5), 2), p99: round(percentile(latencies, 0.99), 2) };
  } finally {
    // Its database is dropped with the others at the end of the run.
    await store.close();
  }
}

function findPgbench() {
  for (const candidate of ['/usr/lib/postgresql/15/bin/pgbench', '/usr/bin/pgbench']) if (existsSync(candidate)) return candidate;
  fail('pgbench is missing: apt-get install postgresql-contrib (scripts/bench.sh does it)');
}

// ---------------------------------------------------------------------------------------------------
// Shared by sections 2 and 3: projects over HTTP, each with one indicator to record measurements on.
let apiUrl = '';
const headers = () => ({ 'content-type': 'application/json', authorization: `Bearer ${ADMIN_API_KEY}` });
async function call(method, path, body) {
  const response = await fetch(`${apiUrl}${path}`, { method, headers: headers(), body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function makeProjects(count, tag) {
  return Promise.all(
    Array.from({ length: count }, async (_, n) => {
      const { id } = await call('POST', '/projects', {
        code: `B${tag}${n}-${process.pid}`.slice(0, 30), title: `Benchmark project ${n}`, description: 'npm run bench', country: 'LA', location: { village: 'Bansuo' },
        sector: '43040', participatingOrganisations: [{ name: 'Benchmark', role: 1 }],
      });
      await call('POST', `/projects/${id}/approve`, {});
      await call('POST', `/projects/${id}/start`, {});
      await call('POST', `/projects/${id}/indicators`, { title: 'Households reached', unit: 'households', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 1000 } });
      const view = await waitForView(id, 4);
      const indicatorId = view.indicators?.[0]?.id ?? view.indicators?.[0]?.indicatorId;
      if (!indicatorId) throw new Error(`no indicator in the view of ${id}: ${JSON.stringify(view).slice(0, 400)}`);
      return { id, indicatorId };
    }),
  );
}

async function waitForView(id, version) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const response = await fetch(`${apiUrl}/projects/${id}`, { headers: headers() });
    if (response.ok) {
      const view = await response.json();
      if ((view.version ?? 0) >= version) return view;
    }
    if (Date.now() > deadline) throw new Error(`project ${id} not at version ${version} after 20 s`);
    await sleep(20);
  }
}

/** The HTTP phase's autocannon load on `targets`, and the CPU per request the server `pid` spent meanwhile. */
async function loadMeasuringCpu(url, targets, pid) {
  const cpuBefore = cpuSeconds(pid);
  const result = await loadWithAutocannon(url, headers(), targets, { duration: S.http });
  return { result, cpuMsPerCommand: round((1000 * (cpuSeconds(pid) - cpuBefore)) / result.requests.total, 3) };
}

// ---------------------------------------------------------------------------------------------------
// 1b. The HTTP floor: the same requests, answered with one append statement and nothing of ours.
/** The floor at the pipeline's rate and client (open loop, keep-alive connections): its CPU per request. */
async function floorAtRate(url, streams, pid) {
  const client = commandClient(url, headers(), LOAD_CONNECTIONS);
  const cpuBefore = cpuSeconds(pid);
  const latencies = [];
  try {
    const { sent, requests } = await sendAtRate(LOAD_RATE, S.http, (n) => {
      const due = performance.now();
      return client.post(measurementPath(streams[(n - 1) % streams.length]), measurementBody(n)).then(({ status }) => {
        if (status !== 201) throw new Error(`the floor answered ${status} at ${LOAD_RATE}/s`);
        latencies.push(performance.now() - due);
      });
    });
    await Promise.all(requests);
    return { rate: LOAD_RATE, p99Ms: round(percentile(latencies, 0.99), 1), cpuMsPerCommand: round((1000 * (cpuSeconds(pid) - cpuBefore)) / sent, 3) };
  } finally {
    client.close();
  }
}

async function httpFloorSection() {
  await psql(BASE.pathname.slice(1) || 'postgres', `CREATE DATABASE ${FLOOR_DB}`);
  // The floor's streams are named by the request's path, as projects are: one stream per connection.
  const streams = Array.from({ length: CLIENTS }, (_, n) => ({ id: `floor-${n}`, indicatorId: randomUUID() }));
  results.figures.httpFloor = {};
  const floors = [['node', 'node:http and pg'], ['nest', 'the same in NestJS on Express'], ['nest-fastify', 'the same in NestJS on Fastify']];
  for (const [server, what] of floors) {
    log(`HTTP floor (${server}): autocannon, ${CLIENTS} connections, ${S.http} s`);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const floor = await startHttpFloor(server, { ...ENV, DATABASE_URL: dbUrl(FLOOR_DB) }, port);
    children.push(floor);
    try {
      await loadWithAutocannon(url, headers(), streams, { duration: 2 });
      const { result, cpuMsPerCommand } = await loadMeasuringCpu(url, streams, floor.pid);
      const failed = result.errors + result.timeouts + result.non2xx;
      if (failed > 0) throw new Error(`the ${server} floor failed ${failed} of ${result.requests.total} requests: ${floor.output().slice(-400)}`);
      const rps = round(result.requests.average);
      results.figures.httpFloor[server] = { requestsPerSecond: rps, p50Ms: result.latency.p50, p99Ms: result.latency.p99, cpuMsPerCommand };
      row(`HTTP floor, ${what}: one append statement a request (${CLIENTS} connections), p50 / p99, CPU per request`, `${rps}/s, ${result.latency.p50} / ${result.latency.p99} ms, ${cpuMsPerCommand} ms`);
      if (server === 'nest') {
        // A server's CPU per request falls as its rate rises (a wake-up serves more requests): our API's is
        // compared with the floor's at one rate, the pipeline's load.
        const atLoadRate = await floorAtRate(url, streams, floor.pid);
        results.figures.httpFloor.nest.atLoadRate = atLoadRate;
        row(`HTTP floor, NestJS on Express, at ${LOAD_RATE}/s on ${LOAD_CONNECTIONS} connections (${S.http} s): p99, CPU per request`, `${atLoadRate.p99Ms} ms, ${atLoadRate.cpuMsPerCommand} ms`);
      }
    } finally {
      await stopChild(floor);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// 2. Commands over HTTP.
async function httpSection(api) {
  log(`commands over HTTP: autocannon, ${CLIENTS} connections on ${CLIENTS} projects, ${S.http} s`);
  const projects = await makeProjects(CLIENTS, 'H');
  await loadWithAutocannon(apiUrl, headers(), projects, { duration: 2 }); // warm-up: JIT, pools, plans
  const { result, cpuMsPerCommand } = await loadMeasuringCpu(apiUrl, projects, api.pid);
  const mem = memory(api.pid);
  const rps = result.requests.average;
  const errors = result.errors + result.timeouts + result.non2xx;
  const ratio = round(rps / results.figures.append.pgbench.tps, 2);
  results.figures.http = {
    requestsPerSecond: round(rps), p50Ms: result.latency.p50, p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
    total: result.requests.total, apiRssMb: mem.rssMb, apiPeakMb: mem.peakMb, overPgbench: ratio, apiCpuMsPerCommand: cpuMsPerCommand,
  };
  row(`HTTP commands (${CLIENTS} connections, RecordMeasurement)`, `${round(rps)}/s`, '>= 2,000/s', rps >= 2000);
  row('HTTP commands latency p50 / p99', `${result.latency.p50} / ${result.latency.p99} ms`, 'p99 < 20 ms', result.latency.p99 < 20);
  row('HTTP commands errors (non-2xx, errors, timeouts)', `${result.non2xx}, ${result.errors}, ${result.timeouts}`, '0', errors === 0);
  row('HTTP commands / pgbench tps', `${ratio}`, '>= 0.35', ratio >= 0.35);
  row('API RSS after the HTTP load (now / peak)', `${mem.rssMb} / ${mem.peakMb} MB`);
  row('API CPU per command during the HTTP load', `${cpuMsPerCommand} ms`);
  const floor = results.figures.httpFloor?.nest;
  if (floor) {
    results.figures.http.overNestFloor = round(rps / floor.requestsPerSecond, 2);
    row('HTTP commands / the NestJS floor (requests/s; CPU per command, each at its own rate: see the 500/s row for one rate)', `${results.figures.http.overNestFloor}; ${round(cpuMsPerCommand / floor.cpuMsPerCommand, 1)}x`);
  }
  return projects;
}

// ---------------------------------------------------------------------------------------------------
// 3. Pipeline: commit-to-visible idle and under 500 commands/s; worker throughput vs BullMQ no-op.
async function idleLag(pool, project) {
  const lags = [];
  for (let i = 0; i < S.idleCommands; i++) {
    const response = await fetch(`${apiUrl}${measurementPath(project)}`, { method: 'POST', headers: headers(), body: measurementBody(i) });
    const answeredAt = performance.now();
    const { version } = await response.json();
    for (;;) {
      const { rows: found } = await pool.query('SELECT version FROM project_views WHERE id = $1', [project.id]);
      if ((found[0]?.version ?? 0) >= version) break;
      if (performance.now() - answeredAt > 60_000) throw new Error(`version ${version} not visible after 60 s`);
      await sleep(1);
    }
    lags.push(performance.now() - answeredAt);
    await sleep(20);
  }
  return lags;
}

/**
 * Reading one's own write, idle, as a client does it: a command, then `GET /projects/{id}?minVersion=`
 * with the version it answered (the read waits for the view: docs/pipeline.md). Each sample is the time
 * from the command's answer to the read's, which must hold that version.
 */
async function ownWriteLag(project, keepGoing = (i) => i < S.idleCommands) {
  const lags = [];
  const plainReads = [];
  let events = 0;
  for (let i = 0; keepGoing(i); i++) {
    const response = await fetch(`${apiUrl}${measurementPath(project)}`, { method: 'POST', headers: headers(), body: measurementBody(i) });
    const answeredAt = performance.now();
    const { version } = await response.json();
    const read = await fetch(`${apiUrl}/projects/${project.id}?minVersion=${version}`, { headers: headers() });
    const view = await read.json();
    if (read.status !== 200 || view.version < version) throw new Error(`read of version ${version} answered ${read.status}, version ${view.version}`);
    lags.push(performance.now() - answeredAt);
    events = view.version;
    // The same read without minVersion, the view now current: what the read itself takes.
    const plainAt = performance.now();
    await (await fetch(`${apiUrl}/projects/${project.id}`, { headers: headers() })).json();
    plainReads.push(performance.now() - plainAt);
    await sleep(20);
  }
  return { lags, plainReads, events };
}

/**
 * Reading one's own write (ownWriteLag) on `project` while the `others` take LOAD_RATE commands a
 * second, open loop on LOAD_CONNECTIONS connections as in lagUnderLoad: the views then follow tens of
 * milliseconds behind, and a read waits for its version longer.
 */
async function ownWriteLagUnderLoad(project, others, seconds) {
  const client = commandClient(apiUrl, headers(), LOAD_CONNECTIONS);
  let loading = true;
  let failed = 0;
  try {
    const load = sendAtRate(LOAD_RATE, seconds, (n) =>
      client.post(measurementPath(others[(n - 1) % others.length]), measurementBody(n)).then(({ status }) => {
        if (status !== 201) failed++;
      }),
    )
      .then(({ requests }) => Promise.all(requests))
      .finally(() => (loading = false));
    const [ownWrite] = await Promise.all([ownWriteLag(project, () => loading), load]);
    return { ...ownWrite, failed };
  } finally {
    client.close();
  }
}

/**
 * An open-loop load: one command every 1000/rate ms whatever the answers do, round robin over the
 * projects, on at most `LOAD_CONNECTIONS` keep-alive connections (commandClient: a command due while
 * all are busy waits in the client, and its latency counts from when it was due); each answered
 * command's version is watched until the view shows it (one query every ms for all the projects), so
 * every command is a latency sample. The load is sustained only if the answers keep up: `servedRate`
 * is the 201s over the time from the first command to the last answer.
 */
async function lagUnderLoad(pool, projects, rate, seconds, apiPid) {
  const pending = new Map(projects.map((p) => [p.id, []]));
  const lags = [];
  const answerTimes = [];
  let failed = 0;
  let served = 0;
  const statuses = {};
  let firstFailure;
  let stop = false;
  const client = commandClient(apiUrl, headers(), LOAD_CONNECTIONS);
  const poller = (async () => {
    const ids = projects.map((p) => p.id);
    while (!stop || [...pending.values()].some((list) => list.length > 0)) {
      const { rows: found } = await pool.query('SELECT id, version FROM project_views WHERE id = ANY($1::uuid[])', [ids]);
      const now = performance.now();
      for (const { id, version } of found) {
        const list = pending.get(id);
        while (list.length > 0 && list[0].version <= version) lags.push(now - list.shift().at);
      }
      await sleep(1);
    }
  })();
  const clientCpuBefore = process.cpuUsage();
  const apiCpuBefore = cpuSeconds(apiPid);
  const started = performance.now();
  const { sent, sendingSeconds, requests } = await sendAtRate(rate, seconds, (n) => {
    const project = projects[(n - 1) % projects.length];
    const due = performance.now();
    return client
      .post(measurementPath(project), measurementBody(n))
      .then(({ status, text }) => {
        const at = performance.now();
        answerTimes.push(at - due);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status !== 201) {
          failed++;
          firstFailure ??= `${status} ${text.slice(0, 300)}`;
          return;
        }
        served++;
        const { version } = JSON.parse(text);
        const list = pending.get(project.id);
        list.push({ version, at });
        list.sort((a, b) => a.version - b.version);
      })
      .catch((error) => {
        failed++;
        // No answer at all (a connection refused or reset): counted by its cause.
        const kind = `no answer: ${error.code ?? error.name}`;
        statuses[kind] = (statuses[kind] ?? 0) + 1;
        firstFailure ??= String(error);
      });
  });
  await Promise.all(requests);
  const answeringSeconds = (performance.now() - started) / 1000;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const apiCpuMsPerCommand = round((1000 * (cpuSeconds(apiPid) - apiCpuBefore)) / sent, 3);
  client.close();
  stop = true;
  await Promise.race([poller, sleep(30_000)]);
  return {
    sent, failed, statuses, firstFailure, achievedRate: round(sent / sendingSeconds), lags,
    servedRate: round(served / answeringSeconds), lastAnswerAfterSeconds: round(answeringSeconds, 1),
    answerMs: { p50: round(percentile(answerTimes, 0.5), 1), p95: round(percentile(answerTimes, 0.95), 1), p99: round(percentile(answerTimes, 0.99), 1) },
    clientCpuMsPerCommand: round((clientCpu.user + clientCpu.system) / 1000 / sent, 3), apiCpuMsPerCommand,
  };
}

/** Waits until every project's view shows its stream's head: the worker has no backlog left. */
async function waitForCatchUp(pool, projects, timeoutMs = 300_000) {
  const ids = projects.map((p) => p.id);
  const started = performance.now();
  for (;;) {
    const { rows: found } = await pool.query(
      `SELECT coalesce(sum(s.version), 0)::int AS head, coalesce(sum(v.version), 0)::int AS visible
         FROM event_streams s LEFT JOIN project_views v ON v.id = s.stream_id WHERE s.stream_id = ANY($1::uuid[])`,
      [ids],
    );
    if (found[0].visible >= found[0].head) return { seconds: round((performance.now() - started) / 1000, 2), behind: 0 };
    if (performance.now() - started > timeoutMs) throw new Error(`the views are still ${found[0].head - found[0].visible} events behind after ${timeoutMs / 1000} s`);
    await sleep(5);
  }
}

async function pipelineSection(api, workerRef, projects) {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  try {
    // The HTTP load leaves the worker a backlog: idle means after it has caught up.
    log('pipeline: waiting for the worker to catch up after the HTTP load');
    const drain = await waitForCatchUp(pool, projects);
    results.figures.pipeline = { catchUpAfterHttpSeconds: drain.seconds };
    row('worker catch-up after the HTTP load (seconds until every view is current)', `${drain.seconds} s`);
    log(`pipeline: commit-to-visible idle, ${S.idleCommands} commands`);
    const idle = await idleLag(pool, projects[0]);
    const idleFig = { commands: idle.length, p50: round(percentile(idle, 0.5), 1), p95: round(percentile(idle, 0.95), 1), p99: round(percentile(idle, 0.99), 1) };
    row('commit-to-visible idle p50 / p95 / p99', `${idleFig.p50} / ${idleFig.p95} / ${idleFig.p99} ms`, 'p99 < 50 ms', idleFig.p99 < 50);
    log(`pipeline: reading one's own write idle, ${S.idleCommands} commands`);
    // On a project of its own: the HTTP phase left thousands of measurements on the others, and the
    // project's read (every measurement) would take most of the time measured.
    const ownWrite = await ownWriteLag((await makeProjects(1, 'W'))[0]);
    const ownWriteFig = {
      commands: ownWrite.lags.length,
      p50: round(percentile(ownWrite.lags, 0.5), 1), p95: round(percentile(ownWrite.lags, 0.95), 1), p99: round(percentile(ownWrite.lags, 0.99), 1),
      plainReadP50: round(percentile(ownWrite.plainReads, 0.5), 1), projectEvents: ownWrite.events,
    };
    row(
      `own write read idle (a command's answer to GET ?minVersion's) p50 / p95 / p99; the same read of a current view p50 (a project of ${ownWrite.events} events)`,
      `${ownWriteFig.p50} / ${ownWriteFig.p95} / ${ownWriteFig.p99} ms; ${ownWriteFig.plainReadP50} ms`,
    );

    log(`pipeline: commit-to-visible at ${LOAD_RATE} commands/s for ${S.loadSeconds} s`);
    const loaded = await lagUnderLoad(pool, projects, LOAD_RATE, S.loadSeconds, api.pid);
    const loadFig = {
      sent: loaded.sent, failed: loaded.failed, statuses: loaded.statuses, firstFailure: loaded.firstFailure, achievedRate: loaded.achievedRate, samples: loaded.lags.length,
      connections: LOAD_CONNECTIONS, servedRate: loaded.servedRate, lastAnswerAfterSeconds: loaded.lastAnswerAfterSeconds, answerMs: loaded.answerMs, clientCpuMsPerCommand: loaded.clientCpuMsPerCommand,
      apiCpuMsPerCommand: loaded.apiCpuMsPerCommand,
      p50: round(percentile(loaded.lags, 0.5), 1), p95: round(percentile(loaded.lags, 0.95), 1), p99: round(percentile(loaded.lags, 0.99), 1),
    };
    // Sustained: every command answered 201, and the answers kept up with the rate (2% slack for the tail).
    const sustained = loadFig.failed === 0 && loadFig.servedRate >= 0.98 * LOAD_RATE;
    row(`commit-to-visible at 500 commands/s, ${S.loadSeconds} s (sent at ${loadFig.achievedRate}/s, ${loadFig.failed} failed) p50 / p95 / p99`, `${loadFig.p50} / ${loadFig.p95} / ${loadFig.p99} ms`, 'p95 < 250 ms', loadFig.p95 < 250 && sustained);
    row(
      `commands at 500/s on ${LOAD_CONNECTIONS} connections: served (201s over first command to last answer), answer latency from when due p50 / p95 / p99, load generator's CPU`,
      `${loadFig.servedRate}/s, ${loadFig.answerMs.p50} / ${loadFig.answerMs.p95} / ${loadFig.answerMs.p99} ms, ${loadFig.clientCpuMsPerCommand} ms a command`,
      '500/s, nothing refused',
      sustained,
    );
    log(`pipeline: reading one's own write at ${LOAD_RATE} commands/s for ${S.ownWriteLoadSeconds} s`);
    const ownWriteLoaded = await ownWriteLagUnderLoad((await makeProjects(1, 'L'))[0], projects, S.ownWriteLoadSeconds);
    const ownWriteLoadFig = {
      commands: ownWriteLoaded.lags.length, loadFailed: ownWriteLoaded.failed, plainReadP50: round(percentile(ownWriteLoaded.plainReads, 0.5), 1),
      p50: round(percentile(ownWriteLoaded.lags, 0.5), 1), p95: round(percentile(ownWriteLoaded.lags, 0.95), 1), p99: round(percentile(ownWriteLoaded.lags, 0.99), 1),
    };
    row(
      `own write read at ${LOAD_RATE} commands/s on the other projects, ${S.ownWriteLoadSeconds} s (${ownWriteLoadFig.loadFailed} of the load failed) p50 / p95 / p99; the same read of a current view p50`,
      `${ownWriteLoadFig.p50} / ${ownWriteLoadFig.p95} / ${ownWriteLoadFig.p99} ms; ${ownWriteLoadFig.plainReadP50} ms`,
    );
    const floorAtRate = results.figures.httpFloor?.nest?.atLoadRate;
    row(
      `API CPU per command at ${LOAD_RATE}/s (the worker running), next to the NestJS floor's at the same rate (alone)`,
      `${loadFig.apiCpuMsPerCommand} ms${floorAtRate ? ` vs ${floorAtRate.cpuMsPerCommand} ms (${round(loadFig.apiCpuMsPerCommand / floorAtRate.cpuMsPerCommand, 1)}x)` : ''}`,
    );

    // Worker throughput with real database writes: a backlog recorded while the worker is stopped, then
    // the time from the worker's first sync to every view caught up. The worker starts against a paused
    // projections queue: its start-up (Nest, connections, the relay's first reconcile, which offers the
    // projects behind) is not counted, and none of its syncing runs before the clock starts. Timed from
    // its "running" line instead, the syncs its first reconcile offered had already begun.
    log('pipeline: waiting for the worker to catch up after the load');
    await waitForCatchUp(pool, projects);
    log(`pipeline: worker throughput on a backlog of ${S.backlog} commands`);
    await stopApp('worker', workerRef.child);
    const backlog = await loadWithAutocannon(apiUrl, headers(), projects, { amount: S.backlog });
    const heads = await pool.query('SELECT stream_id, version FROM event_streams WHERE stream_id = ANY($1::uuid[])', [projects.map((p) => p.id)]);
    const viewsBefore = await pool.query('SELECT coalesce(sum(version), 0)::int AS total FROM project_views WHERE id = ANY($1::uuid[])', [projects.map((p) => p.id)]);
    const target = heads.rows.reduce((sum, r) => sum + r.version, 0);
    const events = target - viewsBefore.rows[0].total;
    const queueConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const projections = new Queue('projections', { connection: queueConnection, prefix: QUEUE_PREFIX });
    await projections.pause();
    workerRef.child = await startApp('worker');
    const offeredBy = performance.now() + 10_000;
    while (Object.values(await projections.getJobCounts('wait', 'paused', 'prioritized')).every((count) => count === 0)) {
      if (performance.now() > offeredBy) throw new Error('the worker offered no sync within 10 s of its start');
      await sleep(10);
    }
    const started = performance.now();
    await projections.resume();
    for (;;) {
      const { rows: views } = await pool.query('SELECT coalesce(sum(version), 0)::int AS total FROM project_views WHERE id = ANY($1::uuid[])', [projects.map((p) => p.id)]);
      if (views[0].total >= target) break;
      if (performance.now() - started > 120_000) throw new Error('the worker did not catch up within 120 s');
      await sleep(2);
    }
    const workerSeconds = (performance.now() - started) / 1000;
    const workerRate = events / workerSeconds;
    await projections.close();
    queueConnection.disconnect();
    // The backlog was recorded with the worker stopped: the command path alone, with the machine to itself.
    const apiAloneRate = backlog.requests.total / backlog.duration;
    const pgbenchTps = results.figures.append?.pgbench?.tps;
    const apiAlone = {
      commands: backlog.requests.total, seconds: backlog.duration, requestsPerSecond: round(apiAloneRate),
      p50Ms: backlog.latency.p50, p99Ms: backlog.latency.p99, overPgbench: pgbenchTps ? round(apiAloneRate / pgbenchTps, 2) : undefined,
    };

    log(`pipeline: BullMQ no-op throughput, ${S.noop} jobs`);
    const noop = await bullmqNoop(S.noop);
    Object.assign(results.figures.pipeline, {
      idle: idleFig, ownWriteIdle: ownWriteFig, at500: loadFig, ownWriteAt500: ownWriteLoadFig,
      worker: { events, commands: backlog.requests.total, non2xx: backlog.non2xx, seconds: round(workerSeconds, 2), eventsPerSecond: round(workerRate) },
      bullmqNoop: noop, workerOverBullmq: round(workerRate / noop.jobsPerSecond, 2), httpWithoutWorker: apiAlone,
    });
    row(`worker catching up a backlog (${events} events on ${projects.length} projects)`, `${round(workerRate)} events/s`);
    row('BullMQ no-op worker, same Redis (jobs/s)', `${noop.jobsPerSecond}/s`);
    row('worker / BullMQ no-op', `${results.figures.pipeline.workerOverBullmq}`);
    row(
      `HTTP commands with the worker stopped (recording that backlog, ${CLIENTS} connections), p50 / p99, / pgbench tps`,
      `${apiAlone.requestsPerSecond}/s, ${apiAlone.p50Ms} / ${apiAlone.p99Ms} ms, ${apiAlone.overPgbench ?? 'n/a'}`,
    );
  } finally {
    await pool.end();
  }
}

/** BullMQ's own ceiling on this machine: a throwaway queue, jobs added in bulk, a worker that does nothing. */
async function bullmqNoop(jobs) {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = `${QUEUE_PREFIX}-noop`;
  const queue = new Queue('noop', { connection, prefix });
  for (let i = 0; i < jobs; i += 1000) await queue.addBulk(Array.from({ length: Math.min(1000, jobs - i) }, (_, n) => ({ name: 'noop', data: { n: i + n } })));
  let done = 0;
  let finished;
  const allDone = new Promise((resolve) => (finished = resolve));
  const started = performance.now();
  const worker = new Worker('noop', async () => undefined, { connection, prefix, concurrency: 16 });
  worker.on('completed', () => {
    if (++done === jobs) finished();
  });
  await allDone;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return { jobs, seconds: round(seconds, 2), jobsPerSecond: round(jobs / seconds) };
}

// ---------------------------------------------------------------------------------------------------
// 4. Rebuild, verification, state-as-of and long streams (the cli benchmarks, each on its own database).
async function historySection() {
  log(`rebuild of ${S.rebuildEvents} events`);
  const rebuild = await cliJson(['bench:rebuild', String(S.rebuildEvents)]);
  results.figures.rebuild = rebuild;
  row(`rebuild of ${rebuild.events} events (median of 3)`, `${rebuild.medianEventsPerSecond} events/s`, '>= 50,000/s', rebuild.medianEventsPerSecond >= 50_000);

  log('long streams, state-as-of and verification (bench:long-stream)');
  const long = await cliJson(['bench:long-stream'], { DATABASE_URL: dbUrl(`${DB_NAME}_ls`) });
  results.figures.longStream = long;
  row(`verification of the hash chain (${long.verification.events} events, one thread; median of ${long.verification.runs}, first run ${long.verification.firstRunEventsPerSecond}/s)`, `${long.verification.eventsPerSecond} events/s`, '>= 100,000/s', long.verification.eventsPerSecond >= 100_000 && long.verification.valid);
  row(`verification on ${long.parallelVerification.workers} threads (audit:verify --workers=${long.parallelVerification.workers}; median of ${long.parallelVerification.runs}, first run ${long.parallelVerification.firstRunEventsPerSecond}/s)`, `${long.parallelVerification.eventsPerSecond} events/s`, '>= 100,000/s', long.parallelVerification.eventsPerSecond >= 100_000 && long.parallelVerification.valid);
  row('state-as-of on a 1,000-event stream p50 / p95', `${round(long.stateAsOfMs.p50, 2)} / ${round(long.stateAsOfMs.p95, 2)} ms`, 'p95 < 20 ms', long.stateAsOfMs.p95 < 20);
  row('state-as-of on the 10,000-event stream p50 / p95 (its state, all its measurements, is ten times larger)', `${round(long.stateAsOfLongMs.p50, 2)} / ${round(long.stateAsOfLongMs.p95, 2)} ms`);
  row('command on 10,000-event vs 10-event stream, p50 ratio (p95 ratio)', `${round(long.ratioP50, 2)} (${round(long.ratioP95, 2)})`, '<= 1.5', long.ratioP50 <= 1.5);
  row('the same command in memory (decide + evolve), an indicator of 10 vs 10,000 measurements', `${round(long.domainMicros.short, 1)} / ${round(long.domainMicros.long, 1)} us`);
}

// ---------------------------------------------------------------------------------------------------
function printTable() {
  const header = ['measure', 'figure', 'target', 'met'];
  const lines = [header, ...rows.map((r) => [r.measure, r.figure, r.target, r.met])];
  console.log(`\nBenchmarks (${MODE}), ${results.machine.cpus} CPUs, ${results.startedAt}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const line of lines.slice(1)) console.log(`| ${line.join(' | ')} |`);
  if (results.missing.length) console.log(`\nNot measured: ${results.missing.join('; ')}`);
}

async function main() {
  const started = performance.now();
  log(`mode ${MODE}; database ${DB_NAME}; queue prefix ${QUEUE_PREFIX}`);
  const calibrationAtStart = cpuCalibrationMs();
  await psql(BASE.pathname.slice(1) || 'postgres', `CREATE DATABASE ${DB_NAME}`);
  const workerRef = { child: undefined };
  let api;
  // A section that fails is reported as missing (with why) and the run goes on with the next one.
  const section = async (name, run) => {
    try {
      return await run();
    } catch (error) {
      log(`${name} failed: ${error.message}`);
      results.missing.push(`${name}: ${String(error.message).split('\n')[0]}`);
      row(`${name}`, 'FAILED (see bench-results.json missing)', '', false);
      return undefined;
    }
  };
  try {
    await cliJson(['migrate'], {}, { json: false });
    await section('append', appendSection);
    // Each section's databases go once it is done: left behind, autovacuum works through them during
    // the next sections (the 500/s phase's updated views while the history section measures, say).
    await dropDatabases([APPEND_DB, `${DB_NAME}_emmett`]);
    await section('HTTP floor', httpFloorSection);
    await dropDatabases([FLOOR_DB]);
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    api = await startApp('api', port);
    workerRef.child = await startApp('worker');
    const projects = await section('commands over HTTP', () => httpSection(api));
    if (projects) await section('pipeline', () => pipelineSection(api, workerRef, projects));
    peak.api = Math.max(peak.api, memory(api.pid).peakMb ?? 0);
    if (workerRef.child) peak.worker = Math.max(peak.worker, memory(workerRef.child.pid).peakMb ?? 0);
    await stopApp('api', api);
    await stopApp('worker', workerRef.child);
    await dropDatabases([DB_NAME]);
    await section('history', historySection);
    results.figures.memory = { apiPeakMb: peak.api, workerPeakMb: peak.worker };
    row('API peak RSS through the run (VmHWM)', `${peak.api} MB`, '< 300 MB', peak.api < 300);
    row('worker peak RSS through the run (VmHWM; restarted once for the backlog: the larger)', `${peak.worker} MB`, '< 300 MB', peak.worker < 300);
    const calibrationAtEnd = cpuCalibrationMs();
    results.machine.cpuCalibrationMs = { start: calibrationAtStart, end: calibrationAtEnd };
    row('host speed: a fixed CPU loop at the start / end of the run (ms; lower is faster; compare runs by it)', `${calibrationAtStart} / ${calibrationAtEnd} ms`);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    // The run's queues (our prefix and the no-op one) leave nothing behind in Redis.
    await dropQueueKeys(REDIS_URL, QUEUE_PREFIX).catch(() => undefined);
    await dropDatabases([DB_NAME, APPEND_DB, FLOOR_DB, `${DB_NAME}_ls_bench`, `${DB_NAME}_emmett`]).catch(() => undefined);
  }
  results.seconds = round((performance.now() - started) / 1000, 1);
  results.table = rows;
  writeFileSync(join(ROOT, 'bench-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable();
  console.log(`\n${MODE} run in ${results.seconds} s; figures in bench-results.json`);
  // A section that failed is a broken benchmark (CI runs --quick to catch that), whatever its timings.
  if (results.missing.length > 0) console.error(`sections that failed: ${results.missing.join('; ')}`);
  process.exit(results.missing.length > 0 ? 1 : 0);
}

// Dropping the run's databases WITH (FORCE) ends connections that finished pools may still hold idle
// (Emmett's): those errors are expected; anything else still stops the run.
process.on('uncaughtException', (error) => {
  if (error?.code === '57P01') return;
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  console.error(error);
  process.exit(1);
});

main().catch((error) => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  console.error(error);
  process.exit(1);
});
