import { Migration } from '@mikro-orm/migrations';

/**
 * Webhook secret rotation: a rotated webhook keeps its previous signing secret (sealed) until
 * `previous_secret_valid_until`, and deliveries meanwhile carry a signature by each, so its receiver
 * can switch secrets without refusing a delivery.
 */
export class WebhookSecretRotation extends Migration {
  override name = 'migration-2026-12-06-webhook-secret-rotation';

  override async up(): Promise<void> {
    this.addSql(`
      ALTER TABLE subscriptions
        ADD COLUMN previous_secret_sealed text,
        ADD COLUMN previous_secret_valid_until timestamptz,
        ADD COLUMN secret_rotated_at timestamptz,
        ADD CONSTRAINT subscriptions_previous_secret_has_deadline
          CHECK ((previous_secret_sealed IS NULL) = (previous_secret_valid_until IS NULL)),
        ADD CONSTRAINT subscriptions_previous_secret_webhook_only
          CHECK (previous_secret_sealed IS NULL OR channel = 'webhook')`);
  }

  override async down(): Promise<void> {
    this.addSql(`
      ALTER TABLE subscriptions
        DROP CONSTRAINT subscriptions_previous_secret_webhook_only,
        DROP CONSTRAINT subscriptions_previous_secret_has_deadline,
        DROP COLUMN secret_rotated_at,
        DROP COLUMN previous_secret_valid_until,
        DROP COLUMN previous_secret_sealed`);
  }
}
