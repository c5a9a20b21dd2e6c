import { Migration } from '@mikro-orm/migrations';

/**
 * Events keep their data and metadata as the text the append wrote: their canonical JSON, which is what
 * each event's hash covers. `json` stores its input as it is, where `jsonb` stored a parsed form that
 * had to be written back out as text on every read (most of PostgreSQL's work in a verification) and
 * then parsed and written canonically again by the verifier. Verification now hashes the stored text
 * itself, and parses and canonicalises only when that text does not hash to the event's hash (rows
 * written before this migration, whose text is jsonb's rendering, or a row that was changed).
 *
 * Nothing reads these columns with jsonb's operators but `->>`, which json has too. The table is
 * rewritten (ALTER ... TYPE), which row triggers do not see: the append-only guard stays as it is.
 */
export class EventsAsWritten extends Migration {
  override name = 'migration-2026-12-03-events-as-written';

  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE events ALTER COLUMN data TYPE json USING data::json, ALTER COLUMN metadata TYPE json USING metadata::json`);
  }

  override async down(): Promise<void> {
    this.addSql(`ALTER TABLE events ALTER COLUMN data TYPE jsonb USING data::jsonb, ALTER COLUMN metadata TYPE jsonb USING metadata::jsonb`);
  }
}
