import { describe, expect, it } from '@jest/globals';
import { decimalText } from './decimal-text.js';

describe('decimalText', () => {
  it.each([
    [1e-7, '0.0000001'],
    [-2.5e-7, '-0.00000025'],
    [1.234e-10, '0.0000000001234'],
    [1e21, '1000000000000000000000'],
    [-1.5e22, '-15000000000000000000000'],
    [0.000001, '0.000001'],
    [812.5, '812.5'],
    [40, '40'],
    [-20, '-20'],
    [0, '0'],
  ])('writes %p as %p', (value, text) => {
    expect(decimalText(value)).toBe(text);
    expect(text).toMatch(/^-?\d+(\.\d+)?$/);
    expect(Number(text)).toBe(value);
  });
});
