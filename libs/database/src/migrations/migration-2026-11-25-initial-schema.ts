import { Migration } from '@mikro-orm/migrations';

/**
 * The event store, its immutability guard, idempotency records, API keys and the project read model.
 * Positions come from an identity sequence and can commit out of order; `transaction_id` (xid8) lets the
 * global feed read only below the oldest open transaction, so it never skips a late commit.
 */
export class InitialSchema extends Migration {
  override name = 'migration-2026-11-25-initial-schema';

  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE event_streams (
        stream_id uuid PRIMARY KEY,
        stream_type text NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        head_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(`
      CREATE TABLE events (
        position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        event_id uuid NOT NULL UNIQUE,
        stream_id uuid NOT NULL REFERENCES event_streams (stream_id),
        stream_version integer NOT NULL CHECK (stream_version > 0),
        type text NOT NULL,
        schema_version integer NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        previous_hash text NOT NULL,
        hash text NOT NULL,
        CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
      )`);
    this.addSql(`CREATE INDEX events_feed_idx ON events (transaction_id, position)`);
    this.addSql(`CREATE INDEX events_type_idx ON events (type, position)`);
    this.addSql(`
      CREATE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'events are append-only: % on events is refused', TG_OP
          USING ERRCODE = 'restrict_violation';
      END
      $$`);
    this.addSql(`
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION refuse_event_change()`);
    this.addSql(`
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change()`);

    this.addSql(`
      CREATE TABLE project_codes (
        code text PRIMARY KEY,
        project_id uuid NOT NULL UNIQUE REFERENCES event_streams (stream_id)
      )`);

    this.addSql(`
      CREATE TABLE idempotency_records (
        api_key_id uuid NOT NULL,
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        status_code integer NOT NULL,
        response jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (api_key_id, idempotency_key)
      )`);

    this.addSql(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'manager', 'team', 'auditor')),
        project_ids uuid[] NOT NULL DEFAULT '{}',
        secret_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        expires_at timestamptz,
        revoked_at timestamptz
      )`);

    this.addSql(`
      CREATE TABLE project_views (
        id uuid PRIMARY KEY,
        code text NOT NULL,
        title text NOT NULL,
        description text NOT NULL,
        country text NOT NULL,
        status text NOT NULL,
        sector text NOT NULL,
        location jsonb NOT NULL,
        participating_organisations jsonb NOT NULL,
        planned_start date,
        planned_end date,
        actual_start date,
        actual_end date,
        last_reason text,
        version integer NOT NULL,
        proposed_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    this.addSql(`CREATE INDEX project_views_country_status_idx ON project_views (country, status)`);
    this.addSql(`CREATE INDEX project_views_status_idx ON project_views (status)`);
    this.addSql(`
      CREATE TABLE component_views (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL REFERENCES project_views (id) ON DELETE CASCADE,
        name text NOT NULL,
        kind text NOT NULL,
        description text,
        position integer NOT NULL
      )`);
    this.addSql(`CREATE INDEX component_views_project_idx ON component_views (project_id)`);
    this.addSql(`
      CREATE TABLE milestone_views (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL REFERENCES project_views (id) ON DELETE CASCADE,
        component_id uuid,
        title text NOT NULL,
        description text,
        due_date date NOT NULL,
        status text NOT NULL,
        reached_on date,
        evidence text,
        document_links jsonb NOT NULL DEFAULT '[]',
        waive_reason text,
        times_rescheduled integer NOT NULL DEFAULT 0,
        position integer NOT NULL
      )`);
    this.addSql(`CREATE INDEX milestone_views_project_idx ON milestone_views (project_id)`);
    this.addSql(`CREATE INDEX milestone_views_due_idx ON milestone_views (status, due_date)`);
    this.addSql(`
      CREATE TABLE indicator_views (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL REFERENCES project_views (id) ON DELETE CASCADE,
        component_id uuid,
        title text NOT NULL,
        description text,
        unit text NOT NULL,
        measure integer NOT NULL,
        result_level integer NOT NULL,
        baseline_value double precision NOT NULL,
        baseline_date date,
        target_value double precision NOT NULL,
        target_date date,
        latest_actual double precision,
        latest_actual_date date,
        latest_disaggregation jsonb,
        progress double precision,
        measurement_count integer NOT NULL DEFAULT 0,
        position integer NOT NULL
      )`);
    this.addSql(`CREATE INDEX indicator_views_project_idx ON indicator_views (project_id)`);
    this.addSql(`
      CREATE TABLE measurement_views (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL REFERENCES project_views (id) ON DELETE CASCADE,
        indicator_id uuid NOT NULL REFERENCES indicator_views (id) ON DELETE CASCADE,
        value double precision NOT NULL,
        date date NOT NULL,
        period_start date,
        disaggregation jsonb,
        note text,
        corrects_measurement_id uuid,
        correction_reason text,
        superseded_by uuid,
        recorded_version integer NOT NULL
      )`);
    this.addSql(`CREATE INDEX measurement_views_indicator_idx ON measurement_views (indicator_id)`);
  }
}
