import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { eventually } from '../../../test/support/test-environment.js';
import { openStoreDatabase } from '../../../test/support/store-database.js';
import { GENESIS_HASH, hashEvent, hashedContentOf } from './event-hash.js';
import { AppendConditionFailed, StreamHeadMismatch, StreamVersionConflict } from './event-store.errors.js';
import { type AppendCondition, type AppendResult, FEED_START, type FeedCursor, PostgresEventStore } from './postgres-event-store.js';
import type { NewEvent, StoredEvent } from './stored-event.js';
import { newEvent } from './testing/project-streams.js';
import { passTransactionId } from './testing/transaction-ids.js';

let pool: pg.Pool;
let store: PostgresEventStore;
openStoreDatabase('event_store', 16, (opened) => ({ pool, store } = opened));
// Specs below write events as if in transactions 9 to 1000: every real one of this file comes after.
beforeAll(() => passTransactionId(pool, 1000));

const options = { streamType: 'project' };

async function readWholeFeed(after: FeedCursor = FEED_START): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await store.readAll(cursor, 100);
    if (page.length === 0) return all;
    all.push(...page);
    const last = page.at(-1)!;
    cursor = { transactionId: last.transactionId, position: last.position };
  }
}

describe('PostgresEventStore', () => {
  it('appends with versions 1..n and reads the stream back in order, hash-chained', async () => {
    const streamId = randomUUID();
    await store.append(streamId, 0, [newEvent('A', { n: 1 }), newEvent('B', { n: 2 })], options);
    await store.append(streamId, 2, [newEvent('C', { nested: { z: 1, a: [1, 2] } })], options);

    const events = await store.readStream(streamId);
    expect(events.map((e) => [e.version, e.type])).toEqual([
      [1, 'A'],
      [2, 'B'],
      [3, 'C'],
    ]);
    expect(events[0]!.previousHash).toBe(GENESIS_HASH);
    for (const [index, event] of events.entries()) {
      if (index > 0) expect(event.previousHash).toBe(events[index - 1]!.hash);
      expect(hashEvent(hashedContentOf(event))).toBe(event.hash);
      expect(hashedContentOf(event).streamId).toBe(streamId);
    }
    expect(await store.streamVersion(streamId)).toBe(3);
  });

  it('refuses an append at a stale expected version and stores nothing', async () => {
    const streamId = randomUUID();
    await store.append(streamId, 0, [newEvent('A')], options);
    await expect(store.append(streamId, 0, [newEvent('B')], options)).rejects.toBeInstanceOf(StreamVersionConflict);
    await expect(store.append(streamId, 2, [newEvent('B')], options)).rejects.toMatchObject({ actualVersion: 1 });
    expect((await store.readStream(streamId)).map((e) => e.type)).toEqual(['A']);
  });

  it('refuses a stream id in capitals, which it would hash as another text than PostgreSQL keeps, and stores nothing', async () => {
    const streamId = randomUUID();
    await expect(store.append(streamId.toUpperCase(), 0, [newEvent('A')], options)).rejects.toThrow(`stream id ${streamId.toUpperCase()} is not a lower-case UUID`);
    expect(await store.readStream(streamId)).toEqual([]);
    await store.append(streamId, 0, [newEvent('A')], options);
    await expect(store.append(streamId.toUpperCase(), 1, [newEvent('B')], options)).rejects.toBeInstanceOf(TypeError);
    expect((await store.readStream(streamId)).map((e) => e.type)).toEqual(['A']);
  });

  it.each([
    ['naming the head hash (one statement)', true],
    ['reading the head hash first', false],
  ])('lets exactly one of many concurrent writers at the same version succeed, %s', async (_, knowsHead) => {
    const streamId = randomUUID();
    const created = await store.append(streamId, 0, [newEvent('Created')], options);
    const writers = 25;
    const results = await Promise.allSettled(
      Array.from({ length: writers }, (_, i) =>
        store.append(streamId, 1, [newEvent('Raced', { writer: i })], { ...options, expectedHeadHash: knowsHead ? created.headHash : undefined }),
      ),
    );
    const succeeded = results.filter((r) => r.status === 'fulfilled');
    const conflicts = results.filter((r) => r.status === 'rejected' && r.reason instanceof StreamVersionConflict);
    expect(succeeded).toHaveLength(1);
    expect(conflicts).toHaveLength(writers - 1);
    expect(conflicts.map((r) => (r as PromiseRejectedResult).reason.actualVersion)).toEqual(Array(writers - 1).fill(2));
    expect((await store.readStream(streamId)).map((e) => e.version)).toEqual([1, 2]);
  });

  it('returns the stored positions in version order and the new head hash', async () => {
    const streamId = randomUUID();
    const first = await store.append(streamId, 0, [newEvent('A'), newEvent('B'), newEvent('C')], options);
    const second = await store.append(streamId, 3, [newEvent('D'), newEvent('E')], { ...options, expectedHeadHash: first.headHash });
    const stored = await store.readStream(streamId);
    expect([...first.events, ...second.events].map((e) => [e.version, e.position, e.hash])).toEqual(
      stored.map((e) => [e.version, e.position, e.hash]),
    );
    expect(stored.map((e) => e.position)).toEqual([...stored.map((e) => e.position)].sort((a, b) => a - b));
    expect(first.headHash).toBe(stored[2]!.hash);
    expect(second.headHash).toBe(stored[4]!.hash);
  });

  it('refuses an append whose head hash is not the one the stream ends with, and stores nothing', async () => {
    const streamId = randomUUID();
    const first = await store.append(streamId, 0, [newEvent('A')], options);
    const forged = 'f'.repeat(64);
    const refused = store.append(streamId, 1, [newEvent('B')], { ...options, expectedHeadHash: forged });
    await expect(refused).rejects.toBeInstanceOf(StreamHeadMismatch);
    await expect(refused).rejects.toMatchObject({ version: 1, expectedHeadHash: forged, actualHeadHash: first.headHash });
    expect((await store.readStream(streamId)).map((e) => e.type)).toEqual(['A']);
    expect(await store.streamVersion(streamId)).toBe(1);
  });

  it('tells the after-commit observer of every committed append, and of no refused one', async () => {
    const told: AppendResult[] = [];
    const observed = new PostgresEventStore(pool, (appended) => told.push(appended));
    const streamId = randomUUID();
    const first = await observed.append(streamId, 0, [newEvent('A')], options);
    await expect(observed.append(streamId, 0, [newEvent('B')], options)).rejects.toBeInstanceOf(StreamVersionConflict);
    await expect(
      observed.append(streamId, 1, [newEvent('B')], { ...options, withinTransaction: () => Promise.reject(new Error('no')) }),
    ).rejects.toThrow('no');
    const second = await observed.append(streamId, 1, [newEvent('B')], { ...options, withinTransaction: () => Promise.resolve() });
    expect(told).toEqual([first, second]);
  });

  it('appends only while its condition holds, checked by the append statement itself, alone or in a transaction', async () => {
    await pool.query('CREATE TABLE IF NOT EXISTS spec_switches (id int PRIMARY KEY, open boolean NOT NULL)');
    await pool.query('INSERT INTO spec_switches VALUES (1, true), (2, false) ON CONFLICT (id) DO NOTHING');
    const switchOpen = (id: number): AppendCondition => ({
      name: 'spec_switch_open',
      sql: 'EXISTS (SELECT 1 FROM spec_switches WHERE id = $1::int AND open)',
      values: [id],
    });
    const told: AppendResult[] = [];
    const observed = new PostgresEventStore(pool, (appended) => told.push(appended));
    const open = randomUUID();
    const first = await observed.append(open, 0, [newEvent('A')], { ...options, condition: switchOpen(1) });
    await observed.append(open, 1, [newEvent('B')], { ...options, condition: switchOpen(1), expectedHeadHash: first.headHash });
    expect((await store.readStream(open)).map((e) => e.type)).toEqual(['A', 'B']);

    const closed = randomUUID();
    for (const withinTransaction of [undefined, () => Promise.resolve()]) {
      const refused = observed.append(closed, 0, [newEvent('A')], { ...options, condition: switchOpen(2), withinTransaction });
      await expect(refused).rejects.toBeInstanceOf(AppendConditionFailed);
      await expect(refused).rejects.toMatchObject({ streamId: closed, condition: 'spec_switch_open' });
      await expect(observed.append(open, 2, [newEvent('C')], { ...options, condition: switchOpen(2), withinTransaction })).rejects.toBeInstanceOf(
        AppendConditionFailed,
      );
    }
    expect(await store.streamVersion(closed)).toBeUndefined();
    expect(await store.streamVersion(open)).toBe(2);
    // A stale version with a condition that holds is still a version conflict.
    await expect(observed.append(open, 1, [newEvent('C')], { ...options, condition: switchOpen(1) })).rejects.toBeInstanceOf(StreamVersionConflict);
    expect(told.map((appended) => [appended.streamId, appended.version])).toEqual([
      [open, 1],
      [open, 2],
    ]);
  });

  it('lets concurrent first appends create a stream only once', async () => {
    const streamId = randomUUID();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => store.append(streamId, 0, [newEvent('Created')], options)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await store.streamVersion(streamId)).toBe(1);
  });

  it('makes the database refuse UPDATE, DELETE and TRUNCATE on events', async () => {
    const streamId = randomUUID();
    await store.append(streamId, 0, [newEvent('A', { amount: 1 })], options);
    await expect(pool.query(`UPDATE events SET data = '{"amount": 2}' WHERE stream_id = $1`, [streamId])).rejects.toThrow(
      /append-only/,
    );
    await expect(pool.query('DELETE FROM events WHERE stream_id = $1', [streamId])).rejects.toThrow(/append-only/);
    await expect(pool.query('TRUNCATE events CASCADE')).rejects.toThrow(/append-only/);
    expect((await store.readStream(streamId))[0]!.data).toEqual({ amount: 1 });
  });

  it('rolls the append back when the work inside its transaction fails', async () => {
    const streamId = randomUUID();
    await expect(
      store.append(streamId, 0, [newEvent('A')], {
        ...options,
        withinTransaction: async () => {
          throw new Error('reservation failed');
        },
      }),
    ).rejects.toThrow('reservation failed');
    expect(await store.streamVersion(streamId)).toBeUndefined();
    expect(await store.readStream(streamId)).toEqual([]);
  });

  describe('global feed', () => {
    it('reads nothing above the oldest open transaction, then everything once it commits', async () => {
      const start = await readWholeFeed();
      const cursorBefore: FeedCursor = start.length
        ? { transactionId: start.at(-1)!.transactionId, position: start.at(-1)!.position }
        : FEED_START;

      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inserted!: () => void;
      const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
      const slowStream = randomUUID();
      const slow = store.append(slowStream, 0, [newEvent('Slow')], {
        ...options,
        withinTransaction: async () => {
          inserted();
          await held;
        },
      });
      await insertedSignal;

      // A later transaction takes a higher position and commits first.
      const fastStream = randomUUID();
      const fast = await store.append(fastStream, 0, [newEvent('Fast')], options);
      const slowEvent = (async () => (await slow).events[0]!)();

      const whileOpen = await readWholeFeed(cursorBefore);
      expect(whileOpen.map((e) => e.streamId)).not.toContain(fastStream);
      expect(whileOpen.map((e) => e.streamId)).not.toContain(slowStream);

      release();
      await slow;
      // The horizon is cluster-wide: a transaction still open in another database (another spec) can
      // hold it back for a moment, so wait for it rather than read once.
      const afterCommit = await eventually(
        async () => {
          const feed = (await readWholeFeed(cursorBefore)).filter((e) => e.streamId === slowStream || e.streamId === fastStream);
          return feed.length === 2 ? feed : undefined;
        },
        10_000,
        'both events in the feed',
      );
      expect(afterCommit.map((e) => e.streamId)).toEqual([slowStream, fastStream]);
      expect((await slowEvent).position).toBeLessThan(fast.events[0]!.position);
    });

    it('never skips or repeats an event while a reader follows many slow concurrent writers', async () => {
      const start = await readWholeFeed();
      let cursor: FeedCursor = start.length
        ? { transactionId: start.at(-1)!.transactionId, position: start.at(-1)!.position }
        : FEED_START;
      const seen: StoredEvent[] = [];
      const streams: string[] = Array.from({ length: 30 }, () => randomUUID());
      const expected = streams.length * 5;
      let deadline = Number.POSITIVE_INFINITY;
      const reader = (async () => {
        // Follows the feed until it has seen every event of these streams (or gives up 15 s after the
        // writers finish); it reads whatever else the feed holds too, and must not see anything twice.
        while (seen.filter((e) => streams.includes(e.streamId)).length < expected && Date.now() < deadline) {
          const page = await store.readAll(cursor, 50);
          for (const event of page) seen.push(event);
          if (page.length) cursor = { transactionId: page.at(-1)!.transactionId, position: page.at(-1)!.position };
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      })();

      const appended: StoredEvent[] = [];
      await Promise.all(
        streams.map(async (streamId) => {
          for (let version = 0; version < 5; version++) {
            const result = await store.append(streamId, version, [newEvent('Step', { version })], {
              ...options,
              // Random stalls inside the transaction make positions commit out of order.
              withinTransaction: () => new Promise((resolve) => setTimeout(resolve, Math.random() * 15)),
            });
            appended.push(...result.events);
          }
        }),
      );
      deadline = Date.now() + 15_000;
      await reader;

      const mine = seen.filter((e) => streams.includes(e.streamId));
      expect(mine).toHaveLength(appended.length);
      expect(new Set(mine.map((e) => e.position)).size).toBe(appended.length);
      expect(new Set(mine.map((e) => e.position))).toEqual(new Set(appended.map((e) => e.position)));
      for (const streamId of streams) {
        expect(mine.filter((e) => e.streamId === streamId).map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
      }
    });

    it('orders transactions by number, not as text, when their ids cross a power of ten', async () => {
      // A long-lived server's transaction ids pass 999 -> 1000, 9999 -> 10000, ...; as text "1000" sorts
      // before "999", and a feed ordered so skipped and repeated events page after page. Events written
      // in transactions with such ids, as if the log had been written across those boundaries:
      const streamId = randomUUID();
      for (let version = 0; version < 6; version++) await store.append(streamId, version, [newEvent('Step', { version })], options);
      await pool.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
      try {
        await pool.query(
          `UPDATE events SET transaction_id = (ARRAY[9, 10, 99, 100, 999, 1000])[stream_version]::text::xid8 WHERE stream_id = $1`,
          [streamId],
        );
      } finally {
        await pool.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
      }

      const expected = await pool.query<{ position: string }>(
        `SELECT position FROM events WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY transaction_id::text::numeric, position`,
      );
      const read: number[] = [];
      let cursor = FEED_START;
      for (;;) {
        const page = await store.readAll(cursor, 2);
        if (page.length === 0) break;
        read.push(...page.map((e) => e.position));
        cursor = { transactionId: page.at(-1)!.transactionId, position: page.at(-1)!.position };
      }
      expect(read.slice(0, 6)).toEqual(
        (await store.readStream(streamId)).map((e) => e.position),
      );
      expect(read).toEqual(expected.rows.map((row) => Number(row.position)));
    });
  });
});
