import { Migration } from '@mikro-orm/migrations';

/**
 * Snapshots keep their state as the text the store wrote (`json`, its input as it is), not as `jsonb`,
 * which PostgreSQL parsed on every write and wrote back out as text on every read: a snapshot is only
 * ever written whole and read whole, never queried inside. Reading a 1,000-event project's snapshot
 * (142 kB) took 2.8-3.1 ms as jsonb and 1.6-1.8 as json, most of a state-as-of query; a 10,000-event
 * project's is ten times larger. The table is rewritten (ALTER ... TYPE); it is a cache, so a long
 * rewrite could as well be replaced by emptying it (loads fold from further back until it refills).
 */
export class SnapshotsAsWritten extends Migration {
  override name = 'migration-2026-12-03-snapshots-as-written';

  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE project_snapshots ALTER COLUMN state TYPE json USING state::json`);
  }

  override async down(): Promise<void> {
    this.addSql(`ALTER TABLE project_snapshots ALTER COLUMN state TYPE jsonb USING state::jsonb`);
  }
}
