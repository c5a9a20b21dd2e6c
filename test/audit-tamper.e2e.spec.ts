import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { hashEvent } from '@app/event-store';
import { auth } from './support/api-helpers.js';
import { bansuoProposal } from './support/bansuo.js';
import { type RunningSystem, startSystem } from './support/running-system.js';
import { asSuperuser } from './support/tamper.js';
import { eventually } from './support/test-environment.js';

let system: RunningSystem;
let db: pg.Pool;
let admin: string;


/** A project of `steps` + 1 events. */
async function project(steps: number): Promise<string> {
  const id = (await system.http.post('/projects').set(auth(admin)).send(bansuoProposal()).expect(201)).body.id as string;
  for (let n = 0; n < steps; n++) {
    await system.http.post(`/projects/${id}/components`).set(auth(admin)).send({ name: `Component ${n}`, kind: 'industry' }).expect(201);
  }
  return id;
}

/**
 * The latest checkpoint once it covers the project's last event. Tampering only after that keeps the
 * publisher from meeting a changed event: it refuses to seal one, and would log that at every run.
 */
// Each spec waits for checkpoints (see checkpointed) besides its own requests.
jest.setTimeout(60_000);

async function checkpointed(id: string) {
  const last = Number((await db.query('SELECT max(position) AS p FROM events WHERE stream_id = $1', [id])).rows[0].p);
  return eventually(
    async () => {
      const latest = (await system.http.get('/audit/checkpoints').set(auth(admin)).expect(200)).body.latest;
      return latest && latest.upTo.position >= last ? latest : undefined;
    },
    // A checkpoint covers what the feed shows, which waits for every older transaction on the server to
    // end: specs running alongside on a busy machine can hold that back for several seconds.
    20_000,
    `a checkpoint covering project ${id}`,
  );
}

async function position(id: string, version: number): Promise<number> {
  const result = await db.query('SELECT position FROM events WHERE stream_id = $1 AND stream_version = $2', [id, version]);
  return Number(result.rows[0].position);
}

beforeAll(async () => {
  // Checkpoints every 200 ms, so the spec can hold one without waiting a minute.
  process.env.AUDIT_CHECKPOINT_INTERVAL_MS = '200';
  system = await startSystem('audit_tamper_e2e');
  db = new pg.Pool({ connectionString: system.env.config.databaseUrl });
  db.on('error', () => undefined);
  admin = system.adminKey;
});

afterAll(async () => {
  await db?.end();
  await system?.stop();
});

