import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { canonicalJson } from '../canonical-json.js';
import { GENESIS_HASH, hashEvent } from '../event-hash.js';
import { type ChainEvent, CheckpointHasher, recomputeEventHash, StreamChainVerifier } from './hash-chain-verifier.js';

const STREAM = '5b1f4f1e-0000-4000-8000-000000000001';

function chain(length: number, occurredAt = '2018-01-01T00:00:00.000Z'): ChainEvent[] {
  const events: ChainEvent[] = [];
  let previousHash = GENESIS_HASH;
  for (let version = 1; version <= length; version++) {
    const eventId = `00000000-0000-4000-8000-${String(version).padStart(12, '0')}`;
    const recordedAt = `2026-01-01T00:00:0${version}.000Z`;
    const metadata = { eventId, actor: { keyId: 'k', role: 'team' }, commandType: 'X', correlationId: 'c', occurredAt, recordedAt };
    const data = { n: version, nested: { b: 1, a: [1, 2] } };
    const event = { streamId: STREAM, version, eventId, type: 'ComponentAdded', schemaVersion: 1, data, metadata, occurredAt, recordedAt, previousHash };
    const hash = hashEvent(event);
    const { streamId, type, schemaVersion } = event;
    const stored = { streamId, version, eventId, type, schemaVersion, dataJson: canonicalJson(data), metadataJson: canonicalJson(metadata), previousHash };
    events.push({ ...stored, occurredAt: Date.parse(occurredAt), recordedAt: Date.parse(recordedAt), position: version * 10, hash });
    previousHash = hash;
  }
  return events;
}

function verify(events: ChainEvent[], head?: { version: number; hash: string }) {
  const verifier = new StreamChainVerifier(STREAM);
  for (const event of events) verifier.push(event);
  verifier.checkHead(head ?? { version: events.at(-1)!.version, hash: events.at(-1)!.hash });
  return verifier;
}

describe('StreamChainVerifier', () => {
  it('accepts an untouched chain and reports its head', () => {
    const events = chain(5);
    const verifier = verify(events);
    expect(verifier.brokenAt).toBeUndefined();
    expect(verifier.events).toBe(5);
    expect(verifier.head).toEqual({ version: 5, position: 50, hash: events[4]!.hash });
  });

  it('accepts events whose metadata writes a time otherwise than toISOString, as their columns hold it', () => {
    const events = chain(3, '2018-01-01T07:00:00+07:00');
    expect(verify(events).brokenAt).toBeUndefined();
    events[1] = { ...events[1]!, occurredAt: events[1]!.occurredAt + 1 };
    expect(verify(events).brokenAt).toMatchObject({ version: 2, code: 'COLUMN_MISMATCH' });
  });

  it('names the version whose content changed', () => {
    const events = chain(5);
    events[2] = { ...events[2]!, dataJson: '{"n":333,"nested":{"a":[1,2],"b":1}}' };
    expect(verify(events).brokenAt).toMatchObject({ version: 3, position: 30, code: 'HASH_MISMATCH' });
  });

  it('takes stored text that is not canonical but holds the same content (as jsonb wrote it out)', () => {
    const events = chain(3);
    events[0] = { ...events[0]!, dataJson: '{"n": 1, "nested": {"a": [1, 2], "b": 1}}' };
    events[1] = { ...events[1]!, metadataJson: ` ${events[1]!.metadataJson.replaceAll(',', ', ')}` };
    expect(verify(events).brokenAt).toBeUndefined();
    events[2] = { ...events[2]!, dataJson: '{"nested": {"b": 1, "a": [1, 2]}, "n": 4}' };
    expect(verify(events).brokenAt).toMatchObject({ version: 3, code: 'HASH_MISMATCH' });
  });

  it('catches metadata changed in its text', () => {
    const events = chain(2);
    const metadataJson = events[1]!.metadataJson.replace('"role":"team"', '"role":"admin"');
    expect(metadataJson).not.toBe(events[1]!.metadataJson);
    events[1] = { ...events[1]!, metadataJson };
    expect(verify(events).brokenAt).toMatchObject({ version: 2, code: 'HASH_MISMATCH' });
  });

  it('sees a consistent rewrite only through the previous-hash link of the event after it', () => {
    const events = chain(5);
    const forged: ChainEvent = { ...events[1]!, dataJson: '{"forged":true}' };
    events[1] = { ...forged, hash: recomputeEventHash(forged) };
    expect(verify(events).brokenAt).toMatchObject({ version: 3, code: 'PREVIOUS_HASH_MISMATCH' });
  });

  it('catches a missing version, a moved timestamp column and a cut tail', () => {
    const gap = chain(5);
    gap.splice(2, 1);
    expect(verify(gap).brokenAt).toMatchObject({ version: 4, code: 'VERSION_GAP' });

    const moved = chain(3);
    moved[1] = { ...moved[1]!, recordedAt: Date.parse('2020-01-01T00:00:00.000Z') };
    expect(verify(moved).brokenAt).toMatchObject({ version: 2, code: 'COLUMN_MISMATCH' });

    // A head mismatch is located at the last event present, all of whose numbers are real.
    const cut = chain(4);
    expect(verify(cut.slice(0, 3), { version: 4, hash: cut[3]!.hash }).brokenAt).toMatchObject({
      version: 3,
      position: cut[2]!.position,
      eventId: cut[2]!.eventId,
      code: 'HEAD_MISMATCH',
    });
    const headPutBack = chain(5);
    expect(verify(headPutBack, { version: 4, hash: headPutBack[3]!.hash }).brokenAt).toMatchObject({
      version: 5,
      position: headPutBack[4]!.position,
      eventId: headPutBack[4]!.eventId,
      code: 'HEAD_MISMATCH',
    });
  });
});

describe('CheckpointHasher', () => {
  it('is SHA-256 over the previous checkpoint hash and the event hashes, as hex text', () => {
    const hashes = chain(3).map((event) => event.hash);
    const hasher = new CheckpointHasher();
    for (const hash of hashes) hasher.add(hash);
    expect(hasher.events).toBe(3);
    expect(hasher.digest()).toBe(createHash('sha256').update(GENESIS_HASH + hashes.join('')).digest('hex'));
  });
});
