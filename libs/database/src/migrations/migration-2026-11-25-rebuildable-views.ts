import { Migration } from '@mikro-orm/migrations';

/**
 * Read models are rebuilt into shadow tables and swapped in by renaming, so they keep no foreign keys
 * between each other (the projection keeps them consistent, and a rename would leave a key pointing at
 * the old table). Adds the milestone timeline.
 */
export class RebuildableViews extends Migration {
  override name = 'migration-2026-11-25-rebuildable-views';

  override async up(): Promise<void> {
    this.addSql('ALTER TABLE component_views DROP CONSTRAINT IF EXISTS component_views_project_id_fkey');
    this.addSql('ALTER TABLE milestone_views DROP CONSTRAINT IF EXISTS milestone_views_project_id_fkey');
    this.addSql('ALTER TABLE indicator_views DROP CONSTRAINT IF EXISTS indicator_views_project_id_fkey');
    this.addSql('ALTER TABLE measurement_views DROP CONSTRAINT IF EXISTS measurement_views_project_id_fkey');
    this.addSql('ALTER TABLE measurement_views DROP CONSTRAINT IF EXISTS measurement_views_indicator_id_fkey');
    this.addSql(`
      CREATE TABLE milestone_timeline_views (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        milestone_id uuid NOT NULL,
        version integer NOT NULL,
        kind text NOT NULL,
        date date,
        due_date date NOT NULL,
        previous_due_date date,
        note text,
        occurred_at timestamptz NOT NULL
      )`);
    this.addSql('CREATE INDEX milestone_timeline_views_project_idx ON milestone_timeline_views (project_id, version)');
  }
}