describe('tamper evidence', () => {
  it('proves with a held checkpoint hash that history was rewritten, even with every stream hash recomputed', async () => {
    const id = await project(3);
    const held = await checkpointed(id);
    expect(held).toMatchObject({ id: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/), totalEvents: expect.any(Number) });
    const before = await system.http.get(`/audit/checkpoints/${held.id}/verify?hash=${held.hash}`).set(auth(admin)).expect(200);
    expect(before.body).toMatchObject({ valid: true, checkpoints: held.id });

    // A careful forger: changes version 2, then recomputes its hash and every later one, and the head.
    const rows = (await db.query('SELECT * FROM events WHERE stream_id = $1 ORDER BY stream_version', [id])).rows;
    let previousHash = rows[0].hash as string;
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
      for (const row of rows.slice(1)) {
        const data = row.stream_version === 2 ? { ...row.data, name: 'A component that never was' } : row.data;
        const hash = hashEvent({
          streamId: id,
          version: row.stream_version,
          eventId: row.metadata.eventId,
          type: row.type,
          schemaVersion: row.schema_version,
          data,
          metadata: row.metadata,
          occurredAt: row.metadata.occurredAt,
          recordedAt: row.metadata.recordedAt,
          previousHash,
        });
        await client.query('UPDATE events SET data = $1, previous_hash = $2, hash = $3 WHERE position = $4', [
          JSON.stringify(data),
          previousHash,
          hash,
          row.position,
        ]);
        previousHash = hash;
      }
      await client.query('UPDATE event_streams SET head_hash = $1 WHERE stream_id = $2', [previousHash, id]);
      await client.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
      await client.query('COMMIT');
    } finally {
      client.release();
    }

    // The stream alone cannot tell: its chain is consistent again.
    expect((await system.http.get(`/projects/${id}/audit`).set(auth(admin)).expect(200)).body).toMatchObject({ valid: true });
    // The checkpoint the auditor kept can.
    const after = await system.http.get(`/audit/checkpoints/${held.id}/verify?hash=${held.hash}`).set(auth(admin)).expect(200);
    expect(after.body).toMatchObject({
      valid: false,
      brokenAt: { checkpointId: expect.any(Number), computedHash: expect.not.stringMatching(held.hash) },
      reason: expect.stringContaining('no longer hash'),
    });
    expect(after.body.brokenAt.checkpointId).toBeLessThanOrEqual(held.id);
    // It names the span of the feed the broken checkpoint covers, and the rewritten event is in it.
    const [, spanAfter, spanUpTo] = /in the feed after position (\d+), up to position (\d+)/.exec(after.body.reason)!.map(Number);
    const changed = Number(rows[1].position);
    expect(spanAfter! < changed && changed <= spanUpTo!).toBe(true);
    // The held hash in capitals is the same hash.
    const upper = await system.http.get(`/audit/checkpoints/${held.id}/verify?hash=${held.hash.toUpperCase()}`).set(auth(admin)).expect(200);
    expect(upper.body).toEqual(after.body);
    // An id nobody published, without a hash held for it, is not there (a typo); with one, it was published and is gone.
    expect((await system.http.get('/audit/checkpoints/999999/verify').set(auth(admin)).expect(404)).body.code).toBe('CHECKPOINT.NOT_FOUND');
    const gone = await system.http.get(`/audit/checkpoints/999999/verify?hash=${held.hash}`).set(auth(admin)).expect(200);
    expect(gone.body).toMatchObject({ valid: false, reason: expect.stringContaining('not in the log') });
    await system.http.get('/audit/checkpoints/abc/verify').set(auth(admin)).expect(400);
  });

  it('names the version of a row changed directly in PostgreSQL', async () => {
    const id = await project(5);
    await checkpointed(id);
    const intact = await system.http.get(`/projects/${id}/audit`).set(auth(admin)).expect(200);
    expect(intact.body).toEqual({
      projectId: id,
      valid: true,
      events: 6,
      head: { version: 6, position: await position(id, 6), hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });

    await asSuperuser(
      db,
      `UPDATE events SET data = jsonb_set(data::jsonb, '{name}', '"Renamed later"')::json WHERE stream_id = $1 AND stream_version = 4`,
      [id],
    );
    const broken = await system.http.get(`/projects/${id}/audit`).set(auth(admin)).expect(200);
    expect(broken.body).toEqual({
      projectId: id,
      valid: false,
      events: 3,
      brokenAt: { version: 4, position: await position(id, 4), eventId: expect.any(String) },
      code: 'HASH_MISMATCH',
      reason: expect.stringContaining('Version 4'),
    });
  });

  it('catches a removed event, a rewritten timestamp column and a cut tail', async () => {
    const gap = await project(4);
    const moved = await project(2);
    const cut = await project(3);
    await checkpointed(cut);
    // Its view holds every event before one is removed: the rebuild below is then the only thing that could change it.
    await system.http.get(`/projects/${gap}?minVersion=5`).set(auth(admin)).expect(200);
    await asSuperuser(db, 'DELETE FROM events WHERE stream_id = $1 AND stream_version = 3', [gap]);
    expect((await system.http.get(`/projects/${gap}/audit`).set(auth(admin)).expect(200)).body).toMatchObject({
      valid: false,
      brokenAt: { version: 4 },
      code: 'VERSION_GAP',
    });
    // Read below the version this API holds in memory, the state is folded from the store: not over the gap.
    const overGap = await system.http.get(`/projects/${gap}/state?version=4`).set(auth(admin));
    expect({ status: overGap.status, code: overGap.body.code, detail: overGap.body.detail }).toEqual({
      status: 500,
      code: 'PROJECT.HISTORY_UNREADABLE',
      detail: `The stored history of project ${gap} cannot be replayed at version 3: the event is missing, though later ones are there; GET /projects/${gap}/audit tells whether it was altered.`,
    });
    // A diff across the gap folds its later end from the earlier one: not over the gap either.
    const diffOverGap = await system.http.get(`/projects/${gap}/diff?from=1&to=4`).set(auth(admin));
    expect({ status: diffOverGap.status, code: diffOverGap.body.code, detail: diffOverGap.body.detail }).toEqual({
      status: 500,
      code: 'PROJECT.HISTORY_UNREADABLE',
      detail: `The stored history of project ${gap} cannot be replayed at version 3: the event is missing, though later ones are there; GET /projects/${gap}/audit tells whether it was altered.`,
    });
    // Nor is its view rebuilt over the gap: the rebuild names it and keeps its views as they were, and
    // rebuilds the other projects all the same (it answered 500 and rebuilt none): a view changed by hand is put right.
    const before = (await system.http.get(`/projects/${gap}`).set(auth(admin)).expect(200)).body;
    const drifted = await project(1);
    await system.http.get(`/projects/${drifted}?minVersion=2`).set(auth(admin)).expect(200);
    await db.query(`UPDATE project_views SET title = 'Changed by hand' WHERE id = $1`, [drifted]);
    const rebuild = (await system.http.post('/admin/projections/rebuild').set(auth(admin)).expect(200)).body;
    expect(rebuild.unreadable.filter((u: { projectId: string }) => [gap, moved, cut, drifted].includes(u.projectId))).toEqual([
      { projectId: gap, version: 3, reason: `Stream ${gap} has no event at version 3, though it holds later ones.` },
    ]);
    expect((await system.http.get(`/projects/${gap}`).set(auth(admin)).expect(200)).body).toEqual(before);
    expect((await system.http.get(`/projects/${drifted}`).set(auth(admin)).expect(200)).body).toMatchObject({ title: bansuoProposal().title, version: 2 });

    await asSuperuser(db, `UPDATE events SET recorded_at = recorded_at - interval '1 day' WHERE stream_id = $1 AND stream_version = 2`, [moved]);
    expect((await system.http.get(`/projects/${moved}/audit`).set(auth(admin)).expect(200)).body).toMatchObject({
      valid: false,
      brokenAt: { version: 2 },
      code: 'COLUMN_MISMATCH',
    });

    await asSuperuser(db, 'DELETE FROM events WHERE stream_id = $1 AND stream_version = 4', [cut]);
    const lastLeft = (await db.query('SELECT position::int AS position, event_id FROM events WHERE stream_id = $1 AND stream_version = 3', [cut])).rows[0];
    const cutAudit = (await system.http.get(`/projects/${cut}/audit`).set(auth(admin)).expect(200)).body;
    // Located at the last event left, every number of which is real; the reason says what the head names.
    expect(cutAudit).toMatchObject({
      valid: false,
      brokenAt: { version: 3, position: lastLeft.position, eventId: lastLeft.event_id },
      code: 'HEAD_MISMATCH',
    });
    expect(cutAudit.reason).toMatch(/^Version 3 \(position \d+\): the stream's head names version 4 .* but its events end at version 3\.$/);
    // Its state at the head's version is not "no version 4; it is at version 4", but a history to audit.
    const state = await system.http.get(`/projects/${cut}/state`).set(auth(admin));
    expect({ status: state.status, code: state.body.code, detail: state.body.detail }).toEqual({
      status: 500,
      code: 'PROJECT.HISTORY_UNREADABLE',
      detail: `The stored history of project ${cut} cannot be replayed at version 4: its head counts the event, which is missing; GET /projects/${cut}/audit tells whether it was altered.`,
    });
    // Nor is its diff to the head's version one that ends at version 3.
    const cutDiff = await system.http.get(`/projects/${cut}/diff?from=2`).set(auth(admin));
    expect({ status: cutDiff.status, code: cutDiff.body.code, detail: cutDiff.body.detail }).toEqual({
      status: 500,
      code: 'PROJECT.HISTORY_UNREADABLE',
      detail: `The stored history of project ${cut} cannot be replayed at version 4: its head counts the event, which is missing; GET /projects/${cut}/audit tells whether it was altered.`,
    });
  });

  it('answers reads of a history that cannot be replayed with what is wrong and where to look, not a bare 500', async () => {
    const renamed = await project(3);
    const emptied = await project(2);
    const stripped = await project(2);
    const headless = await project(2);
    await checkpointed(headless);
    await asSuperuser(db, `UPDATE events SET type = 'ProjectExploded' WHERE stream_id = $1 AND stream_version = 3`, [renamed]);
    await asSuperuser(db, `UPDATE events SET data = 'null' WHERE stream_id = $1 AND stream_version = 2`, [emptied]);
    // Its data left with nothing but the project's id: no component id, name or kind.
    await asSuperuser(db, `UPDATE events SET data = jsonb_build_object('projectId', stream_id) WHERE stream_id = $1 AND stream_version = 2`, [stripped]);
    await asSuperuser(db, 'DELETE FROM events WHERE stream_id = $1 AND stream_version = 1', [headless]);
    const unreadable = async (path: string, where: string) => {
      const answer = await system.http.get(path).set(auth(admin));
      expect({ path, status: answer.status, body: answer.body }).toMatchObject({
        status: 500,
        body: {
          code: 'PROJECT.HISTORY_UNREADABLE',
          detail: expect.stringContaining(`cannot be replayed ${where}; GET /projects/`),
        },
      });
    };
    // At a version below the one this API holds in memory, so that the state is replayed from the store.
    await unreadable(`/projects/${renamed}/state?version=3`, 'at version 3 (ProjectExploded)');
    await unreadable(`/projects/${renamed}/iati?version=3`, 'at version 3 (ProjectExploded)');
    await unreadable(`/projects/${emptied}/state?version=2`, 'at version 2 (ComponentAdded)');
    // It answered 200 with a component keyed "undefined".
    await unreadable(`/projects/${stripped}/state?version=2`, 'at version 2 (ComponentAdded)');
    await unreadable(`/projects/${stripped}/iati?version=2`, 'at version 2 (ComponentAdded)');
    // A diff folds the events between its ends, each checked as a state's fold checks it.
    await unreadable(`/projects/${renamed}/diff?from=1&to=3`, 'at version 3 (ProjectExploded)');
    await unreadable(`/projects/${stripped}/diff?from=1&to=2`, 'at version 2 (ComponentAdded)');
    await unreadable(`/projects/${stripped}/diff?basis=occurred`, 'at version 2 (ComponentAdded)');
    // Without its first event, the project is not there to replay at all: its head counts one that is missing.
    await unreadable(`/projects/${headless}/iati?version=3`, 'at version 1: its head counts the event, which is missing');
    await unreadable(`/projects/${headless}/state?version=1`, 'at version 1: its head counts the event, which is missing');
    // A country's export leaves out the projects of this file whose history cannot be replayed, named, and
    // publishes the others (it answered 500 for the whole country). One without its proposal is not found.
    const country = await system.http.get('/iati?country=LA&limit=500').set(auth(admin)).expect(200);
    const skipped = String(country.headers['x-iati-skipped']).split(',');
    expect(skipped.length).toBeGreaterThan(0);
    expect(country.text.match(/its stored history cannot be replayed \(GET \/projects\/[0-9a-f-]{36}\/audit/g)).toHaveLength(skipped.length);
    expect(country.text).toContain('<iati-activity ');
    // A drift check names each, where it stops and why, and compares none of them.
    const verified = (await system.http.post('/admin/projections/verify').set(auth(admin)).expect(200)).body;
    const ours = [renamed, emptied, stripped, headless];
    const named = verified.unreadable.filter((u: { projectId: string }) => ours.includes(u.projectId));
    expect(named).toHaveLength(ours.length);
    expect(named).toEqual(expect.arrayContaining([
      { projectId: headless, version: 1, reason: `Stream ${headless} has no event at version 1, though it holds later ones.` },
      { projectId: emptied, version: 2, reason: `event 2 (ComponentAdded) of stream ${emptied} cannot be replayed: its data is null, not an object` },
      { projectId: stripped, version: 2, reason: `event 2 (ComponentAdded) of stream ${stripped} cannot be replayed: its data's componentId is missing` },
      { projectId: renamed, version: 3, reason: expect.stringMatching(new RegExp(`^event 3 \\(ProjectExploded\\) of stream ${renamed} cannot be replayed: `)) },
    ]));
    expect([...verified.behind, ...verified.differing.map((d: { projectId: string }) => d.projectId)].filter((id: string) => ours.includes(id))).toEqual([]);
    // The audit says what happened to each.
    for (const id of ours) {
      expect((await system.http.get(`/projects/${id}/audit`).set(auth(admin)).expect(200)).body.valid).toBe(false);
    }
  });
});
