import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { openStoreDatabase } from '../../../test/support/store-database.js';
import { GENESIS_HASH, hashEvent, hashedContentOf } from './event-hash.js';
import { AppendConditionFailed, StreamHeadMismatch, StreamVersionConflict } from './event-store.errors.js';
import { type AppendCondition, type AppendResult, FEED_START, PostgresEventStore } from './postgres-event-store.js';
import { newEvent } from './testing/project-streams.js';

let pool: pg.Pool;
let store: PostgresEventStore;
openStoreDatabase('append_batches', 8, (opened) => ({ pool, store } = opened));

const options = { streamType: 'project' };

/** `count` streams, each at version 1: the heads appends to existing streams name. */
async function streamsAtVersionOne(count: number): Promise<AppendResult[]> {
  const streams: AppendResult[] = [];
  for (let n = 0; n < count; n++) streams.push(await store.append(randomUUID(), 0, [newEvent('Opened', { n })], options));
  return streams;
}

/** Appends one event to each stream at once (each naming its head, so none reads before it appends). */
function appendToEach(streams: readonly AppendResult[], change: (stream: AppendResult, n: number) => { version?: number; headHash?: string } = () => ({})) {
  return streams.map((stream, n) => {
    const { version = stream.version, headHash = stream.headHash } = change(stream, n);
    return store.append(stream.streamId, version, [newEvent('Counted', { n }), newEvent('Noted', { n })], { ...options, expectedHeadHash: headHash });
  });
}

