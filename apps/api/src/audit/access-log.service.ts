import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '@app/database';

export interface AccessLogEntry {
  keyId: string | null;
  keyName: string | null;
  role: string;
  /** What was read: `project.events`, `project.export.ndjson`, `project.audit`, `iati.country`... */
  action: string;
  projectId: string | null;
  /** Method and URL, query included. */
  request: string;
  status: number;
  /** What the reader was told, where it matters (a verification's verdict). */
  outcome?: unknown;
}

export interface StoredAccessLogEntry extends AccessLogEntry {
  id: number;
  at: string;
}

/** Who read the audit trail, exported or verified what, and when: append-only, readable by admins. */
@Injectable()
export class AccessLogService {
  /** Entries are written one after another, so the log's order is the order the answers finished in. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  record(entry: AccessLogEntry): Promise<void> {
    const write = this.tail.then(() => this.insert(entry));
    this.tail = write.catch(() => undefined);
    return write;
  }

  private async insert(entry: AccessLogEntry): Promise<void> {
    await this.pool.query(
      `INSERT INTO audit_access_log (key_id, key_name, role, action, project_id, request, status, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        entry.keyId,
        entry.keyName,
        entry.role,
        entry.action,
        entry.projectId,
        entry.request,
        entry.status,
        entry.outcome === undefined ? null : JSON.stringify(entry.outcome),
      ],
    );
  }

  async list(query: { afterId?: number; limit?: number; projectId?: string; keyId?: string }): Promise<StoredAccessLogEntry[]> {
    const result = await this.pool.query<{
      id: string;
      at: Date;
      key_id: string | null;
      key_name: string | null;
      role: string;
      action: string;
      project_id: string | null;
      request: string;
      status: number;
      outcome: unknown;
    }>(
      `SELECT * FROM audit_access_log
       WHERE id > $1 AND ($3::uuid IS NULL OR project_id = $3::uuid) AND ($4::uuid IS NULL OR key_id = $4::uuid)
       ORDER BY id LIMIT $2`,
      [query.afterId ?? 0, query.limit ?? 100, query.projectId ?? null, query.keyId ?? null],
    );
    return result.rows.map((row) => ({
      id: Number(row.id),
      at: row.at.toISOString(),
      keyId: row.key_id,
      keyName: row.key_name,
      role: row.role,
      action: row.action,
      projectId: row.project_id,
      request: row.request,
      status: row.status,
      ...(row.outcome === null ? {} : { outcome: row.outcome }),
    }));
  }
}
