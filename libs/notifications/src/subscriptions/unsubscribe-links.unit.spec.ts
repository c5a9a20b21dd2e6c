import { describe, expect, it } from '@jest/globals';
import { UnsubscribeLinks } from './unsubscribe-links.js';

const KEY = 'a-secrets-key-of-at-least-thirty-two-characters';
const SUBSCRIPTION_ID = '0b9e7c52-8d4f-4d9b-a7a4-2b7f0c1d2e3f';
const OTHER_ID = '7d1f3a9e-2c4b-4e8a-9f6d-5b3c2a1e0f9d';

describe('unsubscribe links', () => {
  const links = new UnsubscribeLinks(KEY, 'https://tracker.example.org');

  it('links to the subscription with a token only the deployment makes', () => {
    const url = new URL(links.urlFor(SUBSCRIPTION_ID)!);
    expect(`${url.origin}${url.pathname}`).toBe(`https://tracker.example.org/unsubscribe/${SUBSCRIPTION_ID}`);
    const token = url.searchParams.get('token')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(links.isValid(SUBSCRIPTION_ID, token)).toBe(true);
    // The id spelt in capitals is the same subscription (PostgreSQL reads UUIDs either way).
    expect(links.isValid(SUBSCRIPTION_ID.toUpperCase(), token)).toBe(true);
  });

  it("refuses one subscription's token for another, a token under another key, and a token altered or cut", () => {
    const token = links.tokenFor(SUBSCRIPTION_ID);
    expect(links.isValid(OTHER_ID, token)).toBe(false);
    expect(new UnsubscribeLinks(`${KEY}-rotated`).isValid(SUBSCRIPTION_ID, token)).toBe(false);
    const altered = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    expect(links.isValid(SUBSCRIPTION_ID, altered)).toBe(false);
    expect(links.isValid(SUBSCRIPTION_ID, token.slice(0, -1))).toBe(false);
    expect(links.isValid(SUBSCRIPTION_ID, `${token}=`)).toBe(false);
    expect(links.isValid(SUBSCRIPTION_ID, '')).toBe(false);
  });

  it('makes no link without the public address, yet checks tokens', () => {
    const withoutAddress = new UnsubscribeLinks(KEY);
    expect(withoutAddress.urlFor(SUBSCRIPTION_ID)).toBeUndefined();
    expect(withoutAddress.isValid(SUBSCRIPTION_ID, links.tokenFor(SUBSCRIPTION_ID))).toBe(true);
  });
});
