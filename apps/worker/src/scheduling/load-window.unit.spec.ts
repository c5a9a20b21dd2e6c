import { describe, expect, it } from '@jest/globals';
import { nextWindowMs } from './load-window.js';

describe('nextWindowMs', () => {
  const bounds = { minMs: 10, maxMs: 100 };

  it('is a millisecond for every ten announcements a second, never shorter than the shortest window nor longer than the longest', () => {
    expect(nextWindowMs(0, 10, bounds)).toBe(10);
    expect(nextWindowMs(1, 10, bounds)).toBe(10); // 100 a second
    expect(nextWindowMs(5, 10, bounds)).toBe(50); // 500 a second
    expect(nextWindowMs(30, 40, bounds)).toBe(75); // 750 a second
    expect(nextWindowMs(7, 15, bounds)).toBe(47); // 466.7 a second, to the nearest millisecond
    expect(nextWindowMs(100, 100, bounds)).toBe(100); // 1,000 a second
    expect(nextWindowMs(5_000, 100, bounds)).toBe(100);
  });

  it('is the shortest after a quiet spell, however many were announced before it', () => {
    expect(nextWindowMs(1, Number.POSITIVE_INFINITY, bounds)).toBe(10);
    expect(nextWindowMs(1_000, 60_000, bounds)).toBe(10);
  });

  it('stays fixed when both bounds are the same, and takes an instant as a millisecond', () => {
    expect(nextWindowMs(5_000, 10, { minMs: 20, maxMs: 20 })).toBe(20);
    expect(nextWindowMs(3, 0, bounds)).toBe(100);
  });
});
