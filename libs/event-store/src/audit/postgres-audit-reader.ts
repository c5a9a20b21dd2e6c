import pg from 'pg';
import { eachRow } from '../each-row.js';
import type { FeedCursor } from '../postgres-event-store.js';
import type { ChainEvent } from './hash-chain-verifier.js';

// Times as epoch milliseconds (exact in a double): cheaper to read than dates, and what the check compares.
// Left numeric (its text read with Number, correctly rounded as a float8 cast is): the cast cost the server 6% more.
const CHAIN_COLUMNS = `position, stream_id, stream_version, event_id, type, schema_version, data, metadata,
  extract(epoch FROM occurred_at) * 1000 AS occurred_ms, extract(epoch FROM recorded_at) * 1000 AS recorded_ms,
  previous_hash, hash`;
// Only the feed's cursor needs the writing transaction; stream scans spare the server its text (some 8% of its work).
const FEED_CHAIN_COLUMNS = `${CHAIN_COLUMNS}, transaction_id::text AS transaction_id`;

/** A row of CHAIN_COLUMNS (and FEED_CHAIN_COLUMNS' transaction) as an array (pg's `rowMode: 'array'`), in that order. */
type ChainRow = [
  position: string,
  streamId: string,
  version: number,
  eventId: string,
  type: string,
  schemaVersion: number,
  dataJson: string,
  metadataJson: string,
  occurredMs: string,
  recordedMs: string,
  previousHash: string,
  hash: string,
  transactionId?: string,
];

/** Told of each event of a scan as its row arrives. */
export type ChainEventListener<Event extends ChainEvent = ChainEvent> = (event: Event) => void;

/** An event read in feed order, with the transaction that wrote it: where the feed's cursor stands after it. */
export interface FeedChainEvent extends ChainEvent {
  /** The `transaction_id` column (xid8, as text). */
  transactionId: string;
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

/**
 * How the scans read their columns: the json ones (data, metadata) as the text stored, not parsed, so
 * verification can hash that text as it stands; every other type as pg reads it by default.
 */
const STORED_TEXT: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.JSON ? (text: string) => text : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

export const SCAN_START: StreamScanKey = { streamId: '00000000-0000-0000-0000-000000000000', version: 0 };

/**
 * Reads the event store row by row as auditors need it: every column the hash covers (not only what
 * the application reads), in stream order or in feed order, in keyset pages. The scans hand each event
 * over as its row arrives rather than a page at a time: only the event at hand is alive, so verifying a
 * long log makes little garbage, and hashing runs while the server is still sending the page.
 */
export class PostgresAuditReader {
  constructor(private readonly pool: pg.Pool) {}

  async readStreamChain(streamId: string, fromVersion: number, limit: number, toVersion = 2_147_483_647): Promise<ChainEvent[]> {
    const events: ChainEvent[] = [];
    await this.scanStream(streamId, fromVersion, limit, (event) => events.push(event), toVersion);
    return events;
  }

  /** One stream's events from `fromVersion` to `toVersion` in version order, at most `limit`; answers how many were read. */
  scanStream(streamId: string, fromVersion: number, limit: number, onEvent: ChainEventListener, toVersion = 2_147_483_647): Promise<number> {
    return this.scan(
      `SELECT ${CHAIN_COLUMNS} FROM events
       WHERE stream_id = $1 AND stream_version >= $2 AND stream_version <= $4
       ORDER BY stream_version LIMIT $3`,
      [streamId, fromVersion, limit, toVersion],
      (row) => onEvent(toChainEvent(row)),
    );
  }

  /**
   * Every stream's events after `after`, stream after stream in (stream id, version) order, at most
   * `limit` of them; with `below`, only streams whose id sorts before it (a partition of the id space,
   * for verifying in parallel). Answers how many were read.
   */
  scanStreams(after: StreamScanKey, limit: number, below: string | undefined, onEvent: ChainEventListener): Promise<number> {
    return this.scan(
      `SELECT ${CHAIN_COLUMNS} FROM events
       WHERE (stream_id, stream_version) > ($1::uuid, $2::integer) AND ($4::uuid IS NULL OR stream_id < $4::uuid)
       ORDER BY stream_id, stream_version LIMIT $3`,
      [after.streamId, after.version, limit, below ?? null],
      (row) => onEvent(toChainEvent(row)),
    );
  }

  /**
   * The log in feed order after `after`, at most `limit` events: up to and including `upTo` when given
   * (a checkpoint's boundary, already below every open transaction), else up to the oldest open
   * transaction. Answers how many were read.
   */
  scanFeed(after: FeedCursor, limit: number, upTo: FeedCursor | undefined, onEvent: ChainEventListener<FeedChainEvent>): Promise<number> {
    const bound = upTo
      ? '(transaction_id, position) <= ($4::xid8, $5::bigint)'
      : 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';
    return this.scan(
      `SELECT ${FEED_CHAIN_COLUMNS} FROM events
       WHERE (transaction_id, position) > ($1::xid8, $2::bigint) AND ${bound}
       ORDER BY events.transaction_id, events.position LIMIT $3`,
      upTo
        ? [after.transactionId, after.position, limit, upTo.transactionId, upTo.position]
        : [after.transactionId, after.position, limit],
      (row) => onEvent({ ...toChainEvent(row), transactionId: row[12]! }),
    );
  }

  /** Runs a query of CHAIN_COLUMNS on a connection of its own, handing over each row as it arrives (see eachRow). */
  private async scan(text: string, values: unknown[], onRow: (row: ChainRow) => void): Promise<number> {
    const client = await this.pool.connect();
    try {
      const read = await eachRow(client, text, values, onRow, STORED_TEXT);
      client.release();
      return read;
    } catch (error) {
      client.release(error instanceof Error ? error : true);
      throw error;
    }
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

  /**
   * About how many events the log holds, for a progress bar: PostgreSQL's own estimate (kept by
   * ANALYZE and autovacuum), read at once, where counting the rows takes a scan of the whole table (a
   * tenth of a second per 100,000 events here, before verification could start). Counted when the table
   * was never analysed.
   */
  async estimateEvents(): Promise<number> {
    const result = await this.pool.query<{ estimate: string | null }>(
      `SELECT CASE WHEN reltuples >= 0 THEN reltuples::bigint END AS estimate FROM pg_class WHERE oid = 'events'::regclass`,
    );
    const estimate = result.rows[0]?.estimate;
    return estimate === null || estimate === undefined ? this.countEvents() : Number(estimate);
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
    position: Number(row[0]),
    streamId: row[1],
    version: row[2],
    eventId: row[3],
    type: row[4],
    schemaVersion: row[5],
    dataJson: row[6],
    metadataJson: row[7],
    occurredAt: Number(row[8]),
    recordedAt: Number(row[9]),
    previousHash: row[10],
    hash: row[11],
  };
}
