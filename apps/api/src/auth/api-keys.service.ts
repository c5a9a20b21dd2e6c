import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import type { Actor, Role } from './actor.js';
import { hashApiKeySecret, newApiKeySecret } from './api-key-secrets.js';

/** The id of the admin key that comes from ADMIN_API_KEY: fixed, so its events name one actor across restarts. */
export const BOOTSTRAP_ADMIN_KEY_ID = '00000000-0000-4000-8000-000000000001';

export interface CreatedApiKey {
  id: string;
  name: string;
  role: Role;
  projectIds: string[];
  createdAt: string;
  /** Shown once, at creation; only its hash is stored. */
  secret: string;
}

interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  project_ids: string[];
}

@Injectable()
export class ApiKeysService implements OnApplicationBootstrap {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Stores the hash of ADMIN_API_KEY as the first admin key (a changed setting replaces the old hash). */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.adminApiKey) return;
    await this.pool.query(
      `INSERT INTO api_keys (id, name, role, secret_hash) VALUES ($1, 'admin (ADMIN_API_KEY)', 'admin', $2)
       ON CONFLICT (id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, revoked_at = NULL`,
      [BOOTSTRAP_ADMIN_KEY_ID, hashApiKeySecret(this.config.adminApiKey)],
    );
  }

  async create(input: { name: string; role: Role; projectIds: string[] }): Promise<CreatedApiKey> {
    const id = randomUUID();
    const secret = newApiKeySecret();
    const result = await this.pool.query<{ created_at: Date }>(
      `INSERT INTO api_keys (id, name, role, project_ids, secret_hash) VALUES ($1, $2, $3, $4, $5)
       RETURNING created_at`,
      [id, input.name, input.role, input.projectIds, hashApiKeySecret(secret)],
    );
    return { id, ...input, createdAt: result.rows[0]!.created_at.toISOString(), secret };
  }

  /** The actor a secret belongs to; undefined for an unknown, revoked or expired key. */
  async authenticate(secret: string): Promise<Actor | undefined> {
    const result = await this.pool.query<ApiKeyRow>(
      `SELECT id, name, role, project_ids FROM api_keys
       WHERE secret_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [hashApiKeySecret(secret)],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    return { keyId: row.id, name: row.name, role: row.role, projectIds: row.project_ids };
  }
}
