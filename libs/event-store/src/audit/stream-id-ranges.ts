import type { StreamIdRange } from './postgres-audit-reader.js';

const SPACE = 0x1_0000_0000;

/** The leading 32 bits of a UUID, read from its first eight hex digits. */
function leadingBits(id: string): number {
  return Number.parseInt(id.slice(0, 8), 16);
}

function boundAt(bits: number): string {
  return `${bits.toString(16).padStart(8, '0')}-0000-0000-0000-000000000000`;
}

/**
 * `range` (the whole id space when empty) cut into `parts` contiguous slices of about equal width by
 * the ids' leading 32 bits, in id order: random and name-based UUIDs spread evenly over them, so each
 * slice holds about as many streams. A range too narrow to cut stays whole.
 */
export function splitStreamIdRange(range: StreamIdRange, parts: number): StreamIdRange[] {
  const low = range.from === undefined ? 0 : leadingBits(range.from);
  const high = range.below === undefined ? SPACE : leadingBits(range.below);
  if (parts <= 1 || high - low < parts) return [range];
  const bounds = Array.from({ length: parts - 1 }, (_, k) => boundAt(low + Math.floor(((k + 1) * (high - low)) / parts)));
  return Array.from({ length: parts }, (_, k) => {
    const from = k === 0 ? range.from : bounds[k - 1];
    const below = k === parts - 1 ? range.below : bounds[k];
    return { ...(from === undefined ? {} : { from }), ...(below === undefined ? {} : { below }) };
  });
}
