import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import pg from 'pg';
import { asSuperuser } from '../../../../test/support/tamper.js';
import { openStoreDatabase } from '../../../../test/support/store-database.js';
import type { TestEnvironment } from '../../../../test/support/test-environment.js';
import { PostgresEventStore } from '../postgres-event-store.js';
import { newEvent } from '../testing/project-streams.js';
import { canonicalJson } from '../canonical-json.js';
import { holdsItsHash, recomputeEventHash } from './hash-chain-verifier.js';
import { PostgresAuditReader, SCAN_START } from './postgres-audit-reader.js';
import { mergeLogVerifications, verifyAllStreams, verifyStream } from './stream-verification.js';

let env: TestEnvironment;
let pool: pg.Pool;
let store: PostgresEventStore;
let reader: PostgresAuditReader;
openStoreDatabase('stream_verification', 4, (opened) => {
  ({ env, pool, store } = opened);
  reader = new PostgresAuditReader(pool);
});

/** A measurement as the specs below append it. */
const measured = (data: unknown) => newEvent('MeasurementRecorded', data, 'RecordMeasurement');

/** A stream of `count` events, appended 500 at a time. */
async function stream(count: number, data: (n: number) => unknown = (n) => ({ value: n, disaggregation: { male: n, female: 1 } })): Promise<string> {
  const streamId = randomUUID();
  for (let version = 0; version < count; version += 500) {
    const events = Array.from({ length: Math.min(500, count - version) }, (_, n) => measured(data(version + n)));
    await store.append(streamId, version, events, { streamType: 'project' });
  }
  return streamId;
}

