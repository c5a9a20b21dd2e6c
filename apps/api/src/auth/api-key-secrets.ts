import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of every secret, so a leaked key is easy for secret scanners to recognise. */
export const API_KEY_PREFIX = 'ptk_';

/** 32 random bytes (256 bits), base64url: too much entropy to guess, so one SHA-256 is enough to store it. */
export function newApiKeySecret(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** Keys are stored only as this hash and looked up by it (hex SHA-256 of the secret's UTF-8; every request computes it). */
export function hashApiKeySecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** Compares two hex hashes in constant time (false for hashes of different lengths). */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
