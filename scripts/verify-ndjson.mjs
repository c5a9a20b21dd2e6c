#!/usr/bin/env node
// Verifies a project's NDJSON export (GET /projects/{id}/events.ndjson) offline, with node:crypto only.
// Usage: node verify-ndjson.mjs export.ndjson   (exit 0: the chain holds; 1: it breaks; 2: unreadable)
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

const GENESIS_HASH = '0'.repeat(64);

// Canonical JSON: keys sorted by UTF-16 code unit, no whitespace, numbers and strings as JSON.stringify writes them.
function canonicalJson(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
}

// The file's lines, ended by "\n" alone (and a "\r" before it dropped). Not node:readline: it also ends a
// line at U+2028 and U+2029, which JSON strings may hold as they are (a note with a line separator
// pasted in), and so it cut an unaltered event in two.
async function* ndjsonLines(input) {
  let rest = '';
  for await (const chunk of input) {
    rest += chunk;
    let start = 0;
    for (let end = rest.indexOf('\n'); end !== -1; end = rest.indexOf('\n', start)) {
      yield rest.slice(start, end).replace(/\r$/, '');
      start = end + 1;
    }
    rest = rest.slice(start);
  }
  if (rest !== '') yield rest.replace(/\r$/, '');
}

function fail(line, event, reason) {
  console.log(`BROKEN at line ${line}, version ${event?.version ?? '?'} (position ${event?.position ?? '?'}): ${reason}`);
  process.exit(1);
}

const file = process.argv[2];
if (!file) {
  console.error('Usage: node verify-ndjson.mjs export.ndjson');
  process.exit(2);
}
const input = createReadStream(file, { encoding: 'utf8' });
// A file that cannot be read is exit 2, not a stack and the chain's exit 1.
input.on('error', (error) => {
  console.error(`Cannot read ${file}: ${error.message}`);
  process.exit(2);
});
let previous = null;
let count = 0;
for await (const text of ndjsonLines(input)) {
  if (text.trim() === '') continue;
  const line = count + 1;
  let event;
  try {
    event = JSON.parse(text);
  } catch {
    fail(line, undefined, 'not a JSON object');
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) fail(line, undefined, 'not a JSON object');
  const expectedVersion = previous ? previous.version + 1 : 1;
  if (event.version !== expectedVersion) fail(line, event, `expected version ${expectedVersion}: an event is missing or out of order`);
  if (previous && event.streamId !== previous.streamId) fail(line, event, 'another stream begins: one export holds one project');
  if (event.previousHash !== (previous ? previous.hash : GENESIS_HASH)) fail(line, event, 'its previous hash is not the hash of the event before');
  const metadata = event.metadata ?? {};
  if (event.eventId !== metadata.eventId || event.occurredAt !== metadata.occurredAt || event.recordedAt !== metadata.recordedAt) {
    fail(line, event, 'its event id or times differ from those in its metadata');
  }
  const hashed = {
    streamId: event.streamId,
    version: event.version,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    previousHash: event.previousHash,
  };
  const hash = createHash('sha256').update(canonicalJson(hashed)).digest('hex');
  if (hash !== event.hash) fail(line, event, 'its content does not hash to its hash: it was changed after it was recorded');
  previous = event;
  count++;
}
if (!previous) {
  console.log('BROKEN: the file holds no event');
  process.exit(1);
}
console.log(`OK: ${count} events of project ${previous.streamId}, versions 1-${previous.version}; head hash ${previous.hash}`);
