import { describe, expect, it } from '@jest/globals';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox('a-key-of-at-least-thirty-two-characters');

  it('opens what it sealed, and never seals the same text the same way twice', () => {
    const sealed = box.seal('whsec_c2VjcmV0');
    expect(sealed).not.toContain('c2VjcmV0');
    expect(box.seal('whsec_c2VjcmV0')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('whsec_c2VjcmV0');
  });

  it('refuses altered text and text sealed under another key', () => {
    const sealed = box.seal('whsec_c2VjcmV0');
    const [version, iv, tag, body] = sealed.split('.');
    const altered = [version, iv, tag, Buffer.from('x' + Buffer.from(body!, 'base64url').toString('latin1'), 'latin1').toString('base64url')].join('.');
    expect(() => box.open(altered)).toThrow();
    expect(() => new SecretBox('another-key-of-thirty-two-characters!').open(sealed)).toThrow();
  });
});
