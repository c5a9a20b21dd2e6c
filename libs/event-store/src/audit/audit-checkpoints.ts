import type pg from 'pg';
import { GENESIS_HASH } from '../event-hash.js';
import { FEED_START, type FeedCursor } from '../postgres-event-store.js';
import { inTransaction } from '../transaction.js';
import { CheckpointHasher, type ChainEvent, holdsItsHash } from './hash-chain-verifier.js';
import type { PostgresAuditReader } from './postgres-audit-reader.js';
import type { ProgressListener } from './stream-verification.js';

/** A published head of the whole log's hash chain. */
export interface AuditCheckpoint {
  id: number;
  /** The last event the checkpoint covers, in feed order; `upTo.position` is what `GET /events?after=` takes. */
  upTo: FeedCursor;
  /** Events covered since the previous checkpoint, and in all. */
  events: number;
  totalEvents: number;
  previousHash: string;
  hash: string;
  createdAt: string;
}

export type CheckpointVerification =
  | { valid: true; checkpoints: number; events: number; head: AuditCheckpoint | null }
  | {
      valid: false;
      checkpoints: number;
      events: number;
      /** The first checkpoint whose hash the log no longer reproduces. */
      brokenAt: { checkpointId: number; expectedHash: string; computedHash: string } | null;
      /** The first event whose own hash no longer matches its content, when one does not. */
      tamperedEvent: { streamId: string; version: number; position: number } | null;
      reason: string;
    };

/** The checkpoint writer found an event whose content no longer hashes to its stored hash. */
export class LogTampered extends Error {
  constructor(readonly event: { streamId: string; version: number; position: number }) {
    super(
      `Event ${event.streamId} version ${event.version} (position ${event.position}) no longer matches its hash: ` +
        'no checkpoint is published over a changed log. Run `npm run audit:verify`.',
    );
    this.name = 'LogTampered';
  }
}

/** Events read per query, each hashed as it arrives. */
const PAGE = 1_000;
/** Taken by whoever writes a checkpoint, so two workers never publish the same one twice. */
const WRITER_LOCK = 7_412_903_001;

interface CheckpointRow {
  id: string;
  up_to_transaction_id: string;
  up_to_position: string;
  events: string;
  total_events: string;
  previous_hash: string;
  hash: string;
  created_at: Date;
}

const COLUMNS = `id, up_to_transaction_id::text AS up_to_transaction_id, up_to_position, events, total_events,
  previous_hash, hash, created_at`;

/**
 * Checkpoints of the global hash chain: the log in feed order (transaction, position), which never
 * skips an event that commits late, folded into one hash per interval. An auditor who keeps a
 * checkpoint's hash can later recompute it from the log and prove nothing before it changed, even a
 * change that rewrote a stream's hashes consistently.
 */
export class AuditCheckpoints {
  constructor(
    private readonly pool: pg.Pool,
    private readonly reader: PostgresAuditReader,
  ) {}

  async list(options: { afterId?: number; limit?: number } = {}): Promise<AuditCheckpoint[]> {
    const result = await this.pool.query<CheckpointRow>(
      `SELECT ${COLUMNS} FROM audit_checkpoints WHERE id > $1 ORDER BY id LIMIT $2`,
      [options.afterId ?? 0, options.limit ?? 100],
    );
    return result.rows.map(toCheckpoint);
  }

  async get(id: number): Promise<AuditCheckpoint | undefined> {
    const result = await this.pool.query<CheckpointRow>(`SELECT ${COLUMNS} FROM audit_checkpoints WHERE id = $1`, [id]);
    return result.rows[0] && toCheckpoint(result.rows[0]);
  }

  async latest(): Promise<AuditCheckpoint | undefined> {
    const result = await this.pool.query<CheckpointRow>(`SELECT ${COLUMNS} FROM audit_checkpoints ORDER BY id DESC LIMIT 1`);
    return result.rows[0] && toCheckpoint(result.rows[0]);
  }

