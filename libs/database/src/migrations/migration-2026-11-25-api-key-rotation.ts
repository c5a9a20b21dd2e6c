import { Migration } from '@mikro-orm/migrations';

/**
 * Key rotation: a rotated key keeps its previous secret's hash until `previous_valid_until`, so clients
 * can switch over without an outage. Both hashes are looked up by index, and no hash may belong to two
 * keys (a secret identifies exactly one key).
 */
export class ApiKeyRotation extends Migration {
  override name = 'migration-2026-11-25-api-key-rotation';

  override async up(): Promise<void> {
    this.addSql(`
      ALTER TABLE api_keys
        ADD COLUMN previous_secret_hash text UNIQUE,
        ADD COLUMN previous_valid_until timestamptz,
        ADD COLUMN rotated_at timestamptz,
        ADD CONSTRAINT api_keys_previous_hash_has_deadline
          CHECK ((previous_secret_hash IS NULL) = (previous_valid_until IS NULL))`);
  }

  override async down(): Promise<void> {
    this.addSql(`
      ALTER TABLE api_keys
        DROP CONSTRAINT api_keys_previous_hash_has_deadline,
        DROP COLUMN rotated_at,
        DROP COLUMN previous_valid_until,
        DROP COLUMN previous_secret_hash`);
  }
}
