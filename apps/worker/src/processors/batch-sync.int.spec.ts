import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createProjectCommandHandler, PostgresEventStore } from '@app/event-store';
import { ProjectDetailSync, type SyncOutcome } from '@app/read-models';
import { metadata } from '../../../../libs/event-store/src/testing/project-streams.js';
import { createTestEnvironment, type TestEnvironment } from '../../../../test/support/test-environment.js';
import { BatchSync } from './batch-sync.js';

let env: TestEnvironment;
let pool: pg.Pool;
let store: PostgresEventStore;

beforeAll(async () => {
  env = await createTestEnvironment('batch_sync');
  pool = new pg.Pool({ connectionString: env.config.databaseUrl });
  pool.on('error', () => undefined);
  store = new PostgresEventStore(pool);
});

afterAll(async () => {
  await pool.end();
  await env.dispose();
});

const handler = () => createProjectCommandHandler(store);

async function proposedProject(): Promise<string> {
  const projectId = randomUUID();
  await handler().handle(
    projectId,
    {
      type: 'ProposeProject',
      data: { projectId, code: `B-${projectId.slice(0, 8)}`, title: 'T', description: 'D', country: 'LA', location: {}, sector: '43040', participatingOrganisations: [{ name: 'O', role: 1 }] },
    },
    { metadata: metadata() },
  );
  return projectId;
}

const viewVersion = async (projectId: string) => (await pool.query<{ version: number }>('SELECT version FROM project_views WHERE id = $1', [projectId])).rows[0]?.version;

/** The real sync, whose first round waits, once it has written, until the spec lets it answer. */
class HeldSync extends ProjectDetailSync {
  private held = true;
  private release!: () => void;
  readonly released = new Promise<void>((resolve) => (this.release = resolve));
  /** Resolves once the first round has written. */
  readonly written: Promise<void>;
  private wrote!: () => void;

  constructor(db: pg.Pool) {
    super(db);
    this.written = new Promise<void>((resolve) => (this.wrote = resolve));
  }

  override async syncMany(streamIds: readonly string[]): Promise<SyncOutcome> {
    const outcome = await super.syncMany(streamIds);
    if (this.held) {
      this.held = false;
      this.wrote();
      await this.released;
    }
    return outcome;
  }

  letGo(): void {
    this.release();
  }
}

describe('BatchSync', () => {
  it('leaves a project another batch is syncing to that batch, which syncs it once more for what came meanwhile', async () => {
    const [shared, onlyFirst, onlySecond] = [await proposedProject(), await proposedProject(), await proposedProject()];
    const sync = new HeldSync(pool);
    const batches = new BatchSync(sync);

    const first = batches.sync([shared, onlyFirst]);
    await sync.written;
    expect(await viewVersion(shared)).toBe(1);
    // An event after the first batch read the project, announced in a second batch while the first is still running.
    await handler().handle(shared, { type: 'ApproveProject', data: { date: '2020-01-01' } }, { metadata: metadata() });
    const second = await batches.sync([shared.toUpperCase(), onlySecond]);
    expect(second).toEqual({ synced: [expect.objectContaining({ streamId: onlySecond, fromVersion: 0, toVersion: 1 })], failed: [] });
    expect(await viewVersion(shared)).toBe(1);

    sync.letGo();
    const done = await first;
    expect(done.failed).toEqual([]);
    expect(done.synced.map(({ streamId, fromVersion, toVersion }) => ({ streamId, fromVersion, toVersion })).sort((a, b) => a.streamId.localeCompare(b.streamId))).toEqual(
      [
        { streamId: shared, fromVersion: 0, toVersion: 2 },
        { streamId: onlyFirst, fromVersion: 0, toVersion: 1 },
      ].sort((a, b) => a.streamId.localeCompare(b.streamId)),
    );
    expect(await viewVersion(shared)).toBe(2);

    // Once both are done, the project is nobody's: a new batch syncs it itself.
    await handler().handle(shared, { type: 'StartProject', data: { date: '2020-01-02' } }, { metadata: metadata() });
    expect((await batches.sync([shared])).synced).toEqual([expect.objectContaining({ streamId: shared, fromVersion: 2, toVersion: 3 })]);
  });
});
