import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { openStoreDatabase } from '../../../../test/support/store-database.js';
import { GENESIS_HASH, hashEvent } from '../event-hash.js';
import { FEED_START, type PostgresEventStore } from '../postgres-event-store.js';
import { newEvent } from '../testing/project-streams.js';
import { passTransactionId } from '../testing/transaction-ids.js';
import { AuditCheckpoints } from './audit-checkpoints.js';
import { CheckpointHasher } from './hash-chain-verifier.js';
import { PostgresAuditReader } from './postgres-audit-reader.js';

let pool: pg.Pool;
let store: PostgresEventStore;
openStoreDatabase('audit_checkpoints', 4, (opened) => ({ pool, store } = opened));
// Specs below write events as if in transactions 9 to 1000: every real one of this file comes after.
beforeAll(() => passTransactionId(pool, 1000));

const options = { streamType: 'project' };

async function appendSteps(streamId: string, from: number, count: number): Promise<void> {
  for (let version = from; version < from + count; version++) await store.append(streamId, version, [newEvent('Step', { version })], options);
}

async function eventCount(): Promise<number> {
  return Number((await pool.query<{ count: string }>('SELECT count(*) FROM events')).rows[0]!.count);
}

/** A careful forger: changes one event's data and recomputes its hash, every later one of its stream, and the head. */
async function rewriteEvent(streamId: string, version: number): Promise<void> {
  const rows = (await pool.query('SELECT * FROM events WHERE stream_id = $1 ORDER BY stream_version', [streamId])).rows;
  await pool.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
  try {
    let previousHash = version === 1 ? GENESIS_HASH : (rows[version - 2].hash as string);
    for (const row of rows.slice(version - 1)) {
      const data = row.stream_version === version ? { ...row.data, forged: true } : row.data;
      const hash = hashEvent({
        streamId, version: row.stream_version, eventId: row.metadata.eventId, type: row.type, schemaVersion: row.schema_version, data,
        metadata: row.metadata, occurredAt: row.metadata.occurredAt, recordedAt: row.metadata.recordedAt, previousHash,
      });
      await pool.query('UPDATE events SET data = $1, previous_hash = $2, hash = $3 WHERE position = $4', [JSON.stringify(data), previousHash, hash, row.position]);
      previousHash = hash;
    }
    await pool.query('UPDATE event_streams SET head_hash = $1 WHERE stream_id = $2', [previousHash, streamId]);
  } finally {
    await pool.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
  }
}

/** The forger again: every checkpoint of the table recomputed over the events as they now are, at its own boundary. */
async function rewriteCheckpoints(checkpoints: AuditCheckpoints, reader: PostgresAuditReader): Promise<void> {
  let previous = GENESIS_HASH;
  let cursor = FEED_START;
  await pool.query('ALTER TABLE audit_checkpoints DISABLE TRIGGER audit_checkpoints_append_only');
  try {
    for (const checkpoint of await checkpoints.list({ limit: 1000 })) {
      const hasher = new CheckpointHasher(previous);
      await reader.scanFeed(cursor, 100_000, checkpoint.upTo, (event) => hasher.add(event.hash));
      cursor = checkpoint.upTo;
      const hash = hasher.digest();
      await pool.query('UPDATE audit_checkpoints SET previous_hash = $1, hash = $2 WHERE id = $3', [previous, hash, checkpoint.id]);
      previous = hash;
    }
  } finally {
    await pool.query('ALTER TABLE audit_checkpoints ENABLE TRIGGER audit_checkpoints_append_only');
  }
}

describe('audit checkpoints', () => {
  it('cover every event exactly once when transaction ids cross a power of ten, and verify', async () => {
    // A long-lived server's transaction ids pass 999 -> 1000, 9999 -> 10000, ...: one stream written as
    // if across those boundaries, and one written now (ids in the thousands or more).
    const old = randomUUID();
    await appendSteps(old, 0, 6);
    await pool.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
    try {
      await pool.query(`UPDATE events SET transaction_id = (ARRAY[9, 10, 99, 100, 999, 1000])[stream_version]::text::xid8 WHERE stream_id = $1`, [old]);
    } finally {
      await pool.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
    }
    const recent = randomUUID();
    await appendSteps(recent, 0, 3);

    const checkpoints = new AuditCheckpoints(pool, new PostgresAuditReader(pool));
    const first = await checkpoints.publish();
    expect(first).toMatchObject({ events: 9, totalEvents: 9 });
    // The boundary is the feed's last event: the newest stream's last.
    const [lastRecent] = (await store.readStream(recent)).slice(-1);
    expect(first!.upTo.position).toBe(lastRecent!.position);

    await appendSteps(recent, 3, 2);
    const second = await checkpoints.publish();
    expect(second).toMatchObject({ events: 2, totalEvents: await eventCount() });

    expect(await checkpoints.verify({ heldHash: second!.hash, upToId: second!.id })).toMatchObject({ valid: true, checkpoints: 2, events: 11 });
  });

  it('sends the search to the whole log up to a held hash when the checkpoint table was rewritten with the events, not to the last span', async () => {
    const reader = new PostgresAuditReader(pool);
    const checkpoints = new AuditCheckpoints(pool, reader);
    const early = randomUUID();
    await appendSteps(early, 0, 3);
    const covering = (await checkpoints.publish())!;
    await appendSteps(randomUUID(), 0, 2);
    const held = (await checkpoints.publish())!;
    const changed = (await store.readStream(early))[1]!.position;
    expect(changed).toBeLessThanOrEqual(covering.upTo.position);

    await rewriteEvent(early, 2);
    await rewriteCheckpoints(checkpoints, reader);
    // The table alone holds together again; the hash held of the last checkpoint does not.
    expect(await checkpoints.verify()).toMatchObject({ valid: true });
    const verification = await checkpoints.verify({ upToId: held.id, heldHash: held.hash });
    expect(verification).toMatchObject({ valid: false, brokenAt: { checkpointId: held.id, expectedHash: held.hash }, tamperedEvent: null });
    expect(verification.valid || verification.reason).toBe(
      `The events up to checkpoint ${held.id} no longer hash to ${held.hash}, the hash held, though they hash to the one the checkpoint table now gives: ` +
        `the table was rewritten to match events changed, removed, inserted or moved anywhere in the feed up to position ${held.upTo.position}. ` +
        'A hash held of an earlier checkpoint narrows where.',
    );
    // One held of the checkpoint that covers the change narrows it down to that checkpoint.
    const narrower = await checkpoints.verify({ upToId: covering.id, heldHash: covering.hash });
    expect(narrower).toMatchObject({ valid: false, brokenAt: { checkpointId: covering.id } });
  });
});
