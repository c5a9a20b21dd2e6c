/** Bounds of a whole-number setting, and optionally why they are what they are. */
export interface WholeNumberRange {
  min: number;
  max: number;
  /** Said after the bounds in the message, e.g. "overdue milestones are looked for at least every minute". */
  why?: string;
}

/**
 * Reads a whole-number setting written in decimal digits, adding a sentence to `problems` when it is
 * anything else or out of `range`. `Number()` alone takes `1e2`, `0x3e8` or ` 1000 ` too: a setting
 * written that way is a mistake to point at, not a number to guess.
 */
export function readWholeNumber(key: string, value: string, range: WholeNumberRange, problems: string[]): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < range.min || number > range.max) {
    const why = range.why ? `: ${range.why}` : '';
    problems.push(`${key} must be a whole number between ${range.min} and ${range.max}${why} (got "${value}")`);
  }
  return number;
}
