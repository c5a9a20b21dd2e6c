import { Migration } from '@mikro-orm/migrations';

/**
 * An indicator of a measure other than a count (1), defined without saying how its sex parts relate to
 * its value, takes no sex breakdown at all; GET /projects/{id} showed it as `adds-up`, a kind such an
 * indicator cannot be given. Its `sex_breakdown` is null now, as a rebuild gives it.
 */
export class IndicatorsWithoutBreakdown extends Migration {
  override name = 'migration-2026-12-04-indicators-without-breakdown';

  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE indicator_views ALTER COLUMN sex_breakdown DROP NOT NULL`);
    // No indicator of another measure can be adds-up: the definition refuses it.
    this.addSql(`UPDATE indicator_views SET sex_breakdown = NULL WHERE measure <> 1 AND sex_breakdown = 'adds-up'`);
  }

  override async down(): Promise<void> {
    this.addSql(`UPDATE indicator_views SET sex_breakdown = 'adds-up' WHERE sex_breakdown IS NULL`);
    this.addSql(`ALTER TABLE indicator_views ALTER COLUMN sex_breakdown SET NOT NULL`);
  }
}
