import { describe, expect, it } from '@jest/globals';
import { withoutUndefined } from './records.js';

describe('withoutUndefined', () => {
  it('leaves out the undefined members and keeps every other value, falsy ones included', () => {
    const record = { a: undefined, b: null, c: 0, d: '', e: false, f: { g: undefined } };
    expect(withoutUndefined(record)).toStrictEqual({ b: null, c: 0, d: '', e: false, f: { g: undefined } });
    expect(Object.keys(withoutUndefined(record))).toEqual(['b', 'c', 'd', 'e', 'f']);
  });

  it('copies: the record given is left as it was', () => {
    const record = { a: 1, b: undefined };
    const copy = withoutUndefined(record);
    expect(copy).not.toBe(record);
    expect(Object.keys(record)).toEqual(['a', 'b']);
  });

  it('keeps a `__proto__` member as a member, not as the copy’s prototype', () => {
    const record = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const copy = withoutUndefined(record);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
