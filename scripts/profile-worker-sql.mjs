// Preloaded by scripts/profile-worker.mjs (--sql FILE) into the worker: counts every SQL statement sent
// through pg (ours and the copy MikroORM brings), by statement text with numbers and literals folded,
// with its total time, and writes them to $PROFILE_SQL_FILE every second and at exit, most frequent
// first (Nest ends the process on SIGTERM by raising the signal again, which skips 'exit' handlers).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const stats = new Map();

function count(Client) {
  const original = Client.prototype.query;
  if (original.counted) return;
  Client.prototype.query = function query(config, values, callback) {
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text !== 'string') return original.call(this, config, values, callback);
    const key = text.replace(/\s+/g, ' ').replace(/'[^']*'/g, "'?'").replace(/\b\d+\b/g, 'N').slice(0, 160);
    const entry = stats.get(key) ?? { calls: 0, ms: 0 };
    stats.set(key, entry);
    entry.calls++;
    const started = performance.now();
    const done = () => (entry.ms += performance.now() - started);
    const timed = (fn) => (error, result) => {
      done();
      fn(error, result);
    };
    if (typeof values === 'function') return original.call(this, config, timed(values));
    if (typeof callback === 'function') return original.call(this, config, values, timed(callback));
    if (typeof config?.callback === 'function') config.callback = timed(config.callback);
    const result = original.call(this, config, values);
    if (result && typeof result.then === 'function') result.then(done, done);
    return result;
  };
  Client.prototype.query.counted = true;
}

for (const from of [`${process.cwd()}/package.json`, `${process.cwd()}/node_modules/@mikro-orm/postgresql/package.json`]) {
  try {
    count(createRequire(from)('pg').Client);
  } catch {
    // that copy is not installed
  }
}

function write() {
  const rows = [...stats.entries()].sort((a, b) => b[1].calls - a[1].calls).map(([sql, s]) => ({ calls: s.calls, ms: Math.round(s.ms), sql }));
  writeFileSync(process.env.PROFILE_SQL_FILE ?? '/tmp/profile-worker-sql.json', `${JSON.stringify(rows, null, 1)}\n`);
}
setInterval(write, 1000).unref();
process.on('exit', write);
