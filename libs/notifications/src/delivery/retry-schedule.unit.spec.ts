import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '@app/config';
import { retryDelayMs } from './retry-schedule.js';

describe('retryDelayMs', () => {
  const delays = loadConfig({}).notifications.deliveryRetryDelaysMs;

  it('retries first within a few seconds, then later and later', () => {
    const middle = () => 0.5;
    const waits = delays.map((_, index) => retryDelayMs(delays, index + 1, middle)!);
    expect(waits[0]).toBeLessThanOrEqual(5_000);
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThanOrEqual(waits[i - 1]!);
  });

  it('spreads retries by a tenth either way', () => {
    expect(retryDelayMs([10_000], 1, () => 0)).toBe(9_000);
    expect(retryDelayMs([10_000], 1, () => 1)).toBe(11_000);
  });

  it('gives up once every retry is used', () => {
    expect(retryDelayMs(delays, delays.length + 1)).toBeNull();
    expect(retryDelayMs([], 1)).toBeNull();
  });
});
