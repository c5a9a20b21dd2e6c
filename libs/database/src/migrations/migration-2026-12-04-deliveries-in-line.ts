import { Migration } from '@mikro-orm/migrations';

/**
 * Deliveries to one subscription go out one at a time, in the order their notifications were stored:
 * `seq` numbers them (an identity, so in insert order; every fan-out holds the notifier's cursor lock, so
 * insert order is commit order too), and a subscription's line is its pending deliveries by `seq`.
 * Rows already there are numbered by when their notification was stored, as they would have been.
 */
export class DeliveriesInLine extends Migration {
  override name = 'migration-2026-12-04-deliveries-in-line';

  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE deliveries ADD COLUMN seq bigint`);
    this.addSql(`
      UPDATE deliveries d SET seq = numbered.seq
      FROM (
        SELECT d.id, row_number() OVER (ORDER BY n.created_at, d.created_at, d.id) AS seq
        FROM deliveries d JOIN notifications n ON n.id = d.notification_id
      ) numbered
      WHERE numbered.id = d.id`);
    this.addSql(`ALTER TABLE deliveries ALTER COLUMN seq SET NOT NULL`);
    this.addSql(`ALTER TABLE deliveries ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY`);
    this.addSql(`SELECT setval(pg_get_serial_sequence('deliveries', 'seq'), (SELECT COALESCE(max(seq), 0) + 1 FROM deliveries), false)`);
    this.addSql(`ALTER TABLE deliveries ADD CONSTRAINT deliveries_seq_unique UNIQUE (seq)`);
    // The head of each subscription's line, and the line behind it.
    this.addSql(`CREATE INDEX deliveries_line_idx ON deliveries (subscription_id, seq) WHERE status = 'pending'`);
  }

  override async down(): Promise<void> {
    this.addSql(`ALTER TABLE deliveries DROP COLUMN seq`);
  }
}
