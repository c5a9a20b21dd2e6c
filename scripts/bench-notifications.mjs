#!/usr/bin/env node
// Notification fan-out benchmark: webhook deliveries per second to 100 subscribers on loopback.
//
// Runs against a running API and worker (bash scripts/start.sh, or the dist apps), from outside, as a
// subscriber would see it: a local HTTP receiver, 100 webhook subscriptions to it, then a burst of
// project status changes, each of which the worker signs and delivers to every subscriber. Reports the
// deliveries per second from the first command to the last delivery, and the latency from each event's
// recording to its arrival. Needs WEBHOOK_ALLOW_PRIVATE_NETWORKS=true (the default outside production).
// With --dead N, N more subscribers never answer (each call runs into WEBHOOK_TIMEOUT_MS and is retried):
// the figures are still those of the healthy ones, showing how much dead receivers hold them back.
//
//   BASE_URL=http://localhost:3000 ADMIN_API_KEY=... node scripts/bench-notifications.mjs [--subscribers 100] [--changes 40] [--dead 0]
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs, parseEnv } from 'node:util';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '100' },
    changes: { type: 'string', default: '40' },
    dead: { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
  },
});
const SUBSCRIBERS = Number(values.subscribers);
const CHANGES = Number(values.changes);
const DEAD = Number(values.dead);
// Like the apps: .env under the environment, which wins.
if (existsSync('.env')) {
  for (const [key, value] of Object.entries(parseEnv(readFileSync('.env', 'utf8')))) process.env[key] ??= value;
}
const BASE_URL = process.env.BASE_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
const ADMIN = process.env.ADMIN_API_KEY;
if (!ADMIN) {
  console.error('Set ADMIN_API_KEY (scripts/start.sh writes it into .env).');
  process.exit(2);
}

async function call(method, path, key, body) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

// The receiver: answers 204 at once and notes when each (webhook-id, subscriber path) arrived; a dead
// subscriber's calls are left unanswered.
const arrivals = new Map();
let duplicates = 0;
let lastArrival = 0;
let deadCalls = 0;
const server = createServer((req, res) => {
  if (req.url.startsWith('/dead/')) {
    deadCalls++;
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const key = `${req.headers['webhook-id']}|${req.url}`;
    if (arrivals.has(key)) duplicates++;
    else {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      arrivals.set(key, { at: Date.now(), recordedAt: Date.parse(event.data.event.recordedAt) });
      lastArrival = Date.now();
    }
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60_000;
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;

const manager = (await call('POST', '/api-keys', ADMIN, { name: 'notification benchmark', role: 'manager' })).secret;
const project = await call('POST', '/projects', manager, {
  code: `BENCH-${Date.now().toString(36)}`,
  title: 'Notification benchmark project',
  description: 'Made by scripts/bench-notifications.mjs',
  country: 'LA',
  location: { village: 'Bansuo', province: 'Vientiane' },
  sector: '31163',
  participatingOrganisations: [{ name: 'Benchmark', role: 1 }],
});
await call('POST', `/projects/${project.id}/approve`, manager, {});
await call('POST', `/projects/${project.id}/start`, manager, {});

const subscriptions = [];
for (let n = 0; n < SUBSCRIBERS; n++) {
  const created = await call('POST', '/subscriptions', manager, {
    channel: 'webhook',
    url: `http://127.0.0.1:${port}/subscriber/${n}`,
    filter: { projectIds: [project.id], types: ['project.status_changed'] },
  });
  subscriptions.push(created.id);
}
for (let n = 0; n < DEAD; n++) {
  const created = await call('POST', '/subscriptions', manager, {
    channel: 'webhook',
    url: `http://127.0.0.1:${port}/dead/${n}`,
    filter: { projectIds: [project.id], types: ['project.status_changed'] },
  });
  subscriptions.push(created.id);
}

const expected = SUBSCRIBERS * CHANGES;
const started = Date.now();
for (let n = 0; n < CHANGES; n++) {
  await call('POST', `/projects/${project.id}/${n % 2 === 0 ? 'suspend' : 'resume'}`, manager, { reason: `benchmark change ${n}` });
}
const commandsDone = Date.now();
const deadline = Date.now() + 300_000;
while (arrivals.size < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
const elapsed = (lastArrival - started) / 1000;

for (const id of subscriptions) await call('DELETE', `/subscriptions/${id}`, manager);
server.closeAllConnections();
server.close();

const latencies = [...arrivals.values()].map((arrival) => arrival.at - arrival.recordedAt).sort((a, b) => a - b);
const percentile = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
const result = {
  subscribers: SUBSCRIBERS,
  deadSubscribers: DEAD,
  deadCalls,
  statusChanges: CHANGES,
  deliveriesExpected: expected,
  deliveriesReceived: arrivals.size,
  duplicates,
  commandsSeconds: (commandsDone - started) / 1000,
  seconds: elapsed,
  deliveriesPerSecond: Math.round(arrivals.size / elapsed),
  notificationsPerSecond: Math.round((arrivals.size / SUBSCRIBERS / elapsed) * 10) / 10,
  latencyMs: { p50: percentile(50), p95: percentile(95), max: latencies.at(-1) },
};
if (values.json) console.log(JSON.stringify(result));
else {
  console.log(`${result.deliveriesReceived}/${expected} webhook deliveries to ${SUBSCRIBERS} subscribers on loopback in ${elapsed.toFixed(2)} s`);
  if (DEAD > 0) console.log(`  besides ${DEAD} dead subscribers, called ${deadCalls} times meanwhile`);
  console.log(`  ${result.deliveriesPerSecond} deliveries/s (${result.notificationsPerSecond} notifications/s fanned out to ${SUBSCRIBERS} each), ${duplicates} duplicates`);
  console.log(`  latency from event recorded to delivery: p50 ${result.latencyMs.p50} ms, p95 ${result.latencyMs.p95} ms, max ${result.latencyMs.max} ms`);
}
process.exit(arrivals.size === expected && duplicates === 0 ? 0 : 1);
