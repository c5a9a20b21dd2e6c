import { Migration } from '@mikro-orm/migrations';

/**
 * Project codes are unique regardless of case: `CN-LA-BANSUO` and `cn-la-bansuo` name one project to
 * the people who write them, and the IATI identifiers made from them differ only in case. Codes are
 * ASCII letters, digits, dots, dashes and underscores (the proposal's DTO), so `lower` folds them
 * whatever the database's collation.
 *
 * A log that already holds two codes differing only in case stops the migration with their names:
 * which of the two projects keeps its code is for the people who run them to decide, not a migration.
 */
export class ProjectCodesRegardlessOfCase extends Migration {
  override name = 'migration-2026-12-07-project-codes-regardless-of-case';

  override async up(): Promise<void> {
    this.addSql(`
      DO $$
      DECLARE clashes text;
      BEGIN
        SELECT string_agg(codes, '; ') INTO clashes
          FROM (SELECT string_agg(code, ', ' ORDER BY code) AS codes
                  FROM project_codes GROUP BY lower(code) HAVING count(*) > 1) AS clash;
        IF clashes IS NOT NULL THEN
          RAISE EXCEPTION 'project codes that differ only in case: %', clashes
            USING HINT = 'Codes are now unique regardless of case, and the migration cannot choose which project keeps one.';
        END IF;
      END $$`);
    this.addSql('CREATE UNIQUE INDEX project_codes_regardless_of_case ON project_codes (lower(code))');
  }

  override async down(): Promise<void> {
    this.addSql('DROP INDEX project_codes_regardless_of_case');
  }
}
