/**
 * A copy of `record` without its undefined-valued keys, so events and state hold only what was given:
 * JSON drops such keys on storage, and a value rebuilt from storage must equal the one decided.
 */
export function withoutUndefined<T extends object>(record: T): T {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const value = (record as Record<string, unknown>)[key];
    if (value === undefined) continue;
    // Assigned, `__proto__` would set the copy's prototype instead of keeping the member.
    if (key === '__proto__') Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
    else copy[key] = value;
  }
  return copy as T;
}

/**
 * The entry of `record` under `id`, if it has one of its own. Ids come from callers, so a plain index
 * would find "constructor" or "toString" on every record.
 */
export function entryOf<T>(record: Record<string, T>, id: string): T | undefined {
  return Object.hasOwn(record, id) ? record[id] : undefined;
}
