import { describe, expect, it } from '@jest/globals';
import { API_KEY_PREFIX, hashApiKeySecret, newApiKeySecret, sameHash } from './api-key-secrets.js';

describe('API key secrets', () => {
  it('are prefixed for secret scanners and carry 256 random bits', () => {
    const secrets = new Set(Array.from({ length: 100 }, newApiKeySecret));
    expect(secrets.size).toBe(100);
    for (const secret of secrets) expect(secret).toMatch(new RegExp(`^${API_KEY_PREFIX}[A-Za-z0-9_-]{43}$`));
  });

  it('are stored as SHA-256 and compared in constant time', () => {
    const hash = hashApiKeySecret('ptk_example');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sameHash(hash, hashApiKeySecret('ptk_example'))).toBe(true);
    expect(sameHash(hash, hashApiKeySecret('ptk_other'))).toBe(false);
    expect(sameHash(hash, hash.slice(0, 62))).toBe(false);
    expect(sameHash('', '')).toBe(false);
  });
});
