import { createHash } from 'node:crypto';
import { type CanonicalEventParts, eventHash, eventHashOf, GENESIS_HASH, type HashableEvent } from '../event-hash.js';
import type { EventMetadata } from '../stored-event.js';
import { isoTextOf } from './iso-time.js';

/**
 * An event as its row stores it: every column the hash covers, read back for recomputation. The stream,
 * version, type, schema version and previous hash as the hash names them; `dataJson` and `metadataJson`
 * the columns' text, the canonical JSON the append wrote (unless a row was changed since).
 */
export interface ChainEvent extends Omit<CanonicalEventParts, 'eventId' | 'occurredAt' | 'recordedAt'> {
  position: number;
  /** The `event_id` column. */
  eventId: string;
  /** The `occurred_at` and `recorded_at` columns, as epoch milliseconds. */
  occurredAt: number;
  recordedAt: number;
  hash: string;
}

/** Where and why a stream's chain stops holding. */
export interface ChainBreak {
  version: number;
  position: number;
  eventId: string;
  code: 'VERSION_GAP' | 'PREVIOUS_HASH_MISMATCH' | 'HASH_MISMATCH' | 'COLUMN_MISMATCH' | 'HEAD_MISMATCH';
  reason: string;
}

/** The metadata the event's `metadataJson` holds, as far as its hash and its columns go. */
type HashedMetadata = Partial<Pick<EventMetadata, 'eventId' | 'occurredAt' | 'recordedAt'>> | null;

function metadataOf(event: ChainEvent): HashedMetadata {
  return JSON.parse(event.metadataJson) as HashedMetadata;
}

/**
 * The hash an event must carry, recomputed from its content as `append` computed it: canonical JSON of
 * the event and its stream's previous hash, SHA-256. The event id and times are those of the metadata
 * (the strings that were hashed); `columnMismatch` checks the columns say the same. Reads the data and
 * the metadata from their stored text and writes them canonically: see `holdsItsHash` for the ways
 * verification takes first.
 */
export function recomputeEventHash(event: ChainEvent, metadata: HashedMetadata = metadataOf(event)): string {
  const { streamId, version, type, schemaVersion, previousHash } = event;
  const data = JSON.parse(event.dataJson) as unknown;
  return eventHash({ streamId, version, type, schemaVersion, data, metadata: metadata as HashableEvent['metadata'], previousHash });
}

/**
 * Whether the event, its columns taken as they stand, hashes to its stored hash: the data and metadata
 * columns' text, and the event id and times of their own columns (the times written as the append writes
 * them, `toISOString`) where the hash has the metadata's. The append writes those columns from the same
 * values as the metadata, so a hit proves the row is as appended, columns and all, without parsing
 * anything; a miss (a row changed since, or stored before the data and metadata columns kept their text,
 * or times the API did not write with `toISOString`) is looked at closely by `push`.
 */
function holdsItsHashAsStored(event: ChainEvent): boolean {
  const occurredAt = isoTextOf(event.occurredAt);
  const recordedAt = isoTextOf(event.recordedAt);
  if (occurredAt === undefined || recordedAt === undefined) return false;
  const { streamId, version, eventId, type, schemaVersion, dataJson, metadataJson, previousHash } = event;
  return eventHashOf({ streamId, version, eventId, type, schemaVersion, dataJson, metadataJson, occurredAt, recordedAt, previousHash }) === event.hash;
}

/**
 * Whether the event's content still hashes to its stored hash, the event id and times taken from its
 * metadata. The data and metadata columns keep the canonical JSON the append hashed, so their text is
 * hashed as it stands first, never parsing the data; only when that misses is the content read and
 * written canonically (`recomputeEventHash`): a row stored before the columns kept their text, or one
 * rewritten since, perhaps to the same content. Both ways answer alike: a hit means the text is the very
 * text hashed at the append (short of a SHA-256 collision: valid JSON texts put together this way cannot
 * spell the same bytes differently).
 */
export function holdsItsHash(event: ChainEvent, metadata: HashedMetadata = metadataOf(event)): boolean {
  const eventId = metadata?.eventId;
  const occurredAt = metadata?.occurredAt;
  const recordedAt = metadata?.recordedAt;
  if (typeof eventId === 'string' && typeof occurredAt === 'string' && typeof recordedAt === 'string') {
    const { streamId, version, type, schemaVersion, dataJson, metadataJson, previousHash } = event;
    const parts = { streamId, version, eventId, type, schemaVersion, dataJson, metadataJson, occurredAt, recordedAt, previousHash };
    if (eventHashOf(parts) === event.hash) return true;
  }
  return recomputeEventHash(event, metadata) === event.hash;
}

