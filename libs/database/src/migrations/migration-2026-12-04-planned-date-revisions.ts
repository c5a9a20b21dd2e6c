import { Migration } from '@mikro-orm/migrations';

/**
 * A project's planned dates may be revised (RevisePlannedDates): each revision is a line of the
 * project's timeline, with the dates before and after and why. No event before this migration revised
 * them, so the table starts empty, as a rebuild would leave it.
 */
export class PlannedDateRevisions extends Migration {
  override name = 'migration-2026-12-04-planned-date-revisions';

  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE planned_date_revision_views (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        version integer NOT NULL,
        planned_start date,
        planned_end date,
        previous_planned_start date,
        previous_planned_end date,
        reason text NOT NULL,
        occurred_at timestamptz NOT NULL
      )`);
    this.addSql('CREATE INDEX planned_date_revision_views_project_idx ON planned_date_revision_views (project_id, version)');
  }

  override async down(): Promise<void> {
    this.addSql('DROP TABLE planned_date_revision_views');
  }
}
