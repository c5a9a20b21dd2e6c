import { Migration } from '@mikro-orm/migrations';
import { lz4CompressionSql } from './lz4-compression.js';

/**
 * A snapshot keeps each long array of its state (an indicator's measurements) as parts of a fixed
 * number of items, stored once per project in `project_snapshot_parts` and named by the hash of their
 * text, and only the last, unfinished part in the snapshot itself. A snapshot held the whole state
 * before: every 100 versions of a project of thousands of measurements, half a megabyte of JSON written
 * again with the same measurements in it, which took a share of the two cores that showed in every
 * command's latency, and the table grew with the square of the project's history. Snapshots written
 * before (`parts` null) are read as they are.
 */
export class SnapshotParts extends Migration {
  override name = 'migration-2026-12-06-snapshot-parts';

  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE project_snapshot_parts (
        stream_id uuid NOT NULL REFERENCES event_streams (stream_id),
        hash text NOT NULL,
        items text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (stream_id, hash)
      )`);
    this.addSql(lz4CompressionSql('project_snapshot_parts', 'items'));
    this.addSql(`ALTER TABLE project_snapshots ADD COLUMN parts text[]`);
  }

  override async down(): Promise<void> {
    // Snapshots made of parts cannot be read without them: they are a cache, so they go.
    this.addSql(`DELETE FROM project_snapshots WHERE parts IS NOT NULL`);
    this.addSql(`ALTER TABLE project_snapshots DROP COLUMN parts`);
    this.addSql(`DROP TABLE project_snapshot_parts`);
  }
}
