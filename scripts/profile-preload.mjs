// Loaded into the API by scripts/profile-http.mjs (`node --import`), never in production.
//
// 1. Nest's shutdown hook closes the app on SIGINT/SIGTERM and then raises the signal again; a process
//    that dies of a signal writes no --cpu-prof / --heap-prof profile. The second signal ends it with
//    process.exit instead, which writes them.
// 2. With PROFILE_QUERY_LOG set to a file name, every statement sent to PostgreSQL through `pg` (the
//    event store, keys, idempotency and MikroORM all go through pg.Client#query) is counted by its text,
//    and the counts are written to that file at exit: round trips per request, without
//    pg_stat_statements (which needs shared_preload_libraries on the server). SIGWINCH starts the count anew.
// 3. With PROFILE_ALLOCATIONS set to a file name, SIGWINCH starts V8's sampling heap profiler keeping the
//    samples of objects collected since (unlike --heap-prof, whose profile holds only what is still alive
//    at exit), and the profile is written to that file at exit: where the load's allocations are made, the
//    young generation's churn included (analyse it with scripts/profile-summary.mjs).
// 4. With PROFILE_STAGES set to a file name, every POST from SIGWINCH on is timed in three stages: from
//    its arrival to the moment the append statement carrying its project left for PostgreSQL (the
//    command, and the wait for the batch ahead of it), the statement's round trip, and from the answer to
//    the response's end; with every garbage collection's pause and the event loop's delay. Written to
//    that file at exit (profile-http --stages summarises it). A request is matched to the first append
//    statement naming its project after it arrived: exact with one request in flight per project, as the
//    profile's load sends them.
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import pg from 'pg';

let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (++signals > 1) process.exit(0);
  });
}

const queryLog = process.env.PROFILE_QUERY_LOG;
if (queryLog) {
  const counts = new Map();
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function query(config, ...rest) {
    const text = typeof config === 'string' ? config : (config?.text ?? String(config?.name ?? '?'));
    const key = text.replaceAll(/\s+/g, ' ').trim().slice(0, 160);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return original.call(this, config, ...rest);
  };
  // The profiling script sends SIGWINCH after its set-up and warm-up, so only the measured load is counted.
  process.on('SIGWINCH', () => counts.clear());
  process.on('exit', () => {
    const sorted = [...counts].sort((a, b) => b[1] - a[1]).map(([statement, count]) => ({ count, statement }));
    writeFileSync(queryLog, `${JSON.stringify(sorted, null, 2)}\n`);
  });
}

const allocations = process.env.PROFILE_ALLOCATIONS;
if (allocations) {
  // A session on the process's own thread answers each post before post returns.
  const session = new Session();
  session.connect();
  let sampling = false;
  process.on('SIGWINCH', () => {
    if (sampling) return;
    sampling = true;
    session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      // PROFILE_ALLOCATIONS_PROMOTED=1 leaves out what died young: what is left was promoted to the old
      // generation (or is still alive), the allocations that make the mark-compacts.
      includeObjectsCollectedByMinorGC: process.env.PROFILE_ALLOCATIONS_PROMOTED !== '1',
    });
  });
  process.on('exit', () => {
    if (!sampling) return;
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (!error) writeFileSync(allocations, JSON.stringify(result.profile));
    });
  });
}

const stages = process.env.PROFILE_STAGES;
if (stages) {
  let requests = [];
  let pauses = [];
  /** Requests that have not yet been matched to an append statement, by project id. */
  const unsent = new Map();
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push({ start: entry.startTime, ms: entry.duration, kind: entry.detail?.kind });
  }).observe({ entryTypes: ['gc'] });
  subscribe('http.server.request.start', ({ request, response }) => {
    const projectId = request.method === 'POST' ? /^\/projects\/([0-9a-f-]{36})\//i.exec(request.url)?.[1]?.toLowerCase() : undefined;
    if (!projectId) return;
    const record = { start: performance.now() };
    requests.push(record);
    (unsent.get(projectId) ?? unsent.set(projectId, []).get(projectId)).push(record);
    response.once('finish', () => (record.end = performance.now()));
  });
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function query(config, ...rest) {
    if (!String(config?.name ?? '').startsWith('pt_append')) return original.call(this, config, ...rest);
    // The batch's first parameter is its stream ids; an append by itself has its stream id there.
    const streamIds = [config.values[0]].flat();
    const sent = performance.now();
    const matched = [];
    for (const streamId of streamIds) {
      const record = unsent.get(streamId)?.shift();
      if (!record) continue;
      Object.assign(record, { sent, batch: streamIds.length });
      matched.push(record);
    }
    const answered = () => {
      const returned = performance.now();
      for (const record of matched) record.returned = returned;
    };
    // pg-pool passes a callback (values, then the callback); a client used directly answers a promise.
    const callback = rest.at(-1);
    if (typeof callback === 'function') {
      return original.call(this, config, ...rest.slice(0, -1), (...answer) => {
        answered();
        return callback(...answer);
      });
    }
    const result = original.call(this, config, ...rest);
    result?.then?.(answered, () => undefined);
    return result;
  };
  process.on('SIGWINCH', () => {
    requests = [];
    pauses = [];
    unsent.clear();
    loop.reset();
  });
  process.on('exit', () => {
    const delay = { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
    writeFileSync(stages, JSON.stringify({ requests, pauses, eventLoopDelayMs: delay }));
  });
}