/** Columns kept beside the metadata for indexing must agree with it, or one of them was changed. */
function columnMismatch(event: ChainEvent, metadata: HashedMetadata): string | undefined {
  if (metadata?.eventId !== event.eventId) return 'its event_id column differs from the event id in its metadata';
  if (typeof metadata.occurredAt !== 'string' || Date.parse(metadata.occurredAt) !== event.occurredAt) {
    return 'its occurred_at column differs from the occurred-at in its metadata';
  }
  if (typeof metadata.recordedAt !== 'string' || Date.parse(metadata.recordedAt) !== event.recordedAt) {
    return 'its recorded_at column differs from the recorded-at in its metadata';
  }
  return undefined;
}

/**
 * Checks one stream's chain event by event, in version order: versions 1, 2, 3... without a gap, each
 * previous hash equal to the hash before it (the genesis hash for version 1), each hash equal to the
 * one recomputed from the content, and the indexed columns equal to the metadata. Stops at the first
 * break, which is the earliest event that was changed, removed or inserted.
 */
export class StreamChainVerifier {
  private expectedVersion = 1;
  private previousHash = GENESIS_HASH;
  private last: ChainEvent | undefined;
  private broken: ChainBreak | undefined;
  private count = 0;

  constructor(readonly streamId: string) {}

  get events(): number {
    return this.count;
  }

  get brokenAt(): ChainBreak | undefined {
    return this.broken;
  }

  /** Checks the next event; answers the break, if this event is where the chain breaks (or broke). */
  push(event: ChainEvent): ChainBreak | undefined {
    if (this.broken) return this.broken;
    const breakHere = (code: ChainBreak['code'], reason: string) =>
      (this.broken = { version: event.version, position: event.position, eventId: event.eventId, code, reason });
    if (event.version !== this.expectedVersion) {
      return breakHere(
        'VERSION_GAP',
        `version ${this.expectedVersion} is missing: the event after version ${this.expectedVersion - 1} is version ${event.version}`,
      );
    }
    if (event.previousHash !== this.previousHash) {
      return breakHere('PREVIOUS_HASH_MISMATCH', `its previous hash is not the hash of version ${event.version - 1}`);
    }
    if (!holdsItsHashAsStored(event)) {
      const metadata = metadataOf(event);
      const mismatch = columnMismatch(event, metadata);
      if (mismatch) return breakHere('COLUMN_MISMATCH', mismatch);
      if (!holdsItsHash(event, metadata)) {
        return breakHere('HASH_MISMATCH', 'its content no longer hashes to its stored hash: it was changed after it was recorded');
      }
    }
    this.expectedVersion++;
    this.previousHash = event.hash;
    this.last = event;
    this.count++;
    return undefined;
  }

  /**
   * The break the stream's head record shows, if the events all held: the head (`event_streams`) must
   * name the last event's version and hash, or events were removed from the end or the head rewritten.
   */
  checkHead(head: { version: number; hash: string } | undefined): ChainBreak | undefined {
    if (this.broken) return this.broken;
    const lastVersion = this.last?.version ?? 0;
    if (head && head.version === lastVersion && head.hash === (this.last?.hash ?? GENESIS_HASH)) return undefined;
    // Located at the last event there is, whose version, position and id are all real: the head names
    // another (events cut off after it, or added past a head put back), as the reason says.
    this.broken = {
      version: lastVersion,
      position: this.last?.position ?? 0,
      eventId: this.last?.eventId ?? '',
      code: 'HEAD_MISMATCH',
      reason: head
        ? `the stream's head names version ${head.version} and hash ${head.hash.slice(0, 12)}…, but its events end at version ${lastVersion}`
        : 'the stream has events but no head record',
    };
    return this.broken;
  }

  get head(): { version: number; position: number; hash: string } | undefined {
    return this.last && { version: this.last.version, position: this.last.position, hash: this.last.hash };
  }
}

/**
 * The global chain that checkpoints publish: each checkpoint's hash is SHA-256 over the previous
 * checkpoint's hash followed by the hash of every event since, in feed order (transaction, position),
 * all as lower-case hex text. The first checkpoint's previous hash is the genesis hash.
 */
export class CheckpointHasher {
  private readonly hash = createHash('sha256');
  private count = 0;

  constructor(readonly previousHash: string = GENESIS_HASH) {
    this.hash.update(previousHash);
  }

  add(eventHash: string): void {
    this.hash.update(eventHash);
    this.count++;
  }

  get events(): number {
    return this.count;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}
