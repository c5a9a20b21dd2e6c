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
    // The hex SHA-256 of the secret's UTF-8 bytes (as `printf 'ptk_example' | sha256sum` gives it): the
    // hashes already stored are of this form, so any other would lock every existing key out.
    expect(hash).toBe('d62ee155d55d46c6bd70e00b1a8579463c2434bcbf03fdce0ffcdf50bb577785');
    expect(hashApiKeySecret('ptk_\u00e9')).toBe('348295411f0566e4bca1883df0a5dafcfd2f117754141d0d74a98db93f6afc03');
    expect(sameHash(hash, hashApiKeySecret('ptk_example'))).toBe(true);
    expect(sameHash(hash, hashApiKeySecret('ptk_other'))).toBe(false);
    expect(sameHash(hash, hash.slice(0, 62))).toBe(false);
    expect(sameHash('', '')).toBe(false);
  });
});
