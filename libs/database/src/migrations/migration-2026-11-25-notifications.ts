import { Migration } from '@mikro-orm/migrations';

/**
 * Managers' notifications. The notifier follows the global feed with a cursor of its own and keeps the
 * project state its rules need (notifier_projects, notifier_milestones); it writes notifications, one
 * delivery per (notification, subscription) and the cursor in one transaction, so each event becomes
 * notifications exactly once. Every delivery attempt is kept; inbox entries are per owner and notification.
 */
export class NotificationsSchema extends Migration {
  override name = 'migration-2026-11-25-notifications';

  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE subscriptions (
        id uuid PRIMARY KEY,
        owner_key_id uuid NOT NULL REFERENCES api_keys (id),
        channel text NOT NULL CHECK (channel IN ('webhook', 'email', 'inbox')),
        target text,
        secret_sealed text,
        project_ids uuid[] NOT NULL DEFAULT '{}',
        countries text[] NOT NULL DEFAULT '{}',
        types text[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'deleted')),
        status_reason text,
        status_changed_at timestamptz,
        last_digest_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((channel = 'inbox') = (target IS NULL)),
        CHECK ((channel = 'webhook') = (secret_sealed IS NOT NULL))
      )`);
    this.addSql(`CREATE INDEX subscriptions_owner_idx ON subscriptions (owner_key_id, created_at)`);
    this.addSql(`CREATE INDEX subscriptions_active_idx ON subscriptions (channel) WHERE status = 'active'`);

    this.addSql(`
      CREATE TABLE notifier_cursors (
        name text PRIMARY KEY,
        transaction_id xid8 NOT NULL,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(`INSERT INTO notifier_cursors (name, transaction_id, position) VALUES ('notifier', '0', 0)`);

    this.addSql(`
      CREATE TABLE notifier_projects (
        project_id uuid PRIMARY KEY,
        version integer NOT NULL,
        state jsonb NOT NULL,
        announced_thresholds jsonb NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(`
      CREATE TABLE notifier_milestones (
        milestone_id text PRIMARY KEY,
        project_id uuid NOT NULL,
        title text NOT NULL,
        due_date date NOT NULL,
        status text NOT NULL,
        times_rescheduled integer NOT NULL,
        project_status text NOT NULL,
        overdue_announced_for integer
      )`);
    // Only milestones the overdue scan may still announce, so settled ones cost it nothing.
    this.addSql(`
      CREATE INDEX notifier_milestones_unannounced_idx ON notifier_milestones (due_date)
        WHERE status = 'planned' AND overdue_announced_for IS DISTINCT FROM times_rescheduled`);
    this.addSql(`
      CREATE TABLE notifier_runs (
        name text PRIMARY KEY,
        runs bigint NOT NULL DEFAULT 0,
        last_run_at timestamptz
      )`);

    this.addSql(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY,
        type text NOT NULL,
        dedupe_key text NOT NULL UNIQUE,
        project_id uuid,
        country text,
        recipient_subscription_id uuid REFERENCES subscriptions (id),
        source text NOT NULL,
        subject text NOT NULL,
        headline text NOT NULL,
        time timestamptz NOT NULL,
        data jsonb NOT NULL,
        source_event_id uuid,
        source_position bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(`CREATE INDEX notifications_created_idx ON notifications (created_at)`);
    this.addSql(`CREATE INDEX notifications_source_event_idx ON notifications (source_event_id)`);

    this.addSql(`
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY,
        notification_id uuid NOT NULL REFERENCES notifications (id),
        subscription_id uuid NOT NULL REFERENCES subscriptions (id),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        delivered_at timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT deliveries_once UNIQUE (notification_id, subscription_id)
      )`);
    this.addSql(`CREATE INDEX deliveries_pending_idx ON deliveries (next_attempt_at) WHERE status = 'pending'`);
    this.addSql(`CREATE INDEX deliveries_subscription_idx ON deliveries (subscription_id, created_at)`);
    this.addSql(`
      CREATE TABLE delivery_attempts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES deliveries (id),
        subscription_id uuid NOT NULL,
        notification_id uuid NOT NULL,
        attempt integer NOT NULL,
        attempted_at timestamptz NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('delivered', 'failed')),
        status_code integer,
        latency_ms integer NOT NULL,
        error text,
        response_excerpt text
      )`);
    this.addSql(`CREATE INDEX delivery_attempts_subscription_idx ON delivery_attempts (subscription_id, id DESC)`);

    this.addSql(`
      CREATE TABLE inbox_items (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        owner_key_id uuid NOT NULL,
        notification_id uuid NOT NULL REFERENCES notifications (id),
        subscription_id uuid NOT NULL REFERENCES subscriptions (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz,
        CONSTRAINT inbox_items_once UNIQUE (owner_key_id, notification_id)
      )`);
    this.addSql(`CREATE INDEX inbox_items_owner_idx ON inbox_items (owner_key_id, seq DESC)`);
    this.addSql(`CREATE INDEX inbox_items_unread_idx ON inbox_items (owner_key_id) WHERE read_at IS NULL`);
  }
}
