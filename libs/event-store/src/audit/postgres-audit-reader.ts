import type pg from 'pg';
import type { FeedCursor } from '../postgres-event-store.js';
import type { EventMetadata } from '../stored-event.js';
import type { ChainEvent } from './hash-chain-verifier.js';

// Times as epoch milliseconds (exact in a double): cheaper to read than dates, and what the check compares.
const CHAIN_COLUMNS = `position, transaction_id::text AS transaction_id, stream_id, stream_version, event_id, type,
  schema_version, data, metadata, (extract(epoch FROM occurred_at) * 1000)::float8 AS occurred_ms,
  (extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_ms, previous_hash, hash`;

interface ChainRow {
  position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  occurred_ms: number;
  recorded_ms: number;
  previous_hash: string;
  hash: string;
}

/** Where a scan of every stream stands: the last (stream, version) read. */
export interface StreamScanKey {
  streamId: string;
  version: number;
}

/** A slice of the stream id space: ids from `from` (included) to `below` (excluded). */
export interface StreamIdRange {
  from?: string;
  below?: string;
}

export const SCAN_START: StreamScanKey = { streamId: '00000000-0000-0000-0000-000000000000', version: 0 };

/**
 * Reads the event store row by row as auditors need it: every column the hash covers (not only what
 * the application reads), in stream order or in feed order, in keyset pages.
 */
export class PostgresAuditReader {
  constructor(private readonly pool: pg.Pool) {}

  async readStreamChain(streamId: string, fromVersion: number, limit: number, toVersion = 2_147_483_647): Promise<ChainEvent[]> {
    const result = await this.pool.query<ChainRow>(
      `SELECT ${CHAIN_COLUMNS} FROM events
       WHERE stream_id = $1 AND stream_version >= $2 AND stream_version <= $4
       ORDER BY stream_version LIMIT $3`,
      [streamId, fromVersion, limit, toVersion],
    );
    return result.rows.map(toChainEvent);
  }

  /**
   * Every stream's events, stream after stream in (stream id, version) order; with `below`, only
   * streams whose id sorts before it (a partition of the id space, for verifying in parallel).
   */
  async scanStreams(after: StreamScanKey, limit: number, below?: string): Promise<ChainEvent[]> {
    const result = await this.pool.query<ChainRow>(
      `SELECT ${CHAIN_COLUMNS} FROM events
       WHERE (stream_id, stream_version) > ($1::uuid, $2::integer) AND ($4::uuid IS NULL OR stream_id < $4::uuid)
       ORDER BY stream_id, stream_version LIMIT $3`,
      [after.streamId, after.version, limit, below ?? null],
    );
    return result.rows.map(toChainEvent);
  }

  /**
   * The log in feed order after `after`: up to and including `upTo` when given (a checkpoint's
   * boundary, already below every open transaction), else up to the oldest open transaction.
   */
  async readFeedChain(after: FeedCursor, limit: number, upTo?: FeedCursor): Promise<ChainEvent[]> {
    const bound = upTo
      ? '(transaction_id, position) <= ($4::xid8, $5::bigint)'
      : 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';
    const result = await this.pool.query<ChainRow>(
      `SELECT ${CHAIN_COLUMNS} FROM events
       WHERE (transaction_id, position) > ($1::xid8, $2::bigint) AND ${bound}
       ORDER BY transaction_id, position LIMIT $3`,
      upTo
        ? [after.transactionId, after.position, limit, upTo.transactionId, upTo.position]
        : [after.transactionId, after.position, limit],
    );
    return result.rows.map(toChainEvent);
  }

  /** The head records of these streams: the version and hash each append left there. */
  async heads(streamIds: readonly string[]): Promise<Map<string, { version: number; hash: string }>> {
    const result = await this.pool.query<{ stream_id: string; version: number; head_hash: string }>(
      'SELECT stream_id, version, head_hash FROM event_streams WHERE stream_id = ANY($1::uuid[])',
      [streamIds],
    );
    return new Map(result.rows.map((row) => [row.stream_id, { version: row.version, hash: row.head_hash }]));
  }

  /** Streams whose head record exists but whose events are all gone (within [from, below) when given). */
  async streamsWithoutEvents(range: StreamIdRange = {}): Promise<{ streamId: string; version: number; hash: string }[]> {
    const result = await this.pool.query<{ stream_id: string; version: number; head_hash: string }>(
      `SELECT stream_id, version, head_hash FROM event_streams s
       WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.stream_id = s.stream_id)
         AND ($1::uuid IS NULL OR stream_id >= $1::uuid) AND ($2::uuid IS NULL OR stream_id < $2::uuid)`,
      [range.from ?? null, range.below ?? null],
    );
    return result.rows.map((row) => ({ streamId: row.stream_id, version: row.version, hash: row.head_hash }));
  }

  /** How many events the log holds (for progress), or one stream holds. */
  async countEvents(streamId?: string): Promise<number> {
    const result = streamId
      ? await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE stream_id = $1', [streamId])
      : await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM events');
    return Number(result.rows[0]!.n);
  }

  /** The stream's last version recorded at or before `at` (0 when none was): "what was known then". */
  async versionRecordedBy(streamId: string, at: string): Promise<number> {
    const result = await this.pool.query<{ version: number | null }>(
      'SELECT max(stream_version) AS version FROM events WHERE stream_id = $1 AND recorded_at <= $2::timestamptz',
      [streamId, at],
    );
    return result.rows[0]?.version ?? 0;
  }
}

function toChainEvent(row: ChainRow): ChainEvent {
  return {
    position: Number(row.position),
    transactionId: row.transaction_id,
    streamId: row.stream_id,
    version: row.stream_version,
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    occurredAt: row.occurred_ms,
    recordedAt: row.recorded_ms,
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}
