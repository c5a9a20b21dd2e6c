// What scripts/bench.mjs and scripts/profile-http.mjs share: the settings, a free port, a process's memory, the
// RecordMeasurement load autocannon puts on the API, cleaning a queue prefix out of Redis, and the host's speed.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import pg from 'pg';

/** The node flags the API runs with, as in npm run start:api and scripts/start.sh (README, Memory). */
export const API_NODE_FLAGS = ['--max-semi-space-size=16', '--heap-growing-percent=25'];
/** The node flags the worker runs with, as in npm run start:worker and scripts/start.sh (README, Memory). */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=16', '--heap-growing-percent=50'];
/**
 * The worker's niceness, as in npm run start:worker and scripts/start.sh (README, CPU priority): it yields a
 * core to the API and PostgreSQL when they want one. BENCH_WORKER_NICE overrides it (0: the API's priority).
 */
export const WORKER_NICENESS = Number(process.env.BENCH_WORKER_NICE ?? 10);

/** The settings the benchmarks run the API and worker with: their own database and queue prefix, rate limits off, warnings only. */
export function benchSettings({ databaseUrl, redisUrl, queuePrefix, adminApiKey }) {
  return {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    ADMIN_API_KEY: adminApiKey,
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0',
    WORKER_METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
  };
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const round1 = (value) => (value === undefined || Number.isNaN(value) ? undefined : Math.round(value * 10) / 10);

/** Resident memory of a process in MB: now (VmRSS) and its peak so far (VmHWM). */
export function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? 0);
    return { rssMb: round1(kb('VmRSS') / 1024), peakMb: round1(kb('VmHWM') / 1024) };
  } catch {
    return { rssMb: undefined, peakMb: undefined };
  }
}

export const measurementPath = (project) => `/projects/${project.id}/indicators/${project.indicatorId}/measurements`;
export const measurementBody = (n) => JSON.stringify({ value: n % 1000, date: '2024-01-01' });

/** autocannon, one connection per project ({id, indicatorId}), every request a RecordMeasurement command. */
export function loadWithAutocannon(apiUrl, headers, projects, options) {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: apiUrl,
        connections: projects.length,
        ...options,
        requests: [{ method: 'POST', path: measurementPath(projects[0]), headers, body: measurementBody(0) }],
        // Each connection records on its own project: commands on distinct streams, like pgbench's clients.
        setupClient: (client) => {
          const project = projects[next++ % projects.length];
          client.setRequests([{ method: 'POST', path: measurementPath(project), headers, body: measurementBody(next) }]);
        },
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/**
 * Starts a built app (`node ...nodeArgs path ...args`, under `nice -n niceness` unless that is 0) with `env`;
 * resolves once `ready(output)` holds, polled every 20 ms for 30 s at most. `child.output()` is what it has
 * printed so far. A child that exits or does not get ready in time is killed and the promise rejects with its output.
 */
async function startChild(name, path, nodeArgs, env, ready, args = [], niceness = 0) {
  const command = [process.execPath, ...nodeArgs, path, ...args];
  if (niceness !== 0) command.unshift('nice', '-n', String(niceness));
  const child = spawn(command[0], command.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  child.output = () => output;
  const deadline = Date.now() + 30_000;
  while (!(await ready(output))) {
    if (child.exitCode !== null) throw new Error(`the ${name} exited ${child.exitCode}\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the ${name} did not start within 30 s\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return child;
}

/** The built worker, ready once it says "worker running". */
export function startWorkerProcess(workerPath, nodeArgs, env) {
  return startChild('worker', workerPath, nodeArgs, env, (output) => output.includes('worker running'), [], WORKER_NICENESS);
}

/** Whether GET /health on `port` answers 200. */
const healthy = (port) => async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.ok === true;

/** The built API on `port` (set in its env), ready once GET /health answers 200. */
export function startApiProcess(apiPath, nodeArgs, env, port) {
  return startChild('API', apiPath, nodeArgs, { ...env, PORT: String(port) }, healthy(port));
}

const HTTP_FLOOR = new URL('./http-floor.mjs', import.meta.url).pathname;

/** scripts/http-floor.mjs (`server`: node or nest) on `port` with the API's node flags, ready once GET /health answers 200. */
export function startHttpFloor(server, env, port) {
  return startChild(`HTTP floor (${server})`, HTTP_FLOOR, API_NODE_FLAGS, { ...env, PORT: String(port) }, healthy(port), ['--server', server]);
}

/** CPU seconds a process has used so far, user and system, from /proc (zero once it is gone). */
export function cpuTimes(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
  } catch {
    return { user: 0, system: 0 };
  }
}

/** CPU seconds a process has used so far, user and system together. */
export function cpuSeconds(pid) {
  const { user, system } = cpuTimes(pid);
  return user + system;
}

/** Runs `node ...args` with `env`; resolves to what it printed, rejects with it when it exits non-zero. */
export function runNode(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${args.join(' ')} exited ${code}\n${output}`))));
  });
}

/** One statement on the server's maintenance database (`postgres`) of `serverUrl`: creating and dropping databases. */
export async function onServer(serverUrl, sql) {
  const client = new pg.Client({ connectionString: Object.assign(new URL(serverUrl), { pathname: '/postgres' }).toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Removes every key under a queue prefix (the run's queues, rate-limit windows) from Redis. */
export async function dropQueueKeys(redisUrl, prefix) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * The open-loop phases' HTTP client: `post(path, body)` on at most `connections` keep-alive connections,
 * as a proxy or load balancer in front of the API holds them (requests beyond them wait in the client,
 * their time counted from when they were due); resolves to the status and the body text, and rejects
 * only when no answer came (refused, reset). fetch() opens a new connection whenever all are busy (700
 * to 3,300 at once at 500 requests/s here) and costs more CPU per request than the API's own command
 * handling, on the same two cores (docs/benchmarks.md, Fifth pass).
 */
export function commandClient(apiUrl, headers, connections = 64) {
  const { hostname, port } = new URL(apiUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const post = (path, body) =>
    new Promise((resolve, reject) => {
      const outgoing = request(
        { agent, hostname, port, path, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode, text }));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  return { post, close: () => agent.destroy() };
}

/**
 * An open loop: `send(n)` called `rate` times a second for `seconds`, on schedule whatever the answers
 * do (n counts from 1). Returns how many were sent, over how long, and every promise `send` made.
 */
export async function sendAtRate(rate, seconds, send) {
  const started = performance.now();
  const requests = [];
  let sent = 0;
  while (performance.now() - started < seconds * 1000) {
    const due = started + (sent * 1000) / rate;
    if (performance.now() < due) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now() - 0.5)));
      continue;
    }
    sent++;
    requests.push(send(sent));
  }
  return { sent, sendingSeconds: (performance.now() - started) / 1000, requests };
}

/**
 * How fast this host is right now: a fixed CPU-bound loop (300,000 SHA-256 hashes of a parsed and
 * re-serialised JSON document, the kind of work verification does), in milliseconds; lower is faster.
 * Shared hosts drift by a fifth or more within an hour; runs are comparable only next to this.
 */
export function cpuCalibrationMs() {
  const document = JSON.stringify({ a: 'x'.repeat(300), b: [1, 2, 3], c: { d: 'e' } });
  const started = performance.now();
  for (let i = 0; i < 300_000; i++) createHash('sha256').update(JSON.stringify(JSON.parse(document))).digest('hex');
  return Math.round(performance.now() - started);
}
