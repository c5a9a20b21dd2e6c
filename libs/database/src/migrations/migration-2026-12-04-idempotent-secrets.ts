import { Migration } from '@mikro-orm/migrations';

/**
 * Idempotency-Key now covers writes whose answer shows a secret once (a webhook subscription, an API
 * key created or rotated). Their record keeps the answer without the secret, and this flag: a replay of
 * such an answer is refused (409 IDEMPOTENCY_KEY.SECRET_SHOWN_ONCE) rather than shown without it.
 */
export class IdempotentSecrets extends Migration {
  override name = 'migration-2026-12-04-idempotent-secrets';

  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE idempotency_records ADD COLUMN secret_withheld boolean NOT NULL DEFAULT false`);
  }

  override async down(): Promise<void> {
    this.addSql(`ALTER TABLE idempotency_records DROP COLUMN secret_withheld`);
  }
}
