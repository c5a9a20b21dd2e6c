import { describe, expect, it } from '@jest/globals';
import { findHostileJson, MAX_JSON_DEPTH, MAX_JSON_ITEMS, MAX_JSON_KEYS } from './json-body.js';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
};

describe('findHostileJson', () => {
  it('accepts ordinary bodies and exactly the deepest nesting allowed', () => {
    expect(findHostileJson({ code: 'X', location: { village: 'Bansuo' }, organisations: [{ name: 'CIPRC', role: 1 }] })).toBeUndefined();
    expect(findHostileJson(nested(MAX_JSON_DEPTH))).toBeUndefined();
  });

  it('refuses one level more, naming the path to it', () => {
    expect(findHostileJson(nested(MAX_JSON_DEPTH + 1))).toEqual({
      code: 'REQUEST.TOO_DEEP',
      field: Array(MAX_JSON_DEPTH).fill('a').join('.'),
      message: `nests deeper than ${MAX_JSON_DEPTH} levels of objects and arrays`,
    });
  });

  it('walks a million levels without recursion', () => {
    expect(findHostileJson(nested(1_000_000))?.message).toMatch(/nests deeper/);
  });

  it('finds prototype keys at any depth, in objects and arrays', () => {
    expect(findHostileJson(JSON.parse('{"__proto__":{"x":1}}'))?.field).toBe('__proto__');
    expect(findHostileJson(JSON.parse('{"a":[{"b":{"constructor":{}}}]}'))?.field).toBe('a.0.b.constructor');
    expect(findHostileJson({ list: [1, { prototype: 2 }] })?.field).toBe('list.1.prototype');
    expect(findHostileJson({ note: '__proto__', tags: ['constructor'] })).toBeUndefined();
  });

  it('finds a lone surrogate in any string or key, and nothing in strings whose pairs are whole', () => {
    const message = 'must not contain a lone UTF-16 surrogate (half of a pair, like \\ud83d without its partner)';
    expect(findHostileJson({ a: [{ b: 'cattle \ud83d' }] })).toEqual({ code: 'REQUEST.INVALID', field: 'a.0.b', message });
    expect(findHostileJson({ title: '\udc04 first' })).toEqual({ code: 'REQUEST.INVALID', field: 'title', message });
    expect(findHostileJson({ title: 'pair reversed \udc04\ud83d' })?.field).toBe('title');
    expect(findHostileJson({ a: { ['k\ud800']: 1 } })).toMatchObject({ field: 'a', message: expect.stringMatching(/^must not have a key that contains a lone UTF-16 surrogate/) });
    expect(findHostileJson({ note: 'Cattle \ud83d\udc04 delivered to Bansuo, 班索村, ລາວ, \\ud83d written out' })).toBeUndefined();
  });

  it('finds a NUL character in any string or key, and nothing in strings without one', () => {
    expect(findHostileJson({ a: [{ b: 'x\u0000' }] })).toEqual({ code: 'REQUEST.INVALID', field: 'a.0.b', message: 'must not contain the NUL character (U+0000)' });
    expect(findHostileJson('\u0000')?.field).toBe('body');
    expect(findHostileJson({ a: { ['k\u0000']: 1 } })).toEqual({
      code: 'REQUEST.INVALID',
      field: 'a',
      message: 'must not have a key that contains the NUL character (U+0000)',
    });
    expect(findHostileJson({ note: 'U+0000 written out, \\u0000 escaped twice, and \u0001' })).toBeUndefined();
  });

  it('takes as many keys and items as allowed, and refuses one more, naming where', () => {
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    const items = (n: number) => Array.from({ length: n }, () => ({}));
    expect(findHostileJson({ a: keys(MAX_JSON_KEYS), b: items(MAX_JSON_ITEMS) })).toBeUndefined();
    expect(findHostileJson(keys(MAX_JSON_KEYS + 1))).toEqual({ code: 'REQUEST.INVALID', field: 'body', message: `has more than ${MAX_JSON_KEYS} keys` });
    expect(findHostileJson({ a: [{ b: keys(MAX_JSON_KEYS + 1) }] })).toMatchObject({ field: 'a.0.b', message: `has more than ${MAX_JSON_KEYS} keys` });
    expect(findHostileJson({ list: items(MAX_JSON_ITEMS + 1) })).toEqual({ code: 'REQUEST.INVALID', field: 'list', message: `has more than ${MAX_JSON_ITEMS} items` });
  });
});
