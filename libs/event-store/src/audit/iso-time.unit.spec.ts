import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isoTextOf } from './iso-time.js';

describe('isoTextOf', () => {
  it('writes what Date#toISOString writes, for any whole millisecond a Date holds', () => {
    // Most of the runs in the four-digit years, which it writes itself; the rest anywhere a Date reaches.
    const fourDigitYears = fc.integer({ min: Date.parse('0000-01-01T00:00:00.000Z'), max: Date.parse('9999-12-31T23:59:59.999Z') });
    const anywhere = fc.integer({ min: -8.64e15, max: 8.64e15 });
    fc.assert(
      fc.property(fc.oneof({ arbitrary: fourDigitYears, weight: 9 }, { arbitrary: anywhere, weight: 1 }), (epochMs) => {
        expect(isoTextOf(epochMs)).toBe(new Date(epochMs).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes the edges of days, months, leap years and the four-digit years alike', () => {
    const edges = [
      '0000-01-01T00:00:00.000Z', '0000-02-29T23:59:59.999Z', '1899-12-31T23:59:59.999Z', '1900-02-28T12:00:00.000Z',
      '1900-03-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '2000-02-29T00:00:00.001Z',
      '2024-12-31T23:59:59.999Z', '2026-12-03T14:05:09.042Z', '2100-03-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z',
      '-000001-12-31T23:59:59.999Z', '+010000-01-01T00:00:00.000Z',
    ];
    for (const text of edges) expect(isoTextOf(Date.parse(text))).toBe(text);
  });

  it('answers undefined for what is not a whole millisecond a Date can hold', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, 1.5, 8.64e15 + 1, -8.64e15 - 1]) expect(isoTextOf(value)).toBeUndefined();
  });
});
