import type { ChainBreak, ChainEvent } from './hash-chain-verifier.js';
import { StreamChainVerifier } from './hash-chain-verifier.js';
import { GENESIS_HASH } from '../event-hash.js';
import { type PostgresAuditReader, SCAN_START, type StreamIdRange, type StreamScanKey } from './postgres-audit-reader.js';
import { splitStreamIdRange } from './stream-id-ranges.js';

/** Events read per query while verifying, each checked as it arrives (pages of 10,000 were no faster). */
const PAGE = 1_000;

export type StreamVerification =
  | {
      valid: true;
      streamId: string;
      /** Events verified. */
      events: number;
      head: { version: number; position: number; hash: string } | null;
    }
  | {
      valid: false;
      streamId: string;
      /** Events verified before the break. */
      events: number;
      brokenAt: { version: number; position: number; eventId: string };
      code: ChainBreak['code'];
      reason: string;
    };

export interface LogVerification {
  valid: boolean;
  streams: number;
  events: number;
  /** The streams whose chain breaks, the first 100 of them. */
  broken: Extract<StreamVerification, { valid: false }>[];
  brokenStreams: number;
}

/** Told how many events were checked so far, so long runs can show progress. */
export type ProgressListener = (checked: number) => void;

function outcome(verifier: StreamChainVerifier): StreamVerification {
  const broken = verifier.brokenAt;
  if (!broken) return { valid: true, streamId: verifier.streamId, events: verifier.events, head: verifier.head ?? null };
  return {
    valid: false,
    streamId: verifier.streamId,
    events: verifier.events,
    brokenAt: { version: broken.version, position: broken.position, eventId: broken.eventId },
    code: broken.code,
    reason: `Version ${broken.version} (position ${broken.position}): ${broken.reason}.`,
  };
}

/** Whether the verifier's chain ends where the head record says the stream ends. */
function endsAtHead(verifier: StreamChainVerifier, head: { version: number; hash: string }): boolean {
  return head.version === (verifier.head?.version ?? 0) && head.hash === (verifier.head?.hash ?? GENESIS_HASH);
}

/**
 * Checks where the verified chain ends against the stream's head record. Writers do not stop for an
 * audit: a head read after the events may be ahead of them (appended since), one read before them
 * behind (appended while they were read). So while the two disagree, the events up to the head are
 * read on and the head read again, a few rounds; only a head that still disagrees is a break (a tail
 * deleted, an event added past the head, a head record changed).
 */
async function settleHead(reader: PostgresAuditReader, verifier: StreamChainVerifier, head: { version: number; hash: string } | undefined): Promise<void> {
  for (let round = 0; round < 3 && head && !verifier.brokenAt && !endsAtHead(verifier, head); round++) {
    const last = verifier.head?.version ?? 0;
    if (head.version > last) await reader.scanStream(verifier.streamId, last + 1, head.version - last, (event) => verifier.push(event), head.version);
    if (verifier.brokenAt || endsAtHead(verifier, head)) break;
    head = (await reader.heads([verifier.streamId])).get(verifier.streamId);
  }
  verifier.checkHead(head);
}

/**
 * Verifies one stream's hash chain from its first event to its head record. Undefined when the stream
 * does not exist.
 */
export async function verifyStream(
  reader: PostgresAuditReader,
  streamId: string,
  onProgress?: ProgressListener,
): Promise<StreamVerification | undefined> {
  const head = (await reader.heads([streamId])).get(streamId);
  const verifier = new StreamChainVerifier(streamId);
  let nextVersion = 1;
  let read = 0;
  for (;;) {
    const count = await reader.scanStream(streamId, nextVersion, PAGE, (event) => {
      verifier.push(event);
      nextVersion = event.version + 1;
    });
    if (verifier.brokenAt) return outcome(verifier);
    read += count;
    onProgress?.(read);
    if (count < PAGE) break;
  }
  if (!head && read === 0) return undefined;
  await settleHead(reader, verifier, head);
  return outcome(verifier);
}