  /**
   * Publishes the next checkpoint over every event committed since the last one; nothing when no
   * event was. Each event's hash is recomputed first: a changed event stops publication (LogTampered)
   * rather than being sealed into the chain.
   */
  async publish(): Promise<AuditCheckpoint | undefined> {
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [WRITER_LOCK]);
      const lastRow = await client.query<CheckpointRow>(`SELECT ${COLUMNS} FROM audit_checkpoints ORDER BY id DESC LIMIT 1`);
      const last = lastRow.rows[0] && toCheckpoint(lastRow.rows[0]);
      const hasher = new CheckpointHasher(last?.hash ?? GENESIS_HASH);
      let cursor = last?.upTo ?? FEED_START;
      for (;;) {
        const read = await this.reader.scanFeed(cursor, PAGE, undefined, (event) => {
          if (!holdsItsHash(event)) throw new LogTampered(event);
          hasher.add(event.hash);
          cursor = { transactionId: event.transactionId, position: event.position };
        });
        if (read < PAGE) break;
      }
      if (hasher.events === 0) return undefined;
      const inserted = await client.query<CheckpointRow>(
        `INSERT INTO audit_checkpoints (id, up_to_transaction_id, up_to_position, events, total_events, previous_hash, hash)
         VALUES ($1, $2::xid8, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [
          (last?.id ?? 0) + 1,
          cursor.transactionId,
          cursor.position,
          hasher.events,
          (last?.totalEvents ?? 0) + hasher.events,
          hasher.previousHash,
          hasher.digest(),
        ],
      );
      return toCheckpoint(inserted.rows[0]!);
    });
  }

  /**
   * Recomputes the global chain from the first event and compares it with every stored checkpoint up
   * to `upToId` (all when omitted), and with `heldHash` (a hash an auditor kept) at `upToId`. Also
   * recomputes each event's own hash, naming the first event changed in place.
   */
  async verify(options: { upToId?: number; heldHash?: string; onProgress?: ProgressListener } = {}): Promise<CheckpointVerification> {
    const checkpoints = (await this.allCheckpoints()).filter((checkpoint) => options.upToId === undefined || checkpoint.id <= options.upToId);
    let events = 0;
    // Typed by assertion: set inside the scan's callback, which TypeScript's narrowing does not follow.
    let tamperedEvent = null as { streamId: string; version: number; position: number } | null;
    let brokenAt: { checkpointId: number; expectedHash: string; computedHash: string } | null = null;
    // The feed positions the broken checkpoint covers: after the checkpoint before it (0: from the first event), up to its own.
    // `rewritten`: only the held hash disagrees, the table's own checkpoints agreeing with the events.
    let brokenSpan = { after: 0, upTo: 0, rewritten: false };
    let previous = GENESIS_HASH;
    let cursor = FEED_START;
    for (const checkpoint of checkpoints) {
      const segmentStart = cursor.position;
      const hasher = new CheckpointHasher(previous);
      for (;;) {
        const read = await this.reader.scanFeed(cursor, PAGE, checkpoint.upTo, (event) => {
          if (tamperedEvent === null && !holdsItsHash(event)) tamperedEvent = locate(event);
          hasher.add(event.hash);
          cursor = { transactionId: event.transactionId, position: event.position };
        });
        events += read;
        options.onProgress?.(events);
        if (read < PAGE) break;
      }
      const computed = hasher.digest();
      const expected = checkpoint.id === options.upToId && options.heldHash ? options.heldHash : checkpoint.hash;
      if (brokenAt === null && (computed !== expected || checkpoint.previousHash !== previous)) {
        brokenAt = { checkpointId: checkpoint.id, expectedHash: expected, computedHash: computed };
        // The held hash chains every checkpoint before it. When the table's checkpoint agrees with the
        // events and only the held hash does not, the table was rewritten with them: the change may be
        // anywhere before, and this checkpoint's own span would point the search to the wrong place.
        const rewritten = expected !== checkpoint.hash && computed === checkpoint.hash && checkpoint.previousHash === previous;
        brokenSpan = { after: rewritten ? 0 : segmentStart, upTo: checkpoint.upTo.position, rewritten };
      }
      previous = computed;
    }
    if (options.upToId !== undefined && !checkpoints.some((checkpoint) => checkpoint.id === options.upToId)) {
      return {
        valid: false,
        checkpoints: checkpoints.length,
        events,
        brokenAt: null,
        tamperedEvent,
        reason: `Checkpoint ${options.upToId} is not in the log's checkpoint table: it was removed, or never published.`,
      };
    }
    if (brokenAt === null && tamperedEvent === null) {
      return { valid: true, checkpoints: checkpoints.length, events, head: checkpoints.at(-1) ?? null };
    }
    const reasons: string[] = [];
    if (brokenAt && brokenSpan.rewritten) {
      reasons.push(
        `The events up to checkpoint ${brokenAt.checkpointId} no longer hash to ${brokenAt.expectedHash}, the hash held, though they hash to ` +
          `the one the checkpoint table now gives: the table was rewritten to match events changed, removed, inserted or moved ` +
          `anywhere in the feed up to position ${brokenSpan.upTo}. A hash held of an earlier checkpoint narrows where.`,
      );
    } else if (brokenAt) {
      reasons.push(
        `The events up to checkpoint ${brokenAt.checkpointId} no longer hash to ${brokenAt.expectedHash}: ` +
          `an event it covers (in the feed after position ${brokenSpan.after}, up to position ${brokenSpan.upTo}) ` +
          `was changed, removed, inserted or moved, or the checkpoint itself was rewritten.`,
      );
    }
    if (tamperedEvent) {
      reasons.push(
        `Event ${tamperedEvent.streamId} version ${tamperedEvent.version} (position ${tamperedEvent.position}) no longer matches its own hash.`,
      );
    }
    return { valid: false, checkpoints: checkpoints.length, events, brokenAt, tamperedEvent, reason: reasons.join(' ') };
  }

  private async allCheckpoints(): Promise<AuditCheckpoint[]> {
    const all: AuditCheckpoint[] = [];
    for (;;) {
      const page = await this.list({ afterId: all.at(-1)?.id ?? 0, limit: 1000 });
      all.push(...page);
      if (page.length < 1000) return all;
    }
  }
}

function locate(event: ChainEvent) {
  return { streamId: event.streamId, version: event.version, position: event.position };
}

function toCheckpoint(row: CheckpointRow): AuditCheckpoint {
  return {
    id: Number(row.id),
    upTo: { transactionId: row.up_to_transaction_id, position: Number(row.up_to_position) },
    events: Number(row.events),
    totalEvents: Number(row.total_events),
    previousHash: row.previous_hash,
    hash: row.hash,
    createdAt: row.created_at.toISOString(),
  };
}
