import { createHash } from 'node:crypto';

/** How many items a part of a long array holds, unless told otherwise. */
export const ITEMS_PER_PART = 256;

/** What stands in a snapshot's text for a long array: the hashes of its parts, and the items after them. */
const PARTS = '\u0000parts';
const TAIL = '\u0000tail';

/** A part made before: the items it was made from (the same objects, in order) and its hash. */
interface MadePart {
  readonly items: readonly unknown[];
  readonly hash: string;
}

/** A snapshot's state written out: its text, every part it names, and the parts to store with it. */
export interface SplitState {
  text: string;
  /** The hashes of all the parts the text names, each once. */
  hashes: string[];
  /** The parts this process has not stored for the stream yet: their hashes and their text. */
  fresh: { hash: string; items: string }[];
}

/**
 * A state's long arrays (an indicator's measurements), written out in parts of `itemsPerPart` items that
 * the snapshots of one stream share, instead of whole in every snapshot.
 *
 * A part is named by the hash of its text, so a snapshot names exactly the items it was written with,
 * whatever happened to the stream since (a history restored from a backup makes other parts). Every
 * part but the last of an array is full, and an array only grows at its end, so a stream's next
 * snapshot has the same parts as the one before and perhaps a new one: the text of a state of thousands
 * of measurements is a few kilobytes besides the parts, and a new part is written once, when it fills.
 *
 * A part is written out once per process: a part made from the same objects again is known by them (a
 * state keeps the items of the states before it, measurement-log.ts). A process that has stored a
 * stream's part does not send it again; `forget` is told when a stream's parts turn out to be missing.
 */
export class SnapshotParts {
  private readonly made = new WeakMap<object, MadePart>();
  /** The parts each stream has stored, for the most recently saved streams. */
  private readonly stored = new Map<string, Set<string>>();

  constructor(
    private readonly itemsPerPart = ITEMS_PER_PART,
    private readonly streamsRemembered = 1_024,
  ) {}

  /** `state` as a snapshot's text, its long arrays in parts. */
  split(streamId: string, state: unknown): SplitState {
    const hashes = new Set<string>();
    const fresh = new Map<string, string>();
    const stored = this.stored.get(streamId);
    const text = JSON.stringify(state, (_key, value: unknown) => {
      if (!Array.isArray(value) || value.length < this.itemsPerPart) return value;
      const full = value.length - (value.length % this.itemsPerPart);
      const own: string[] = [];
      for (let start = 0; start < full; start += this.itemsPerPart) {
        const { hash, text } = this.part(value, start);
        own.push(hash);
        hashes.add(hash);
        if (!stored?.has(hash) && !fresh.has(hash)) fresh.set(hash, text ?? JSON.stringify(value.slice(start, start + this.itemsPerPart)));
      }
      return { [PARTS]: own.join(' '), [TAIL]: value.slice(full) };
    });
    return { text, hashes: [...hashes], fresh: [...fresh].map(([hash, items]) => ({ hash, items })) };
  }

  /** Remembers that `hashes` are stored for the stream: its next snapshots do not send them. */
  markStored(streamId: string, hashes: readonly string[]): void {
    // A stream whose state has no long array takes no room; one that sent nothing new is still recent.
    if (hashes.length === 0 && !this.stored.has(streamId)) return;
    const known = this.stored.get(streamId) ?? new Set<string>();
    for (const hash of hashes) known.add(hash);
    // Most recently saved last: the first is the one to let go.
    this.stored.delete(streamId);
    this.stored.set(streamId, known);
    if (this.stored.size > this.streamsRemembered) this.stored.delete(this.stored.keys().next().value!);
  }

  /** Forgets what the stream has stored (its parts were found missing): its next snapshot sends every part. */
  forget(streamId: string): void {
    this.stored.delete(streamId);
  }

  /**
   * The hash of the part of `array` from `start`, known by its items when made from the same objects
   * before; when made now, its text too.
   */
  private part(array: readonly unknown[], start: number): { hash: string; text?: string } {
    const first = array[start];
    const known = typeof first === 'object' && first !== null ? this.made.get(first) : undefined;
    if (known && known.items.every((item, index) => item === array[start + index])) return known;
    const items = array.slice(start, start + this.itemsPerPart);
    const text = JSON.stringify(items);
    const hash = createHash('sha256').update(text).digest('base64url');
    if (typeof first === 'object' && first !== null) this.made.set(first, { items, hash });
    return { hash, text };
  }
}

/**
 * A state read back from a snapshot's text and the parts it names (their hashes and texts). Undefined
 * when a part is missing: the snapshot cannot be read, and the state must be folded without it.
 */
export function joinParts<State>(text: string, parts: ReadonlyMap<string, string>): State | undefined {
  const items = new Map<string, unknown[]>();
  const join = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) value[index] = join(value[index]);
      return value;
    }
    if (typeof value !== 'object' || value === null) return value;
    const record = value as Record<string, unknown>;
    if (isLongArray(record)) {
      const joined: unknown[] = [];
      for (const hash of record[PARTS] === '' ? [] : record[PARTS].split(' ')) {
        let part = items.get(hash);
        if (part === undefined) {
          const text = parts.get(hash);
          if (text === undefined) throw new MissingPart(hash);
          part = JSON.parse(text) as unknown[];
          items.set(hash, part);
        }
        for (const item of part) joined.push(item);
      }
      for (const item of record[TAIL]) joined.push(join(item));
      return joined;
    }
    for (const key of Object.keys(record)) record[key] = join(record[key]);
    return record;
  };
  try {
    return join(JSON.parse(text)) as State;
  } catch (error) {
    if (error instanceof MissingPart) return undefined;
    throw error;
  }
}

function isLongArray(record: Record<string, unknown>): record is { [PARTS]: string; [TAIL]: unknown[] } {
  const keys = Object.keys(record);
  return keys.length === 2 && typeof record[PARTS] === 'string' && Array.isArray(record[TAIL]);
}

class MissingPart extends Error {
  constructor(readonly hash: string) {
    super(`snapshot part ${hash} is missing`);
  }
}
