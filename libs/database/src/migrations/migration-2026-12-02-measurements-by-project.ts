import { Migration } from '@mikro-orm/migrations';

/**
 * GET /projects/{id} reads a project's measurements by project, in the order they were recorded; the
 * table was indexed by indicator only, so each such read scanned every project's measurements.
 */
export class MeasurementsByProject extends Migration {
  override name = 'migration-2026-12-02-measurements-by-project';

  override async up(): Promise<void> {
    this.addSql(`CREATE INDEX measurement_views_project_idx ON measurement_views (project_id, recorded_version)`);
  }

  override async down(): Promise<void> {
    // A rebuild recreates the views' indexes under names PostgreSQL chooses: drop it by its columns.
    this.addSql(`
      DO $$
      DECLARE index_name text;
      BEGIN
        SELECT i.relname INTO index_name FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = 'measurement_views'::regclass
          AND pg_get_indexdef(x.indexrelid) LIKE '%(project_id, recorded_version)';
        IF index_name IS NOT NULL THEN EXECUTE format('DROP INDEX %I', index_name); END IF;
      END $$`);
  }
}
