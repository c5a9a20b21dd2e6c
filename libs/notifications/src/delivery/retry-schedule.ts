/**
 * When a failed delivery is tried again: `delays[n - 1]` after the n-th attempt failed, give or take a
 * tenth so that many deliveries failing together (a receiver down) do not all come back at once.
 * Answers null once every retry is used: the delivery has failed.
 */
export function retryDelayMs(delays: readonly number[], failedAttempt: number, random: () => number = Math.random): number | null {
  const base = delays[failedAttempt - 1];
  if (base === undefined) return null;
  return Math.round(base * (0.9 + 0.2 * random()));
}
