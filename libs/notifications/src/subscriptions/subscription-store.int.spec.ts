import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { openStoreDatabase } from '../../../../test/support/store-database.js';
import { SecretBox } from '../secrets/secret-box.js';
import { SubscriptionStore } from './subscription-store.js';

let pool: pg.Pool;
openStoreDatabase('subscription_store', 4, (opened) => {
  pool = opened.pool;
});

async function webhook(store: SubscriptionStore): Promise<string> {
  const keyId = randomUUID();
  await pool.query(`INSERT INTO api_keys (id, name, role, secret_hash) VALUES ($1, 'Funding agency', 'manager', $2)`, [keyId, randomUUID()]);
  const created = await store.create(keyId, { channel: 'webhook', target: 'https://example.org/hooks', filter: { projectIds: [], countries: [], types: [] } });
  return created.subscription.id;
}

describe('rotating a webhook secret', () => {
  it('dates a rotation in a transaction begun before another rotation committed no earlier than that one, whose secret it replaces', async () => {
    const store = new SubscriptionStore(pool, new SecretBox('subscription-store-spec-secrets-key'));
    const id = await webhook(store);
    // A rotation inside a transaction that began (with its Idempotency-Key record) before another rotation committed.
    const early = await pool.connect();
    try {
      await early.query('BEGIN');
      await early.query('SELECT now()');
      await new Promise((resolve) => setTimeout(resolve, 20));
      const committedFirst = await store.rotateSecret(id, 60);
      const after = await store.rotateSecret(id, 60, early);
      await early.query('COMMIT');
      if (committedFirst.outcome !== 'rotated' || after.outcome !== 'rotated') throw new Error('not rotated');
      const first = Date.parse(committedFirst.subscription.secretRotatedAt!);
      const last = Date.parse(after.subscription.secretRotatedAt!);
      expect(last).toBeGreaterThanOrEqual(first);
      expect(Date.parse(after.subscription.previousSecretValidUntil!)).toBe(last + 60_000);
      const stored = await store.find(id);
      expect(stored?.secretRotatedAt).toBe(after.subscription.secretRotatedAt);
    } finally {
      early.release();
    }
  });
});