/**
 * Scans verifying a log run at once by default. A scan pauses between pages, and its server process
 * works while this thread hashes; two of them, each on its own slice of the id space, keep this thread
 * hashing.
 */
export const SCAN_LANES = 2;

/**
 * Verifies every stream in the store (or in one slice of the stream id space, so several processes
 * can share the work): the range cut into `lanes` slices, each one keyset scan in (stream, version)
 * order, all on this thread at once. Broken streams come in stream id order.
 */
export async function verifyAllStreams(
  reader: PostgresAuditReader,
  onProgress?: ProgressListener,
  range: StreamIdRange = {},
  lanes = SCAN_LANES,
): Promise<LogVerification> {
  const slices = splitStreamIdRange(range, lanes);
  const checked = slices.map(() => 0);
  const parts = await Promise.all(
    slices.map((slice, lane) =>
      verifySlice(reader, slice, (events) => {
        checked[lane] = events;
        onProgress?.(checked.reduce((sum, n) => sum + n, 0));
      }),
    ),
  );
  return mergeLogVerifications(parts);
}

/** One keyset scan of a slice of the stream id space, in (stream, version) order. */
async function verifySlice(reader: PostgresAuditReader, range: StreamIdRange, onProgress: ProgressListener): Promise<LogVerification> {
  const result: LogVerification = { valid: true, streams: 0, events: 0, broken: [], brokenStreams: 0 };
  const finish = async (verifier: StreamChainVerifier, head: { version: number; hash: string } | undefined) => {
    await settleHead(reader, verifier, head);
    const verification = outcome(verifier);
    result.streams++;
    result.events += verification.events;
    if (!verification.valid) {
      result.valid = false;
      result.brokenStreams++;
      if (result.broken.length < 100) result.broken.push(verification);
    }
  };
  // Streams end in the order they were read; the heads of those a page ended are read while the next
  // page streams in, and the streams finish in that order once they are known.
  let finishing = Promise.resolve();
  const finishWithHeads = (verifiers: readonly StreamChainVerifier[]) => {
    if (verifiers.length === 0) return;
    const heads = reader.heads(verifiers.map((verifier) => verifier.streamId));
    heads.catch(() => undefined);
    finishing = finishing.then(async () => {
      const known = await heads;
      for (const verifier of verifiers) await finish(verifier, known.get(verifier.streamId));
    });
    finishing.catch(() => undefined);
  };

  let current: StreamChainVerifier | undefined;
  let last: ChainEvent | undefined;
  let checked = 0;
  // Starting just before `from`: the scan is strictly after its key, and no stream has version 0.
  let key: StreamScanKey = range.from ? { streamId: range.from, version: 0 } : SCAN_START;
  for (;;) {
    const ended: StreamChainVerifier[] = [];
    const read = await reader.scanStreams(key, PAGE, range.below, (event) => {
      if (current?.streamId !== event.streamId) {
        if (current) ended.push(current);
        current = new StreamChainVerifier(event.streamId);
      }
      current.push(event);
      last = event;
    });
    finishWithHeads(ended);
    checked += read;
    onProgress(checked);
    if (read < PAGE || !last) break;
    key = { streamId: last.streamId, version: last.version };
  }
  if (current) finishWithHeads([current]);
  await finishing;
  for (const empty of await reader.streamsWithoutEvents(range)) {
    await finish(new StreamChainVerifier(empty.streamId), { version: empty.version, hash: empty.hash });
  }
  return result;
}

/** Merges the verifications of several slices of the stream id space into one. */
export function mergeLogVerifications(parts: readonly LogVerification[]): LogVerification {
  return {
    valid: parts.every((part) => part.valid),
    streams: parts.reduce((sum, part) => sum + part.streams, 0),
    events: parts.reduce((sum, part) => sum + part.events, 0),
    broken: parts.flatMap((part) => part.broken).slice(0, 100),
    brokenStreams: parts.reduce((sum, part) => sum + part.brokenStreams, 0),
  };
}
