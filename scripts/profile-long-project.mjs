#!/usr/bin/env node
// Reads on one long-lived project, timed over HTTP: what an auditor or a dashboard waits for once a
// project holds thousands of events. Needs `npm run build` first.
//
//   node scripts/profile-long-project.mjs [--measurements 10000] [--indicators 1] [--runs 20] [--read REGEXP] [--cpu-prof DIR]
//
// Creates a database and a queue prefix of its own (both dropped at the end), starts the built API and
// worker as the bench does, makes one started project with --indicators indicators over HTTP, appends
// --measurements RecordMeasurement events straight to the event store (decided by the domain, in
// appends of 500, as bench:long-stream builds its streams), waits until the worker has projected them,
// then times each read (--runs times, after one warm-up) and prints p50/p95 and the answer's size.
// --read times only the reads whose path matches; --cpu-prof writes the API's CPU profile into DIR
// (analyse it with scripts/profile-summary.mjs).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { API_NODE_FLAGS, benchSettings, dropQueueKeys, freePort, onServer, runNode, startApiProcess, startWorkerProcess, WORKER_NODE_FLAGS } from './bench-support.mjs';

const { values } = parseArgs({
  options: {
    measurements: { type: 'string', default: '10000' },
    indicators: { type: 'string', default: '1' },
    runs: { type: 'string', default: '20' },
    read: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const MEASUREMENTS = Number(values.measurements);
const INDICATORS = Number(values.indicators);
const RUNS = Number(values.runs);
const ROOT = new URL('../', import.meta.url).pathname;
const DIST = join(ROOT, 'dist/apps/cli');
const { PostgresEventStore } = await import(join(DIST, 'libs/event-store/src/index.js'));
const { decide, evolve, initialProjectState, PROJECT_EVENT_SCHEMA_VERSIONS } = await import(join(DIST, 'libs/domain/src/index.js'));

const BASE = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const DB_NAME = `pt_long_${process.pid}`;
const DATABASE_URL = Object.assign(new URL(BASE), { pathname: `/${DB_NAME}` }).toString();
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const QUEUE_PREFIX = `pt-long-${process.pid}`;
const ADMIN_API_KEY = `long-admin-${process.pid}-0123456789abcdef`;
const ENV = benchSettings({ databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, queuePrefix: QUEUE_PREFIX, adminApiKey: ADMIN_API_KEY });
const headers = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_API_KEY}` };
const log = (message) => console.error(`[long-project ${new Date().toISOString().slice(11, 19)}] ${message}`);
const percentile = (samples, q) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(q * samples.length))];
const round = (value) => Math.round(value * 100) / 100;

const admin = (sql) => onServer(BASE, sql);

const run = (args) => runNode(args, ENV);

let apiUrl = '';
async function call(method, path, body) {
  const response = await fetch(`${apiUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return text;
}

/** The project's stream so far, folded, so the appended measurements are decided as the API would. */
async function stateOf(store, id) {
  let state = initialProjectState;
  for (const event of await store.readStream(id)) state = evolve(state, { type: event.type, data: event.data });
  return state;
}

async function appendMeasurements(pool, id, indicatorIds) {
  const store = new PostgresEventStore(pool);
  let state = await stateOf(store, id);
  let version = (await store.streamVersion(id)) ?? 0;
  let batch = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const metadata = { actor: { keyId: randomUUID(), role: 'admin' }, commandType: 'RecordMeasurement', correlationId: randomUUID(), occurredAt: new Date().toISOString() };
    await store.append(id, version, batch.map((event) => ({ ...event, schemaVersion: PROJECT_EVENT_SCHEMA_VERSIONS[event.type], metadata: { ...metadata, eventId: randomUUID() } })), { streamType: 'project' });
    version += batch.length;
    batch = [];
  };
  const context = { today: new Date().toISOString().slice(0, 10) };
  for (let n = 0; n < MEASUREMENTS; n++) {
    const day = new Date(Date.UTC(2018, 0, 1) + (n % 3000) * 86_400_000).toISOString().slice(0, 10);
    const command = { type: 'RecordMeasurement', data: { indicatorId: indicatorIds[n % indicatorIds.length], measurementId: randomUUID(), value: n % 1000, date: day, disaggregation: { female: (n % 1000) >> 1 } } };
    const events = decide(command, state, context);
    for (const event of events) state = evolve(state, event);
    batch.push(...events);
    if (batch.length >= 500) await flush();
  }
  await flush();
  return version;
}

async function timed(path) {
  await call('GET', path);
  const samples = [];
  let bytes = 0;
  for (let n = 0; n < RUNS; n++) {
    const started = performance.now();
    bytes = Buffer.byteLength(await call('GET', path));
    samples.push(performance.now() - started);
  }
  return { path: path.replace(/[0-9a-f-]{36}/g, '{id}'), p50: round(percentile(samples, 0.5)), p95: round(percentile(samples, 0.95)), kb: round(bytes / 1024) };
}

async function main() {
  await admin(`CREATE DATABASE ${DB_NAME}`);
  let api;
  let worker;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  try {
    await run([join(DIST, 'apps/cli/src/main.js'), 'migrate']);
    worker = await startWorkerProcess(join(ROOT, 'dist/apps/worker/apps/worker/src/main.js'), WORKER_NODE_FLAGS, ENV);
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    const profiling = values['cpu-prof'] ? ['--import', join(ROOT, 'scripts/profile-preload.mjs'), '--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [];
    api = await startApiProcess(join(ROOT, 'dist/apps/api/apps/api/src/main.js'), [...API_NODE_FLAGS, ...profiling], ENV, port);
    const { id } = JSON.parse(await call('POST', '/projects', {
      code: `LONG-${process.pid}`, title: 'A long-lived project', description: 'profile-long-project', country: 'LA', location: { village: 'Bansuo' },
      sector: '43040', participatingOrganisations: [{ name: 'Profile', role: 1 }],
    }));
    await call('POST', `/projects/${id}/approve`, {});
    await call('POST', `/projects/${id}/start`, {});
    const indicatorIds = [];
    for (let i = 0; i < INDICATORS; i++) {
      const body = { title: `Households reached ${i}`, unit: 'households', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 1000 } };
      indicatorIds.push(JSON.parse(await call('POST', `/projects/${id}/indicators`, body)).indicatorId);
    }
    log(`appending ${MEASUREMENTS} measurements on ${INDICATORS} indicator(s)`);
    const version = await appendMeasurements(pool, id, indicatorIds);
    for (;;) {
      const { rows } = await pool.query('SELECT version FROM project_views WHERE id = $1', [id]);
      if ((rows[0]?.version ?? 0) >= version) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    log(`projected at version ${version}; timing ${RUNS} runs of each read`);
    const half = Math.floor(version / 2);
    const reads = [
      `/projects/${id}`,
      `/projects/${id}/timeline`,
      `/projects/${id}/events?limit=100`,
      `/projects/${id}/state?version=${half}`,
      `/projects/${id}/state`,
      `/projects/${id}/diff?from=${half}&to=${version}`,
      `/projects/${id}/audit`,
      `/projects/${id}/iati`,
      `/projects/${id}/events.ndjson`,
    ];
    const results = [];
    for (const path of reads.filter((read) => !values.read || new RegExp(values.read).test(read))) results.push(await timed(path).catch((error) => ({ path, error: String(error).slice(0, 200) })));
    console.log(JSON.stringify({ measurements: MEASUREMENTS, indicators: INDICATORS, version, runs: RUNS, reads: results }, null, 2));
    if (values['cpu-prof']) {
      // The profile is written when the API exits normally (scripts/profile-preload.mjs).
      const exited = new Promise((resolve) => api.once('exit', resolve));
      api.kill('SIGINT');
      await exited;
    }
  } finally {
    await pool.end();
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