describe('appends arriving together (group commit)', () => {
  it('share one transaction, each stream hash-chained and versioned as if it had appended alone', async () => {
    const streams = await streamsAtVersionOne(10);
    const appended = await Promise.all(appendToEach(streams));

    // The first goes at once; the nine arriving while it is on its way go together after it.
    const transactions = new Set(appended.flatMap((result) => result.events.map((event) => event.transactionId)));
    expect(transactions.size).toBe(2);
    for (const [n, result] of appended.entries()) {
      const stored = await store.readStream(streams[n]!.streamId);
      expect(stored.map((event) => [event.version, event.type])).toEqual([[1, 'Opened'], [2, 'Counted'], [3, 'Noted']]);
      expect(stored[0]!.previousHash).toBe(GENESIS_HASH);
      expect(stored[1]!.previousHash).toBe(stored[0]!.hash);
      expect(stored[2]!.previousHash).toBe(stored[1]!.hash);
      for (const event of stored) expect(hashEvent(hashedContentOf(event))).toBe(event.hash);
      // What the append answered is what was stored: positions, transaction, head.
      expect(result.events.map((event) => [event.position, event.transactionId, event.hash])).toEqual(
        stored.slice(1).map((event) => [event.position, event.transactionId, event.hash]),
      );
      expect(result.events[0]!.position).toBeLessThan(result.events[1]!.position);
      expect(result.headHash).toBe(stored[2]!.hash);
      expect(await store.streamVersion(streams[n]!.streamId)).toBe(3);
    }
    const feed = await store.readAll(FEED_START, 1_000);
    for (const result of appended) for (const event of result.events) expect(feed.map((e) => e.position)).toContain(event.position);
  });

  it('refuse a stale version or a head that is not the stream\'s only for the appends that name them', async () => {
    const streams = await streamsAtVersionOne(6);
    const outcomes = await Promise.allSettled(
      appendToEach(streams, (stream, n) => (n === 2 ? { version: 5 } : n === 4 ? { headHash: 'f'.repeat(64) } : {})),
    );

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(StreamVersionConflict);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ expectedVersion: 5, actualVersion: 1 });
    expect((outcomes[4] as PromiseRejectedResult).reason).toBeInstanceOf(StreamHeadMismatch);
    for (const [n, stream] of streams.entries()) {
      expect(await store.streamVersion(stream.streamId)).toBe(n === 2 || n === 4 ? 1 : 3);
      expect(await store.readStream(stream.streamId)).toHaveLength(n === 2 || n === 4 ? 1 : 3);
    }
  });

  it('run again one by one when PostgreSQL refuses the batch, so only the append at fault fails', async () => {
    const streams = await streamsAtVersionOne(5);
    const taken = newEvent('Taken');
    await store.append(streams[0]!.streamId, 1, [taken], options);
    const rest = streams.slice(1);
    const again = newEvent('Again');
    const events = rest.map((_, n) => (n === 2 ? { ...again, metadata: { ...again.metadata, eventId: taken.metadata.eventId } } : newEvent('Fine')));
    // The first goes alone; the other three go together, and the third of all names an event id already
    // stored, on which the batch statement fails as a whole.
    const outcomes = await Promise.allSettled(
      rest.map((stream, n) => store.append(stream.streamId, 1, [events[n]!], { ...options, expectedHeadHash: stream.headHash })),
    );

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
    // Retried alone, the two beside it each committed in a transaction of its own.
    const [second, fourth] = [outcomes[1], outcomes[3]] as PromiseFulfilledResult<AppendResult>[];
    expect(second!.value.events[0]!.transactionId).not.toBe(fourth!.value.events[0]!.transactionId);
    for (const [n, stream] of rest.entries()) {
      expect((await store.readStream(stream.streamId)).map((event) => event.type)).toEqual(n === 2 ? ['Opened'] : ['Opened', 'Fine']);
    }
  });

  it('keep appends to one stream in order: one queued behind another lands after it, a stale twin fails alone', async () => {
    const [stream] = await streamsAtVersionOne(1);
    const others = await streamsAtVersionOne(3);
    const first = store.append(stream!.streamId, 1, [newEvent('First')], { ...options, expectedHeadHash: stream!.headHash });
    const batched = appendToEach(others);
    // Known only once the first is stored, so this one is queued behind it in a later batch.
    const second = first.then((result) => store.append(stream!.streamId, 2, [newEvent('Second')], { ...options, expectedHeadHash: result.headHash }));
    // A stale twin of the first, in the same batch as the others: it must fail on its own.
    const twin = store.append(stream!.streamId, 1, [newEvent('Twin')], { ...options, expectedHeadHash: stream!.headHash });

    await expect(twin).rejects.toBeInstanceOf(StreamVersionConflict);
    await Promise.all([first, second, ...batched]);
    expect((await store.readStream(stream!.streamId)).map((event) => event.type)).toEqual(['Opened', 'First', 'Second']);
    for (const other of others) expect(await store.streamVersion(other.streamId)).toBe(3);
  });

  it('check each append\'s own condition, with its own values, and batch only appends of one condition', async () => {
    await pool.query('CREATE TABLE IF NOT EXISTS spec_keys (id uuid PRIMARY KEY, active boolean NOT NULL)');
    const [active, revoked] = [randomUUID(), randomUUID()];
    await pool.query('INSERT INTO spec_keys VALUES ($1, true), ($2, false)', [active, revoked]);
    const keyActive = (id: string): AppendCondition => ({ name: 'spec_key_active', sql: 'EXISTS (SELECT 1 FROM spec_keys WHERE id = $1::uuid AND active)', values: [id] });
    const streams = await streamsAtVersionOne(7);

    // The first goes alone; of the rest, the three with a condition go together, then the three without.
    const outcomes = await Promise.allSettled(
      streams.map((stream, n) =>
        store.append(stream.streamId, 1, [newEvent('Checked', { n })], {
          ...options,
          expectedHeadHash: stream.headHash,
          condition: n % 2 === 1 ? keyActive(n === 3 ? revoked : active) : undefined,
        }),
      ),
    );

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(AppendConditionFailed);
    expect((outcomes[3] as PromiseRejectedResult).reason).toMatchObject({ streamId: streams[3]!.streamId, condition: 'spec_key_active' });
    expect(await store.streamVersion(streams[3]!.streamId)).toBe(1);
    const transactionOf = (n: number) => (outcomes[n] as PromiseFulfilledResult<AppendResult>).value.events[0]!.transactionId;
    expect(transactionOf(1)).toBe(transactionOf(5));
    expect(transactionOf(2)).toBe(transactionOf(4));
    expect(transactionOf(2)).toBe(transactionOf(6));
    expect(transactionOf(1)).not.toBe(transactionOf(2));
  });

  it('let two processes\' batches race on the same streams: each stream moves once, the other append is a conflict', async () => {
    // Two stores, each with its own batches, stand for two API processes on one database.
    const processes = [new PostgresEventStore(pool), new PostgresEventStore(pool)];
    const streams = await streamsAtVersionOne(8);
    const [busyA, busyB] = await streamsAtVersionOne(2);
    const outcomes = await Promise.all(
      processes.map(async (process, p) => {
        // An append on a stream of its own goes first, so the eight queue behind it and go as one batch,
        // submitted in opposite orders in the two processes: the order a deadlock would need, were the
        // batch statement not to take its streams in order of id (and a deadlock would still only make
        // each batch run again append by append).
        const busy = p === 0 ? busyA! : busyB!;
        const first = process.append(busy.streamId, 1, [newEvent('Busy')], { ...options, expectedHeadHash: busy.headHash });
        const ordered = p === 0 ? streams : [...streams].reverse();
        const racing = ordered.map((stream) =>
          process.append(stream.streamId, 1, [newEvent('Raced', { process: p })], { ...options, expectedHeadHash: stream.headHash }),
        );
        await first;
        const settled = await Promise.allSettled(racing);
        return new Map(ordered.map((stream, n) => [stream.streamId, settled[n]!]));
      }),
    );

    for (const stream of streams) {
      const both = outcomes.map((byStream) => byStream.get(stream.streamId)!);
      expect(both.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      const lost = both.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toBeInstanceOf(StreamVersionConflict);
      const stored = await store.readStream(stream.streamId);
      const won = both.findIndex((outcome) => outcome.status === 'fulfilled');
      expect(stored.map((event) => [event.version, event.type, (event.data as { process?: number }).process])).toEqual([
        [1, 'Opened', undefined],
        [2, 'Raced', won],
      ]);
    }
  });
});
