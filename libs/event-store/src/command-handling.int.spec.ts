import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PROJECT_EVENT_SCHEMA_VERSIONS, type ProjectCommand, type ProjectEventType, type ProjectState } from '@app/domain';
import { openStoreDatabase } from '../../../test/support/store-database.js';
import { asSuperuser } from '../../../test/support/tamper.js';
import { StreamEventsMissing, StreamVersionGap, TooManyWaitingCommands } from './event-store.errors.js';
import { ExpectedVersionMismatch } from './command-handling.js';
import { PostgresEventStore } from './postgres-event-store.js';
import { createProjectCommandHandler } from './projects/project-command-handling.js';
import { metadata, startedProject as project } from './testing/project-streams.js';

let pool: pg.Pool;
let store: PostgresEventStore;
openStoreDatabase('command_handling', 10, (opened) => ({ pool, store } = opened));

/** Counts the store's stream reads until restored. */
function countStreamReads(): { count: number; restore(): void } {
  const original = store.readStream.bind(store);
  const reads = {
    count: 0,
    restore: () => {
      store.readStream = original;
    },
  };
  store.readStream = (...args) => {
    reads.count++;
    return original(...args);
  };
  return reads;
}

const measure = (indicatorId: string, measurementId: string, value = 1): ProjectCommand => ({
  type: 'RecordMeasurement',
  data: { indicatorId, measurementId, value, date: '2020-03-01' },
});

const indicatorJ: ProjectCommand = {
  type: 'DefineIndicator',
  data: { indicatorId: 'j', title: 'Wells', unit: 'wells', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 3 } },
};

