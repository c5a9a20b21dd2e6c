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
    // Only those defined without a kind, as the fold decides: for a few hours on 2026-12-03 a definition
    // could still name adds-up on another measure, and the fold keeps what was named.
    this.addSql(`
      UPDATE indicator_views v SET sex_breakdown = NULL
       WHERE v.measure <> 1 AND v.sex_breakdown = 'adds-up'
         AND NOT EXISTS (
           SELECT 1 FROM events e
            WHERE e.stream_id = v.project_id AND e.type = 'IndicatorDefined'
              AND e.data->>'indicatorId' = v.id::text AND e.data->>'sexBreakdown' IS NOT NULL)`);
  }

  override async down(): Promise<void> {
    this.addSql(`UPDATE indicator_views SET sex_breakdown = 'adds-up' WHERE sex_breakdown IS NULL`);
    this.addSql(`ALTER TABLE indicator_views ALTER COLUMN sex_breakdown SET NOT NULL`);
  }
}
