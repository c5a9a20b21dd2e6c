import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { openStoreDatabase } from '../../../../test/support/store-database.js';
import type { PostgresEventStore } from '../postgres-event-store.js';
import { newEvent } from '../testing/project-streams.js';
import { AuditCheckpoints } from './audit-checkpoints.js';
import { PostgresAuditReader } from './postgres-audit-reader.js';

let pool: pg.Pool;
let store: PostgresEventStore;
openStoreDatabase('audit_checkpoints', 4, (opened) => ({ pool, store } = opened));

const options = { streamType: 'project' };

async function appendSteps(streamId: string, from: number, count: number): Promise<void> {
  for (let version = from; version < from + count; version++) await store.append(streamId, version, [newEvent('Step', { version })], options);
}

async function eventCount(): Promise<number> {
  return Number((await pool.query<{ count: string }>('SELECT count(*) FROM events')).rows[0]!.count);
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
});