describe('the command handler', () => {
  it('decides on its cached state without reading the stream, and on the store when another process appended', async () => {
    const mine = createProjectCommandHandler(store);
    const theirs = createProjectCommandHandler(store);
    const id = await project(mine, 1);
    const reads = countStreamReads();
    try {
      await mine.handle(id, measure('i', 'y', 1), { metadata: metadata() });
      expect(reads.count).toBe(0);
      // Another process moves the stream on and defines an indicator this handler has not seen: deciding
      // on the cached state refuses the measurement, and the store is asked before that refusal stands.
      await theirs.handle(id, indicatorJ, { metadata: metadata() });
      const recorded = await mine.handle(id, measure('j', 'z', 2), { metadata: metadata() });
      expect(recorded.version).toBe(8);
      // A stale cached state that the command fits fails its append as a conflict, and is decided again on the store's.
      await theirs.handle(id, measure('i', 'w', 3), { metadata: metadata() });
      const again = await mine.handle(id, measure('i', 'v', 4), { metadata: metadata() });
      expect(again.version).toBe(10);
      // A refusal the store confirms stands; a stale If-Match is told the stream's real version.
      await expect(mine.handle(id, measure('k', 'u', 5), { metadata: metadata() })).rejects.toMatchObject({ code: 'INDICATOR.NOT_FOUND' });
      await theirs.handle(id, measure('i', 't', 6), { metadata: metadata() });
      await expect(mine.handle(id, measure('i', 's', 7), { metadata: metadata(), expectedVersions: [11] })).resolves.toMatchObject({ version: 12 });
      await expect(mine.handle(id, measure('i', 'r', 8), { metadata: metadata(), expectedVersions: [11] })).rejects.toMatchObject({ actualVersion: 12 });
    } finally {
      reads.restore();
    }
    const folded = await createProjectCommandHandler(store, { cachedStreams: 0 }).load(id);
    expect(folded.state.status === 'implementation' && Object.values(folded.state.indicators).flatMap((i) => i.measurements.map((m) => m.measurementId))).toEqual(['m-0', 'y', 'w', 'v', 't', 's', 'z']);
  });

  it('never serves a stale cached state when another process appended', async () => {
    const mine = createProjectCommandHandler(store);
    const theirs = createProjectCommandHandler(store);
    const id = await project(mine, 1);
    await theirs.handle(id, measure('i', 'x', 7), { metadata: metadata() });
    const loaded = await mine.load(id);
    expect(loaded.version).toBe(6);
    expect(loaded.state.status === 'implementation' && loaded.state.indicators['i']!.measurements.map((m) => m.measurementId)).toEqual(['m-0', 'x']);
  });

  it('keeps the states of as many streams as cachedStreams, forgetting the one it remembered longest ago', async () => {
    const handler = createProjectCommandHandler(store, { cachedStreams: 2 });
    const a = await project(handler, 1);
    const b = await project(handler, 1);
    // A command on a moves its state on in place: b is now the stream remembered longest ago, and c takes its place.
    await handler.handle(a, measure('i', 'a-2'), { metadata: metadata() });
    const c = await project(handler, 1);
    await expect(handler.load(a)).resolves.toMatchObject({ version: 6, fromSnapshot: 6, folded: 0 });
    await expect(handler.load(c)).resolves.toMatchObject({ version: 5, fromSnapshot: 5, folded: 0 });
    await expect(handler.load(b)).resolves.toMatchObject({ version: 5, fromSnapshot: 0, folded: 5 });
  });

  it('forgets a cached state the store was set back past (a restore, a failover), for reads and for commands', async () => {
    const mine = createProjectCommandHandler(store);
    const id = await project(mine, 1);
    await mine.handle(id, measure('i', 'lost', 7), { metadata: metadata() });
    // Restored to a backup taken at version 5: event 6 and the stream's head with it are gone.
    const setBackTo5 = () =>
      asSuperuser(
        pool,
        `WITH gone AS (DELETE FROM events WHERE stream_id = $1 AND stream_version > 5)
         UPDATE event_streams SET version = 5, head_hash = (SELECT hash FROM events WHERE stream_id = $1 AND stream_version = 5) WHERE stream_id = $1`,
        [id],
      );
    await setBackTo5();
    const measured = async (loaded: Promise<{ state: ProjectState; version: number }>) => {
      const { state, version } = await loaded;
      return { version, measurements: state.status === 'implementation' ? state.indicators['i']!.measurements.map((m) => m.measurementId) : [] };
    };
    expect(await measured(mine.load(id))).toEqual({ version: 5, measurements: ['m-0'] });
    // A command decided on the cache meets the stream below its version, and is decided again on the store's.
    await mine.handle(id, measure('i', 'lost again', 8), { metadata: metadata() });
    await setBackTo5();
    await expect(mine.handle(id, measure('i', 'kept', 9), { metadata: metadata() })).resolves.toMatchObject({ version: 6 });
    expect(await measured(mine.load(id))).toEqual({ version: 6, measurements: ['m-0', 'kept'] });
    // Set back, then moved on by another process to the same version with another event: the cached head
    // hash is not the stream's, which is not tampering but a history this process alone remembers.
    await mine.handle(id, measure('i', 'lost once more', 10), { metadata: metadata() });
    await asSuperuser(
      pool,
      `WITH gone AS (DELETE FROM events WHERE stream_id = $1 AND stream_version > 6)
       UPDATE event_streams SET version = 6, head_hash = (SELECT hash FROM events WHERE stream_id = $1 AND stream_version = 6) WHERE stream_id = $1`,
      [id],
    );
    await createProjectCommandHandler(store).handle(id, measure('i', 'theirs', 11), { metadata: metadata() });
    await expect(mine.handle(id, measure('i', 'mine', 12), { metadata: metadata() })).resolves.toMatchObject({ version: 8 });
    expect(await measured(mine.load(id))).toEqual({ version: 8, measurements: ['m-0', 'kept', 'theirs', 'mine'] });
    expect(await measured(createProjectCommandHandler(store).load(id))).toEqual({ version: 8, measurements: ['m-0', 'kept', 'theirs', 'mine'] });
  });

  it('dates the occurrence of a fact dated today only east of UTC at its recording, never after it', async () => {
    // 12:00 UTC on 2026-12-03 is 02:00 on 2026-12-04 in UTC+14: a measurement may be dated 2026-12-04.
    const handler = createProjectCommandHandler(store, { clock: () => new Date('2026-12-03T12:00:00Z') });
    const id = await project(handler, 0);
    const recordedAs = metadata();
    await handler.handle(id, { type: 'RecordMeasurement', data: { indicatorId: 'i', measurementId: 'east', value: 1, date: '2026-12-04' } }, { metadata: recordedAs });
    await handler.handle(id, { type: 'RecordMeasurement', data: { indicatorId: 'i', measurementId: 'past', value: 2, date: '2026-12-02' } }, { metadata: metadata() });
    const [east, past] = (await store.readStream(id)).slice(-2);
    expect(east!.metadata.occurredAt).toBe(recordedAs.occurredAt);
    expect(past!.metadata.occurredAt).toBe('2026-12-02T00:00:00.000Z');
    await expect(
      handler.handle(id, { type: 'RecordMeasurement', data: { indicatorId: 'i', measurementId: 'ahead', value: 3, date: '2026-12-05' } }, { metadata: metadata() }),
    ).rejects.toMatchObject({ code: 'PROJECT.DATE_IN_FUTURE' });
  });

  it('refuses a command on a stream whose last event was removed by hand, rather than retry it as a race', async () => {
    const id = await project(createProjectCommandHandler(store), 1);
    await asSuperuser(pool, 'DELETE FROM events WHERE stream_id = $1 AND stream_version = 5', [id]);
    const fresh = createProjectCommandHandler(store);
    await expect(fresh.handle(id, measure('i', 'x', 7), { metadata: metadata() })).rejects.toThrow(
      new StreamEventsMissing(id, 5, 4),
    );
    expect((await store.readStream(id)).map((event) => event.version)).toEqual([1, 2, 3, 4]);
  });

  it('refuses to fold over an event removed by hand from the middle of a stream, for commands and reads', async () => {
    const id = await project(createProjectCommandHandler(store), 1);
    await asSuperuser(pool, 'DELETE FROM events WHERE stream_id = $1 AND stream_version = 3', [id]);
    // A handler that never saw the stream: head and last event still agree, only version 3 is gone.
    const fresh = createProjectCommandHandler(store);
    await expect(fresh.handle(id, measure('i', 'x', 7), { metadata: metadata() })).rejects.toThrow(new StreamVersionGap(id, 3));
    await expect(fresh.load(id, 4)).rejects.toThrow(new StreamVersionGap(id, 3));
    expect((await store.readStream(id)).map((event) => event.version)).toEqual([1, 2, 4, 5]);
  });

  it('refuses a command with If-Match on a stream that is not there as the decider does (not found), not as a version mismatch', async () => {
    const handler = createProjectCommandHandler(store);
    await expect(handler.handle(randomUUID(), measure('i', 'x'), { metadata: metadata(), expectedVersions: [3] })).rejects.toMatchObject({ code: 'PROJECT.NOT_FOUND' });
    // A command that would create the stream still needs the version it names.
    const projectId = randomUUID();
    const propose: ProjectCommand = {
      type: 'ProposeProject',
      data: { projectId, code: `N-${projectId.slice(0, 8)}`, title: 'T', description: 'D', country: 'LA', location: {}, sector: '43040', participatingOrganisations: [{ name: 'O', role: 1 }] },
    };
    await expect(handler.handle(projectId, propose, { metadata: metadata(), expectedVersions: [3] })).rejects.toThrow(ExpectedVersionMismatch);
    expect(await store.readStream(projectId)).toEqual([]);
  });

  it('writes each event with the schema version of its type', async () => {
    const handler = createProjectCommandHandler(store);
    const id = await project(handler, 1);
    const stored = await store.readStream(id);
    const versions = new Map(stored.map((event) => [event.type, event.schemaVersion]));
    expect(versions.get('ProjectProposed')).toBe(1);
    expect(versions.get('MeasurementRecorded')).toBe(3);
    for (const event of stored) expect(event.schemaVersion).toBe(PROJECT_EVENT_SCHEMA_VERSIONS[event.type as ProjectEventType]);
  });

  it('runs the commands of one stream one at a time, each on the state the one before it appended', async () => {
    const handler = createProjectCommandHandler(store);
    const id = await project(handler, 0);
    const reads = countStreamReads();
    let results: Awaited<ReturnType<typeof handler.handle>>[];
    try {
      results = await Promise.all(Array.from({ length: 30 }, (_, n) => handler.handle(id, measure('i', `c-${n}`, n), { metadata: metadata() })));
    } finally {
      reads.restore();
    }
    // In the order they came, without a conflict (a conflict would have read the stream again).
    expect(results.map((result) => result.version)).toEqual(Array.from({ length: 30 }, (_, n) => 5 + n));
    expect(reads.count).toBe(0);
  });

  it('refuses a command at once when as many as it allows already wait for their turn', async () => {
    const handler = createProjectCommandHandler(store, { maxWaiting: 3 });
    const [a, b] = [await project(handler, 0), await project(handler, 0)];
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 3 }, (_, n) => handler.handle(a, measure('i', `a-${n}`), { metadata: metadata() })),
      ...Array.from({ length: 3 }, (_, n) => handler.handle(b, measure('i', `b-${n}`), { metadata: metadata() })),
    ]);
    // a-0 and b-0 run; a-1, a-2 and b-1 wait; b-2 is one too many.
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect((outcomes[5] as PromiseRejectedResult).reason).toBeInstanceOf(TooManyWaitingCommands);
    // Once they are done, the line is free again.
    await expect(handler.handle(b, measure('i', 'b-3'), { metadata: metadata() })).resolves.toMatchObject({ version: 7 });
  });
});
