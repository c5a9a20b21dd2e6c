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
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
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
