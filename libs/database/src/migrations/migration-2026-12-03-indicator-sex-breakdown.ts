import { Migration } from '@mikro-orm/migrations';

/**
 * An indicator's definition may say its sex breakdown is per group (each part the value for that group
 * alone, as for an average) rather than parts adding up to the value; GET /projects/{id} shows which.
 * Every indicator defined before could only add up, so existing rows take `adds-up`, as a rebuild would
 * give them; the fold writes the column from then on, so it keeps no default.
 */
export class IndicatorSexBreakdown extends Migration {
  override name = 'migration-2026-12-03-indicator-sex-breakdown';

  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE indicator_views ADD COLUMN sex_breakdown text NOT NULL DEFAULT 'adds-up'`);
    this.addSql(`ALTER TABLE indicator_views ALTER COLUMN sex_breakdown DROP DEFAULT`);
  }

  override async down(): Promise<void> {
    this.addSql(`ALTER TABLE indicator_views DROP COLUMN sex_breakdown`);
  }
}
