#!/usr/bin/env node
// Where a .cpuprofile (node --cpu-prof, e.g. from scripts/profile-http.mjs) spent its time:
//
//   node scripts/profile-summary.mjs <file.cpuprofile|file.heapprofile> [--top 40] [--inclusive] [--stacks <regexp>] [--stages name=regexp,...]
//
// Self time by function (name, file, line), by package (node_modules/<package>, node: internals,
// our own code by top folder, (garbage collector), (idle), (program)), and with --inclusive the total
// time of every function with what it calls (each function counted once per sample, however deep);
// --stacks names functions (a regexp on "name file:line") and prints the stacks that spent their self
// time, heaviest first, to see who calls them; --stages splits the samples by the innermost frame of
// their stack that matches one of the named regexps (e.g. validation=ValidationPipe,append=append dist).
// A .heapprofile (profile-http --allocations, or --heap-prof) is summarised the same way in bytes
// allocated instead of time: "self" is what a function allocated itself.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '40' }, inclusive: { type: 'boolean', default: false }, stacks: { type: 'string' }, stages: { type: 'string' } },
});
if (positionals.length !== 1) {
  console.error('usage: node scripts/profile-summary.mjs <file.cpuprofile> [--top 40] [--inclusive]');
  process.exit(1);
}
const TOP = Number(values.top);
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
// A sampling heap profile (.heapprofile: a tree whose nodes carry the bytes allocated at them, e.g. from
// profile-http --allocations) is read as a CPU profile whose samples weigh bytes instead of microseconds.
const allocations = profile.head !== undefined;
if (allocations) {
  const flat = [];
  const visit = (node) => {
    flat.push(node);
    for (const child of node.children) visit(child);
  };
  visit(profile.head);
  profile.nodes = flat.map((node) => ({ ...node, children: node.children.map((child) => child.id) }));
}
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Sample i lasted timeDeltas[i + 1] (the delta recorded with the next sample); the last gets the mean.
const selfMicros = new Map();
if (allocations) {
  for (const node of profile.nodes) if (node.selfSize > 0) selfMicros.set(node.id, node.selfSize);
} else {
  const deltas = profile.timeDeltas;
  const mean = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length);
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = i + 1 < deltas.length ? deltas[i + 1] : mean;
    selfMicros.set(profile.samples[i], (selfMicros.get(profile.samples[i]) ?? 0) + Math.max(0, delta));
  }
}
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

function packageOf(url) {
  if (!url) return '(native/vm)';
  if (url.startsWith('node:')) return url.split('/')[0];
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) {
    const parts = url.slice(dist + 6).split('/');
    // dist/apps/api/apps/api/src/<context>/... and dist/apps/api/libs/<lib>/src/...
    const libs = parts.indexOf('libs');
    if (libs >= 0) return `libs/${parts[libs + 1]}`;
    const src = parts.indexOf('src');
    return `apps/${parts[src - 1]}/${parts[src + 1] ?? ''}`;
  }
  return url.replace(/^file:\/\//, '');
}

const label = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/').replace(/^file:\/\//, '') : '';
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
};

const byFunction = new Map();
const byPackage = new Map();
for (const [id, micros] of selfMicros) {
  const node = nodes.get(id);
  const name = label(node);
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  const pkg = ['(garbage collector)', '(idle)', '(program)', '(root)'].includes(node.callFrame.functionName)
    ? node.callFrame.functionName
    : packageOf(node.callFrame.url);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
}

const idle = byPackage.get('(idle)') ?? 0;
const busy = total - idle;
const pct = (micros, of = total) => `${((100 * micros) / of).toFixed(1).padStart(5)}%`;
const ms = (micros) => (allocations ? `${(micros / 1024 / 1024).toFixed(1).padStart(7)} MB` : `${(micros / 1000).toFixed(0).padStart(7)} ms`);
function print(title, map) {
  console.log(`\n${title}`);
  for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    // An allocation profile has no idle time: its one share is of all that was allocated.
    console.log(allocations ? `${ms(micros)} ${pct(micros)}  ${name}` : `${ms(micros)} ${pct(micros)} ${pct(micros, busy)} busy  ${name}`);
  }
}

const what = allocations ? 'Allocated' : 'Self time';
if (allocations) console.log(`${positionals[0]}: ${(total / 1024 / 1024).toFixed(1)} MB allocated (sampled estimate)`);
else console.log(`${positionals[0]}: ${(total / 1e6).toFixed(2)} s sampled, ${((100 * busy) / total).toFixed(1)}% busy (not idle)`);
print(`${what} by package / folder (${allocations ? 'of all' : 'of all, of busy'})`, byPackage);
print(`${what} by function`, byFunction);

if (values.inclusive) {
  const inclusive = new Map();
  for (const [id, micros] of selfMicros) {
    const seen = new Set();
    for (let current = id; current !== undefined; current = parent.get(current)) {
      const name = label(nodes.get(current));
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
    }
  }
  print(allocations ? 'Allocated by function and its callees' : 'Total time (self + callees) by function', inclusive);
}

if (values.stacks) {
  const pattern = new RegExp(values.stacks);
  const stacks = new Map();
  for (const [id, micros] of selfMicros) {
    if (!pattern.test(label(nodes.get(id)))) continue;
    const frames = [];
    for (let current = id; current !== undefined; current = parent.get(current)) frames.push(label(nodes.get(current)));
    const key = frames.slice(0, 14).join('\n    <- ');
    stacks.set(key, (stacks.get(key) ?? 0) + micros);
  }
  print(`Stacks of ${values.stacks}`, new Map([...stacks].slice(0)));
}

if (values.stages) {
  const stages = values.stages.split(',').map((pair) => {
    const at = pair.indexOf('=');
    return { name: pair.slice(0, at), pattern: new RegExp(pair.slice(at + 1)) };
  });
  const byStage = new Map();
  for (const [id, micros] of selfMicros) {
    let stage = '(other)';
    for (let current = id; current !== undefined; current = parent.get(current)) {
      const name = label(nodes.get(current));
      const found = stages.find((candidate) => candidate.pattern.test(name));
      if (found) {
        stage = found.name;
        break;
      }
    }
    byStage.set(stage, (byStage.get(stage) ?? 0) + micros);
  }
  print(`${what} by stage (innermost matching frame)`, byStage);
}
