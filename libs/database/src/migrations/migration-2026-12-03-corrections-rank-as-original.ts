import { Migration } from '@mikro-orm/migrations';

/**
 * Of two current measurements on one date, the latest actual is the one whose original recording was
 * recorded later: a correction ranks where the measurement it replaces ranked, no longer by when the
 * correction was recorded. The read model keeps, per measurement, the version of the recording it
 * ultimately corrects (`original_version`; a recording's own), filled in here by following each chain
 * of corrections back to its recording, as a rebuild would. Indicators with a correction then have their
 * latest actual (value, date, disaggregation, progress) taken again by the new rule; no other can change.
 */
export class CorrectionsRankAsOriginal extends Migration {
  override name = 'migration-2026-12-03-corrections-rank-as-original';

  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE measurement_views ADD COLUMN original_version integer`);
    this.addSql(`
      WITH RECURSIVE chain AS (
        SELECT id, project_id, recorded_version AS original_version FROM measurement_views WHERE corrects_measurement_id IS NULL
        UNION ALL
        SELECT m.id, m.project_id, chain.original_version FROM measurement_views m
        JOIN chain ON m.corrects_measurement_id = chain.id AND m.project_id = chain.project_id
      )
      UPDATE measurement_views m SET original_version = chain.original_version FROM chain WHERE chain.id = m.id`);
    this.addSql(`ALTER TABLE measurement_views ALTER COLUMN original_version SET NOT NULL`);
    this.addSql(`
      UPDATE indicator_views i
      SET latest_actual = latest.value, latest_actual_date = latest.date, latest_disaggregation = latest.disaggregation,
          progress = CASE WHEN i.target_value = i.baseline_value THEN NULL
                          ELSE (latest.value - i.baseline_value) / (i.target_value - i.baseline_value) END
      FROM (
        SELECT DISTINCT ON (indicator_id) indicator_id, value, date, disaggregation FROM measurement_views
        WHERE superseded_by IS NULL ORDER BY indicator_id, date DESC, original_version DESC
      ) latest
      WHERE latest.indicator_id = i.id
        AND EXISTS (SELECT 1 FROM measurement_views c WHERE c.indicator_id = i.id AND c.corrects_measurement_id IS NOT NULL)`);
  }

  override async down(): Promise<void> {
    // Latest actuals stay as ranked by the new rule; `npm run projections:rebuild` folds them by the old one.
    this.addSql(`ALTER TABLE measurement_views DROP COLUMN original_version`);
  }
}
