import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import { type AppendCondition, inTransaction } from '@app/event-store';
import type { Actor, Role } from './actor.js';
import { hashApiKeySecret, newApiKeySecret, sameHash } from './api-key-secrets.js';
import type { PendingKeyCheck } from './pending-key-check.js';

/** The id of the admin key that comes from ADMIN_API_KEY: fixed, so its events name one actor across restarts. */
export const BOOTSTRAP_ADMIN_KEY_ID = '00000000-0000-4000-8000-000000000001';

/** How often last_used_at is written for one key, at most: a busy key must not cost a write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Serialises revocations, so two admins revoking each other at once cannot both succeed and lock everyone out. */
const REVOCATION_LOCK = 0x7074_6b72; // "ptkr"

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

/** A key as an admin sees it: everything but the secret and its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  projectIds: string[];
  status: ApiKeyStatus;
  /** True for the key that comes from the ADMIN_API_KEY setting. */
  bootstrap: boolean;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  rotatedAt: string | null;
  /** Until when the secret replaced by the last rotation still works; null when it no longer does. */
  previousSecretValidUntil: string | null;
}

export interface CreatedApiKey extends ApiKeyView {
  /** Shown once, at creation or rotation; only its hash is stored. */
  secret: string;
}

export type RevokeOutcome = { outcome: 'revoked'; key: ApiKeyView } | { outcome: 'not_found' } | { outcome: 'last_admin' };

export type RotateOutcome =
  | { outcome: 'rotated'; key: CreatedApiKey }
  | { outcome: 'not_found' }
  | { outcome: 'bootstrap' }
  | { outcome: 'inactive'; status: Exclude<ApiKeyStatus, 'active'> };

interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  project_ids: string[];
  status: ApiKeyStatus;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  rotated_at: Date | null;
  previous_valid_until: Date | null;
}

/** Every column but the hashes, with the status and the previous secret's deadline as of now. */
const VIEW_COLUMNS = `id, name, role, project_ids, created_at, last_used_at, expires_at, revoked_at, rotated_at,
  CASE WHEN previous_valid_until > now() THEN previous_valid_until END AS previous_valid_until,
  CASE WHEN revoked_at IS NOT NULL THEN 'revoked' WHEN expires_at <= now() THEN 'expired' ELSE 'active' END AS status`;

const ACTIVE = `revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`;

/** How many keys `recall` remembers (the most recently authenticated). */
const RECENT_KEYS = 1_000;

/**
 * The append condition of a command sent with a recalled key: the key ($1) still accepts the secret
 * whose hash is $2, exactly as `authenticate` would find it now.
 */
const KEY_STILL_ACTIVE = `EXISTS (SELECT 1 FROM api_keys
  WHERE id = $1::uuid AND (secret_hash = $2::text OR (previous_secret_hash = $2::text AND previous_valid_until > now())) AND ${ACTIVE})`;