describe('verifying hash chains from PostgreSQL', () => {
  it('stores data as the canonical text its hash covers, and reproduces the hash: key order, unicode, numbers, nesting', async () => {
    // The API refuses U+0000 (PostgreSQL's text cannot hold it), so no stored event holds it.
    const json = fc.jsonValue({ stringUnit: 'binary' }).filter((value) => !JSON.stringify(value).includes('\\u0000'));
    const generated = fc.sample(json, { numRuns: 300, seed: 20_261_202 });
    const special = [
      { n: [1e21, -0, 0.1, 0.30000000000000004, 5e-324, 1e-7, 2 ** 53 + 2, Number.MAX_VALUE, -1.5e300] },
      { '': {}, é: [], '\u{1F600}': [[[]], {}], z: 'é\u{1F600}\u2028"\\\n\t\u0001\u007f', a: { b: { c: { d: [1, [2, [3]]] } } } },
      { 10: 'integer-like', 9: 'keys', x: ['sorted', 'as', 'strings'] },
      Object.fromEntries(Array.from({ length: 40 }, (_, n) => [`key${(n * 7) % 40}`, n])),
    ];
    const values = [...special, ...generated];
    const streamId = await stream(values.length, (n) => values[n]);

    const events = await reader.readStreamChain(streamId, 1, values.length);
    expect(events).toHaveLength(values.length);
    for (const event of events) {
      expect(event.dataJson).toBe(canonicalJson(values[event.version - 1]));
      expect(event.metadataJson).toBe(canonicalJson(JSON.parse(event.metadataJson)));
      expect(recomputeEventHash(event)).toBe(event.hash);
      expect(holdsItsHash(event)).toBe(true);
    }
    expect(await verifyStream(reader, streamId)).toMatchObject({ valid: true, events: values.length });
  });

  it('verifies streams across page boundaries, whole or in slices, and names the event changed at one', async () => {
    // Streams of 2,600 and 2,450 events cross pages of the scan (1,000 events) in whichever lane reads
    // them; and in the one-lane scan, with the 304 events above, whatever the order of the streams, none
    // ends at a multiple of 1,000 events: the 5,001st event starts a page in the middle of a stream.
    const streams = [await stream(2_600), await stream(2_450), await stream(30)];
    const progress: number[] = [];
    const whole = await verifyAllStreams(reader, (checked) => progress.push(checked));
    expect(whole).toMatchObject({ valid: true, streams: 4, events: await reader.countEvents(), brokenStreams: 0 });
    // Two lanes by default, their progress summed; one lane (one scan) finds the same.
    expect(progress.at(-1)).toBe(whole.events);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(await verifyAllStreams(reader, undefined, {}, 1)).toEqual(whole);
    const middle = [...streams].sort()[1]!;
    const halves = await Promise.all([verifyAllStreams(reader, undefined, { below: middle }), verifyAllStreams(reader, undefined, { from: middle })]);
    expect(mergeLogVerifications(halves)).toEqual(whole);

    const { rows } = await pool.query<{ stream_id: string; stream_version: number }>(
      'SELECT stream_id, stream_version FROM events ORDER BY stream_id, stream_version OFFSET 5000 LIMIT 1',
    );
    const [{ stream_id: streamId, stream_version: version }] = rows as [{ stream_id: string; stream_version: number }];
    expect(version).toBeGreaterThan(1);
    await asSuperuser(pool, `UPDATE events SET data = jsonb_set(data::jsonb, '{value}', '-1')::json WHERE stream_id = $1 AND stream_version = $2`, [streamId, version]);
    const broken = await verifyAllStreams(reader);
    expect(broken).toMatchObject({ valid: false, streams: 4, brokenStreams: 1, broken: [{ streamId, brokenAt: { version }, code: 'HASH_MISMATCH' }] });
    expect(await verifyStream(reader, streamId)).toMatchObject({ valid: false, brokenAt: { version }, code: 'HASH_MISMATCH' });

    // Every stream broken: reported in stream id order, whichever lane found each.
    await asSuperuser(pool, `UPDATE events SET data = jsonb_set(data::jsonb, '{value}', '-2')::json WHERE stream_version = 1`, []);
    const all = await verifyAllStreams(reader, undefined, {}, 3);
    expect(all).toMatchObject({ valid: false, streams: 4, brokenStreams: 4 });
    const ids = all.broken.map((stream) => stream.streamId);
    expect(ids).toEqual([...ids].sort());
  });

  it('takes rows whose text says the same in another form (as jsonb wrote it out, before the columns kept their text)', async () => {
    const streamId = await stream(5, (n) => ({ value: n, disaggregation: { male: n, female: 1 }, note: 'é\u{1F600}' }));
    await asSuperuser(pool, 'UPDATE events SET data = data::jsonb::json, metadata = metadata::jsonb::json WHERE stream_id = $1', [streamId]);
    const events = await reader.readStreamChain(streamId, 1, 5);
    // jsonb writes a space after each colon and comma, and orders keys by length first.
    for (const event of events) expect(event.dataJson).toMatch(/^\{"note": "é\u{1F600}", "value": \d, "disaggregation": \{"male": \d, "female": 1\}\}$/u);
    expect(await verifyStream(reader, streamId)).toMatchObject({ valid: true, events: 5 });
    // Appends after an upgrade chain on from such rows.
    await store.append(streamId, 5, [measured({ value: 5 }), measured({ value: 6 })], { streamType: 'project' });
    expect(await verifyStream(reader, streamId)).toMatchObject({ valid: true, events: 7 });

    await asSuperuser(pool, `UPDATE events SET data = jsonb_set(data::jsonb, '{value}', '7')::json WHERE stream_id = $1 AND stream_version = 4`, [streamId]);
    expect(await verifyStream(reader, streamId)).toMatchObject({ valid: false, brokenAt: { version: 4 }, code: 'HASH_MISMATCH' });
  });

  it('sees a timestamp column moved by one microsecond', async () => {
    const streamId = await stream(3);
    await asSuperuser(pool, `UPDATE events SET occurred_at = occurred_at + interval '1 microsecond' WHERE stream_id = $1 AND stream_version = 2`, [streamId]);
    expect(await verifyStream(reader, streamId)).toMatchObject({ valid: false, brokenAt: { version: 2 }, code: 'COLUMN_MISMATCH' });
  });

  it('fails a scan whose listener throws, and gives its connection back to the pool', async () => {
    await stream(10);
    const failure = new Error('listener failed');
    await expect(
      reader.scanStreams(SCAN_START, 100, undefined, () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(pool.totalCount - pool.idleCount).toBe(0);
    let read = 0;
    expect(await reader.scanStreams(SCAN_START, 100, undefined, () => read++)).toBe(100);
    expect(read).toBe(100);
  });

  it('fails a scan the server refuses, with or without a read timeout on the pool', async () => {
    // The application's pools set query_timeout, and pg then reports errors to a query's callback only.
    const timed = new pg.Pool({ connectionString: env.config.databaseUrl, max: 2, query_timeout: 10_000 });
    try {
      for (const scanning of [reader, new PostgresAuditReader(timed)]) {
        await expect(scanning.scanStreams({ streamId: 'not a stream id', version: 0 }, 10, undefined, () => undefined)).rejects.toThrow(/uuid/);
        expect(await scanning.scanStreams(SCAN_START, 10, undefined, () => undefined)).toBe(10);
      }
    } finally {
      await timed.end();
    }
  });
});

/** A reader that appends one event to `streamId` the first time `hook` is called on it: a writer that does not stop for the audit. */
class AppendingReader extends PostgresAuditReader {
  appended = false;
  constructor(
    private readonly streamId: string,
    private readonly hook: 'heads' | 'scanStream',
  ) {
    super(pool);
  }

  private async appendOnce(): Promise<void> {
    if (this.appended) return;
    this.appended = true;
    const version = (await store.streamVersion(this.streamId)) ?? 0;
    await store.append(this.streamId, version, [measured({ value: 'appended during the audit' })], { streamType: 'project' });
  }

  override async heads(streamIds: readonly string[]) {
    if (this.hook === 'heads') await this.appendOnce();
    return super.heads(streamIds);
  }

  override async scanStream(...args: Parameters<PostgresAuditReader['scanStream']>) {
    if (this.hook === 'scanStream') await this.appendOnce();
    return super.scanStream(...args);
  }
}

describe('verifying while writers append', () => {
  it('does not take an append between reading the events and reading the head for a break', async () => {
    const streamId = await stream(5);
    const duringAll = new AppendingReader(streamId, 'heads');
    const all = await verifyAllStreams(duringAll, undefined, { from: streamId, below: nextId(streamId) });
    expect(duringAll.appended).toBe(true);
    expect(all).toMatchObject({ valid: true, streams: 1, events: 6 });
  });

  it('does not take an append between reading the head and reading the events for a break', async () => {
    const streamId = await stream(5);
    const duringOne = new AppendingReader(streamId, 'scanStream');
    const one = await verifyStream(duringOne, streamId);
    expect(duringOne.appended).toBe(true);
    expect(one).toMatchObject({ valid: true, events: 6, head: { version: 6 } });
  });

  it('still names a tail deleted, an event added past the head, and a head record changed', async () => {
    const deleted = await stream(5);
    await asSuperuser(pool, 'DELETE FROM events WHERE stream_id = $1 AND stream_version = 5', [deleted]);
    // A well-chained sixth event the head record does not name: the head set back to the fifth.
    const added = await stream(6);
    await pool.query(
      `UPDATE event_streams s SET version = 5, head_hash = e.hash FROM events e WHERE e.stream_id = s.stream_id AND e.stream_version = 5 AND s.stream_id = $1`,
      [added],
    );
    const changed = await stream(5);
    await pool.query(`UPDATE event_streams SET head_hash = repeat('f', 64) WHERE stream_id = $1`, [changed]);
    for (const streamId of [deleted, added, changed]) {
      expect(await verifyStream(reader, streamId)).toMatchObject({ valid: false, code: 'HEAD_MISMATCH' });
      const slice = await verifyAllStreams(reader, undefined, { from: streamId, below: nextId(streamId) });
      expect(slice).toMatchObject({ valid: false, brokenStreams: 1, broken: [{ streamId, code: 'HEAD_MISMATCH' }] });
    }
  });
});

describe('the size of the log, for progress', () => {
  it("is PostgreSQL's estimate once the table was analysed, and a count until then", async () => {
    await stream(20);
    const counted = await reader.countEvents();
    // As PostgreSQL leaves a table never analysed (autovacuum may have analysed this one meanwhile).
    await asSuperuser(pool, `UPDATE pg_class SET reltuples = -1 WHERE oid = 'events'::regclass`, []);
    expect(await reader.estimateEvents()).toBe(counted);
    await pool.query('ANALYZE events');
    expect(await reader.estimateEvents()).toBe(counted);
    // The estimate is what ANALYZE saw, not a count: events appended since are not in it.
    await stream(3);
    expect(await reader.estimateEvents()).toBe(counted);
    expect(await reader.countEvents()).toBe(counted + 3);
  });
});

/** The id just after `id` in uuid order: a slice [id, nextId(id)) holds that one stream. */
function nextId(id: string): string {
  const hex = id.replace(/-/g, '');
  const next = (BigInt(`0x${hex}`) + 1n).toString(16).padStart(32, '0');
  return `${next.slice(0, 8)}-${next.slice(8, 12)}-${next.slice(12, 16)}-${next.slice(16, 20)}-${next.slice(20)}`;
}
