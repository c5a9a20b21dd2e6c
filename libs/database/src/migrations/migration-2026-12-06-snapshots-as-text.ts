import { Migration } from '@mikro-orm/migrations';
import { lz4CompressionSql } from './lz4-compression.js';

/**
 * Snapshots keep their state as plain text, compressed with lz4 where the server has it. As `json`,
 * PostgreSQL checked every snapshot's text on the way in (a parse of the whole state) and compressed it
 * with pglz: on a busy API whose projects grow, a snapshot every 100 versions of a state of thousands of
 * measurements (half a megabyte of JSON) took a share of the two cores that showed in every command's
 * latency. The store only ever writes JSON.stringify's text and reads it back whole with JSON.parse, so
 * the check bought nothing. A server built without lz4 keeps pglz.
 */
export class SnapshotsAsText extends Migration {
  override name = 'migration-2026-12-06-snapshots-as-text';

  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE project_snapshots ALTER COLUMN state TYPE text USING state::text`);
    this.addSql(lz4CompressionSql('project_snapshots', 'state'));
  }

  override async down(): Promise<void> {
    this.addSql(`ALTER TABLE project_snapshots ALTER COLUMN state SET COMPRESSION default`);
    this.addSql(`ALTER TABLE project_snapshots ALTER COLUMN state TYPE json USING state::json`);
  }
}