@Injectable()
export class ApiKeysService implements OnApplicationBootstrap {
  private readonly logger = new Logger('ApiKeys');
  /** When this process last wrote last_used_at of each key. */
  private readonly lastUsedWrites = new Map<string, number>();
  /** Keys authenticated lately, by the hash of their secret, least recently authenticated first. */
  private readonly recentKeys = new Map<string, { actor: Actor; condition: AppendCondition }>();

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Stores the hash of ADMIN_API_KEY as the bootstrap admin key. A revocation of that key sticks across
   * restarts while the setting holds the same secret (a leaked key revoked through the API must not come
   * back with the next deploy); setting a new ADMIN_API_KEY replaces the hash and makes the key active
   * again, which is how an operator recovers from a lost admin key.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.adminApiKey) {
      // The setting removed is not the key retired: the secret it last held still opens the API. Said
      // at every start, since an operator who removed the setting to retire the key would expect otherwise.
      const kept = await this.pool.query(`SELECT 1 FROM api_keys WHERE id = $1 AND revoked_at IS NULL`, [BOOTSTRAP_ADMIN_KEY_ID]);
      if (kept.rowCount) {
        this.logger.warn(
          `ADMIN_API_KEY is not set, and the bootstrap admin key it last set is still active: revoke it (DELETE /api-keys/${BOOTSTRAP_ADMIN_KEY_ID}) to retire it.`,
        );
      }
      return;
    }
    // API processes starting together race on this row; a transaction-scoped advisory lock makes them
    // take turns (otherwise the loser can trip over the secret's unique index before ON CONFLICT applies).
    const secretHash = hashApiKeySecret(this.config.adminApiKey);
    const result = await inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(7347002)');
      return client.query(
        `INSERT INTO api_keys (id, name, role, secret_hash) VALUES ($1, 'admin (ADMIN_API_KEY)', 'admin', $2)
         ON CONFLICT (id) DO UPDATE
           SET secret_hash = EXCLUDED.secret_hash, revoked_at = NULL, expires_at = NULL,
               previous_secret_hash = NULL, previous_valid_until = NULL
           WHERE api_keys.secret_hash IS DISTINCT FROM EXCLUDED.secret_hash`,
        [BOOTSTRAP_ADMIN_KEY_ID, secretHash],
      );
    });
    if (result.rowCount === 0) {
      const current = await this.pool.query<{ revoked: boolean }>(`SELECT revoked_at IS NOT NULL AS revoked FROM api_keys WHERE id = $1`, [
        BOOTSTRAP_ADMIN_KEY_ID,
      ]);
      if (current.rows[0]?.revoked) {
        this.logger.warn('ADMIN_API_KEY was revoked through the API and stays revoked; set a new ADMIN_API_KEY to restore a bootstrap admin key.');
      }
    }
  }

  /** `db` is a transaction's client when the key must commit with something else (its Idempotency-Key record). */
  async create(input: { name: string; role: Role; projectIds: string[]; expiresAt?: string }, db: pg.Pool | pg.PoolClient = this.pool): Promise<CreatedApiKey> {
    const secret = newApiKeySecret();
    const result = await db.query<ApiKeyRow>(
      `INSERT INTO api_keys (id, name, role, project_ids, secret_hash, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING ${VIEW_COLUMNS}`,
      [randomUUID(), input.name, input.role, input.projectIds, hashApiKeySecret(secret), input.expiresAt ?? null],
    );
    return { ...toView(result.rows[0]!), secret };
  }

  async list(page: { limit: number; offset: number }): Promise<ApiKeyView[]> {
    const result = await this.pool.query<ApiKeyRow>(`SELECT ${VIEW_COLUMNS} FROM api_keys ORDER BY created_at, id LIMIT $1 OFFSET $2`, [
      page.limit,
      page.offset,
    ]);
    return result.rows.map(toView);
  }

  /**
   * Revokes a key at once: authentication reads the table on every request, or (a command sent with a
   * recalled key) the command's append checks it, so the next request with it is refused. Refuses to
   * revoke the last active admin key, which would leave no one able to manage keys. Revoking a revoked
   * key answers it as it is.
   */
  async revoke(id: string): Promise<RevokeOutcome> {
    // Refusals write nothing: their transaction commits only the lock's release.
    return inTransaction(this.pool, async (client): Promise<RevokeOutcome> => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [REVOCATION_LOCK]);
      const target = await client.query<ApiKeyRow>(`SELECT ${VIEW_COLUMNS} FROM api_keys WHERE id = $1`, [id]);
      const row = target.rows[0];
      if (!row) return { outcome: 'not_found' };
      if (row.role === 'admin' && row.status === 'active') {
        // A key that never expires is only replaced by another that never expires: one with an expiry
        // would leave no admin at all when it ran out.
        const others = await client.query<{ active: number; lasting: number }>(
          `SELECT count(*)::int AS active, (count(*) FILTER (WHERE expires_at IS NULL))::int AS lasting
             FROM api_keys WHERE role = 'admin' AND id <> $1 AND ${ACTIVE}`,
          [id],
        );
        const { active, lasting } = others.rows[0]!;
        if ((row.expires_at === null ? lasting : active) === 0) return { outcome: 'last_admin' };
      }
      const revoked = await client.query<ApiKeyRow>(
        `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${VIEW_COLUMNS}`,
        [id],
      );
      return { outcome: 'revoked', key: toView(revoked.rows[0]!) };
    });
  }

  /**
   * Gives a key a new secret. The old secret keeps working for `graceSeconds` (0: it stops at once), so
   * a client can switch over without an outage; a second rotation within the grace ends the oldest
   * secret at once. The ADMIN_API_KEY key is rotated by changing the setting instead. `db` as for `create`.
   */
  async rotate(id: string, graceSeconds = this.config.apiKeyRotationGraceSeconds, db: pg.Pool | pg.PoolClient = this.pool): Promise<RotateOutcome> {
    if (id === BOOTSTRAP_ADMIN_KEY_ID) return { outcome: 'bootstrap' };
    const secret = newApiKeySecret();
    const result = await db.query<ApiKeyRow>(
      `UPDATE api_keys
         SET previous_secret_hash = CASE WHEN $3::int > 0 THEN secret_hash END,
             previous_valid_until = CASE WHEN $3::int > 0 THEN now() + make_interval(secs => $3::int) END,
             secret_hash = $2,
             rotated_at = now()
       WHERE id = $1 AND ${ACTIVE}
       RETURNING ${VIEW_COLUMNS}`,
      [id, hashApiKeySecret(secret), graceSeconds],
    );
    const row = result.rows[0];
    if (row) return { outcome: 'rotated', key: { ...toView(row), secret } };
    const current = await db.query<ApiKeyRow>(`SELECT ${VIEW_COLUMNS} FROM api_keys WHERE id = $1`, [id]);
    const status = current.rows[0]?.status;
    if (!status) return { outcome: 'not_found' };
    // Active here means it expired or was revoked between the two statements: it is not active now.
    return { outcome: 'inactive', status: status === 'active' ? 'revoked' : status };
  }

  /** The actor a secret belongs to; undefined for an unknown, revoked or expired key. */
  async authenticate(secret: string): Promise<Actor | undefined> {
    return this.authenticateHash(hashApiKeySecret(secret));
  }

  /**
   * The actor of a secret this process authenticated lately, without reading api_keys, and what must
   * confirm that the key is still active before any answer leaves: the caller must either append with
   * `check.condition` (the append then lands only while the key is active) or call `confirm`.
   * Undefined when the secret was not authenticated lately.
   */
  recall(secret: string): { actor: Actor; check: PendingKeyCheck } | undefined {
    const secretHash = hashApiKeySecret(secret);
    const known = this.recentKeys.get(secretHash);
    if (!known) return undefined;
    this.noteUse(known.actor.keyId);
    return { actor: known.actor, check: { secretHash, condition: known.condition, confirmed: false } };
  }

  /** A recalled key its append found no longer active: the next request with it is looked up. */
  forget(check: PendingKeyCheck): void {
    this.recentKeys.delete(check.secretHash);
  }

  /** Whether a recalled key is still active, read from api_keys now. */
  async confirm(check: PendingKeyCheck): Promise<boolean> {
    if (check.confirmed) return true;
    check.confirmed = (await this.authenticateHash(check.secretHash)) !== undefined;
    return check.confirmed;
  }

  private async authenticateHash(hash: string): Promise<Actor | undefined> {
    // Looking a key up by the hash of the secret is not a timing oracle: the B-tree comparisons leak at
    // most how much of SHA-256(guess) matches a stored hash, and choosing guesses whose hashes share a
    // prefix with a stored one tells nothing about the 256-bit secret behind it. The comparison below
    // is in constant time anyway, so the answer never depends on a byte-by-byte string compare.
    const result = await this.pool.query<{ id: string; name: string; role: Role; project_ids: string[]; matched_hash: string }>(
      `SELECT id, name, role, project_ids, CASE WHEN secret_hash = $1 THEN secret_hash ELSE previous_secret_hash END AS matched_hash
       FROM api_keys
       WHERE (secret_hash = $1 OR (previous_secret_hash = $1 AND previous_valid_until > now())) AND ${ACTIVE}`,
      [hash],
    );
    const row = result.rows[0];
    if (!row || !sameHash(row.matched_hash, hash)) {
      this.recentKeys.delete(hash);
      return undefined;
    }
    this.noteUse(row.id);
    const actor: Actor = { keyId: row.id, name: row.name, role: row.role, projectIds: row.project_ids };
    this.remember(hash, actor);
    return actor;
  }

  /** A key's id, name, role and scope never change, so a recalled actor is the key's; only whether it is still active is checked again. */
  private remember(hash: string, actor: Actor): void {
    this.recentKeys.delete(hash);
    this.recentKeys.set(hash, { actor, condition: { name: 'api_key_active', sql: KEY_STILL_ACTIVE, values: [actor.keyId, hash] } });
    if (this.recentKeys.size > RECENT_KEYS) this.recentKeys.delete(this.recentKeys.keys().next().value!);
  }

  /**
   * Records that a key was used, at most once a minute per key and process, without holding up the
   * request: a lost write only makes last_used_at a minute older.
   */
  private noteUse(keyId: string): void {
    const now = Date.now();
    if (now - (this.lastUsedWrites.get(keyId) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    this.lastUsedWrites.set(keyId, now);
    this.pool
      .query(
        `UPDATE api_keys SET last_used_at = now()
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2)) AND ${ACTIVE}`,
        [keyId, LAST_USED_RESOLUTION_MS / 1000],
      )
      .catch((error: unknown) => {
        this.lastUsedWrites.delete(keyId);
        this.logger.warn(`could not record the use of key ${keyId}: ${error instanceof Error ? error.message : String(error)}`);
      });
  }
}

function toView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    projectIds: row.project_ids,
    status: row.status,
    bootstrap: row.id === BOOTSTRAP_ADMIN_KEY_ID,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    rotatedAt: row.rotated_at?.toISOString() ?? null,
    previousSecretValidUntil: row.previous_valid_until?.toISOString() ?? null,
  };
}
