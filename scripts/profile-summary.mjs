#!/usr/bin/env node
// Sums a V8 .cpuprofile (node --cpu-prof) by self time: the top functions and the top files / packages.
//   node scripts/profile-summary.mjs FILE.cpuprofile [top=40]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 40);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const delta = profile.timeDeltas[i] ?? 0;
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + delta);
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

function where(url) {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (path.startsWith('node:')) return path;
  const dist = path.indexOf('/dist/');
  return dist >= 0 ? path.slice(dist + 1) : path;
}

const fns = new Map();
const files = new Map();
for (const [id, us] of selfUs) {
  const { callFrame } = byId.get(id);
  const fn = `${callFrame.functionName || '(anonymous)'} ${where(callFrame.url)}:${callFrame.lineNumber + 1}`;
  fns.set(fn, (fns.get(fn) ?? 0) + us);
  const f = where(callFrame.url);
  files.set(f, (files.get(f) ?? 0) + us);
}
const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
  }
};
console.log(`total sampled ${(total / 1000).toFixed(0)} ms`);
print('self time by function', fns);
print('self time by package / file', files);
