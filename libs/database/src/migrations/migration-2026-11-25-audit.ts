import { Migration } from '@mikro-orm/migrations';

/**
 * What auditors need beside the event store: snapshots of project state (so long streams load fast),
 * checkpoints of a hash chain over the whole log (so a hash held today proves later that nothing before
 * it changed), and the access log of who read the audit trail. Checkpoints and the access log are
 * append-only, like events.
 */
export class AuditSchema extends Migration {
  override name = 'migration-2026-11-25-audit';

  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE project_snapshots (
        stream_id uuid NOT NULL REFERENCES event_streams (stream_id),
        version integer NOT NULL CHECK (version > 0),
        state_version integer NOT NULL,
        state jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (stream_id, version, state_version)
      )`);

    this.addSql(`
      CREATE TABLE audit_checkpoints (
        id bigint PRIMARY KEY,
        up_to_transaction_id xid8 NOT NULL,
        up_to_position bigint NOT NULL,
        events bigint NOT NULL CHECK (events > 0),
        total_events bigint NOT NULL,
        previous_hash text NOT NULL,
        hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    this.addSql(`
      CREATE TABLE audit_access_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        key_id uuid,
        key_name text,
        role text NOT NULL,
        action text NOT NULL,
        project_id uuid,
        request text NOT NULL,
        status integer NOT NULL,
        outcome jsonb
      )`);
    this.addSql(`CREATE INDEX audit_access_log_project_idx ON audit_access_log (project_id, id)`);
    this.addSql(`CREATE INDEX audit_access_log_key_idx ON audit_access_log (key_id, id)`);

    this.addSql(`
      CREATE FUNCTION refuse_audit_record_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'restrict_violation';
      END
      $$`);
    for (const table of ['audit_checkpoints', 'audit_access_log']) {
      this.addSql(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION refuse_audit_record_change()`);
      this.addSql(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_record_change()`);
    }
  }
}
