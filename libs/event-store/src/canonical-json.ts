/**
 * Canonical JSON (RFC 8785 style for the values events hold): object keys sorted by code unit,
 * no whitespace, `undefined` members left out. The same value always serialises to the same bytes,
 * which is what a hash chain needs.
 *
 * Verification runs this on every event, so the usual case takes a fast path: a copy of the value with
 * its keys inserted in sorted order, written by the engine's own `JSON.stringify`. Values that path
 * would write differently (integer-like keys, which engines enumerate numerically; a `__proto__` member,
 * which an assignment would take for the prototype; non-finite numbers;
 * `toJSON` other than Date's; anything not JSON) take the plain recursive writer, which also refuses
 * what has no canonical form.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) throw new TypeError('canonical JSON has no form for a undefined');
  const sorted = sortedCopy(value);
  return sorted === NOT_FAST ? writeCanonical(value) : JSON.stringify(sorted);
}

/** What `sortedCopy` answers for a value only the plain writer (`writeCanonical`) writes canonically. */
export const NOT_FAST: unique symbol = Symbol('not fast');

/** Keys engines enumerate before the others, in numeric order: a sorted copy cannot hold them in order. */
const INTEGER_LIKE = /^(0|[1-9]\d*)$/;

/**
 * The fast path: a copy of the value whose `JSON.stringify` is its canonical JSON, or `NOT_FAST`. For
 * callers that put several canonical values into one `JSON.stringify` (the event hash does).
 */
export function sortedCopy(value: unknown): unknown {
  if (value === null) return value;
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : NOT_FAST;
    case 'object': {
      if (value instanceof Date) return value;
      if (Array.isArray(value)) {
        const copy = new Array<unknown>(value.length);
        for (let index = 0; index < value.length; index++) {
          const item = sortedCopy(value[index]);
          if (item === NOT_FAST) return NOT_FAST;
          copy[index] = item;
        }
        return copy;
      }
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return NOT_FAST;
      const record = value as Record<string, unknown>;
      const keys = sortKeys(Object.keys(record));
      const copy: Record<string, unknown> = {};
      for (let index = 0; index < keys.length; index++) {
        const key = keys[index]!;
        const first = key.charCodeAt(0);
        if (first >= 0x30 && first <= 0x39 && INTEGER_LIKE.test(key)) return NOT_FAST;
        // Assigned to a plain object it would set the copy's prototype, not a member, and vanish.
        if (key === '__proto__') return NOT_FAST;
        const member = sortedCopy(record[key]);
        if (member === NOT_FAST) return NOT_FAST;
        if (member !== undefined) copy[key] = member;
      }
      return copy;
    }
    default:
      return NOT_FAST;
  }
}

/**
 * Sorts an object's keys in place by UTF-16 code unit, as `Array.prototype.sort()` does: objects mostly
 * hold a handful of keys, where an insertion sort with the `>` operator is cheaper than the generic sort.
 */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 16) return keys.sort();
  for (let index = 1; index < keys.length; index++) {
    const key = keys[index]!;
    let at = index - 1;
    while (at >= 0 && keys[at]! > key) {
      keys[at + 1] = keys[at]!;
      at--;
    }
    keys[at + 1] = key;
  }
  return keys;
}

/** The plain writer: every case spelled out, and a TypeError for what JSON cannot hold. */
export function writeCanonical(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no form for a non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      if (Array.isArray(value)) {
        let out = '[';
        for (let index = 0; index < value.length; index++) {
          if (index > 0) out += ',';
          out += writeCanonical(value[index] ?? null);
        }
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      // The default sort compares UTF-16 code units, which is the order canonical JSON asks for.
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const member = record[key];
        if (member === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += `${JSON.stringify(key)}:${writeCanonical(member)}`;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`canonical JSON has no form for a ${typeof value}`);
  }
}
