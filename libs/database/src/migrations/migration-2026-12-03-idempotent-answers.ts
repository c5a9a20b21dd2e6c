import { Migration } from '@mikro-orm/migrations';

/**
 * Idempotency-Key now covers writes whose answer shows a secret once (a webhook subscription, an API
 * key created or rotated). Their record keeps the answer without the secret, and this flag: a replay of
 * such an answer is refused (409 IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE) rather than shown without it.
 *
 * The answer is kept as the text it was sent (`json`), not as `jsonb`, which orders an object's keys its
 * own way: a replay sent `{"version":5,"measurementId":…}` for a first answer of
 * `{"measurementId":…,"version":5}`, equal as JSON but not byte for byte. Answers recorded before keep
 * jsonb's order.
 */
export class IdempotentAnswers extends Migration {
  override name = 'migration-2026-12-03-idempotent-answers';

  override async up(): Promise<void> {
    // IF NOT EXISTS: a database migrated by a build of the same night has the column under the first
    // name of this migration (migration-2026-12-04-idempotent-secrets), and runs this one too.
    this.addSql(`ALTER TABLE idempotency_records ADD COLUMN IF NOT EXISTS secret_withheld boolean NOT NULL DEFAULT false`);
    this.addSql(`ALTER TABLE idempotency_records ALTER COLUMN response TYPE json USING response::text::json`);
  }

  override async down(): Promise<void> {
    this.addSql(`ALTER TABLE idempotency_records ALTER COLUMN response TYPE jsonb USING response::jsonb`);
    this.addSql(`ALTER TABLE idempotency_records DROP COLUMN secret_withheld`);
  }
}
