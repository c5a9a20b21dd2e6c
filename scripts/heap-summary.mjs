#!/usr/bin/env node
// Sums a V8 .heapsnapshot by constructor (node name) and type: self size and count, largest first.
//   node scripts/heap-summary.mjs FILE.heapsnapshot [top=30]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 30);
const snapshot = JSON.parse(readFileSync(file, 'utf8'));
const fields = snapshot.snapshot.meta.node_fields;
const types = snapshot.snapshot.meta.node_types[0];
const width = fields.length;
const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
const totals = new Map();
let all = 0;
for (let i = 0; i < snapshot.nodes.length; i += width) {
  const key = `${types[snapshot.nodes[i + typeAt]]} ${snapshot.strings[snapshot.nodes[i + nameAt]].slice(0, 80)}`;
  const size = snapshot.nodes[i + sizeAt];
  const entry = totals.get(key) ?? { size: 0, count: 0 };
  entry.size += size;
  entry.count++;
  all += size;
  totals.set(key, entry);
}
console.log(`total self size ${(all / 1048576).toFixed(1)} MB`);
for (const [key, { size, count }] of [...totals.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, top)) {
  console.log(`${(size / 1048576).toFixed(2).padStart(8)} MB ${String(count).padStart(8)}  ${key}`);
}
