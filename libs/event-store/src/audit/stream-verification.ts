import type { ChainBreak, ChainEvent } from './hash-chain-verifier.js';
import { StreamChainVerifier } from './hash-chain-verifier.js';
import { type PostgresAuditReader, SCAN_START, type StreamIdRange, type StreamScanKey } from './postgres-audit-reader.js';

/** Events read per query while verifying. */
const PAGE = 5_000;

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
  let fromVersion = 1;
  let read = 0;
  for (;;) {
    const page = await reader.readStreamChain(streamId, fromVersion, PAGE);
    for (const event of page) if (verifier.push(event)) return outcome(verifier);
    read += page.length;
    onProgress?.(read);
    if (page.length < PAGE) break;
    fromVersion = page.at(-1)!.version + 1;
  }
  if (!head && read === 0) return undefined;
  verifier.checkHead(head);
  return outcome(verifier);
}

/**
 * Verifies every stream in the store (or in one slice of the stream id space, so several processes
 * can share the work), one keyset scan in (stream, version) order.
 */
export async function verifyAllStreams(
  reader: PostgresAuditReader,
  onProgress?: ProgressListener,
  range: StreamIdRange = {},
): Promise<LogVerification> {
  const result: LogVerification = { valid: true, streams: 0, events: 0, broken: [], brokenStreams: 0 };
  const finish = (verifier: StreamChainVerifier, head: { version: number; hash: string } | undefined) => {
    verifier.checkHead(head);
    const verification = outcome(verifier);
    result.streams++;
    result.events += verification.events;
    if (!verification.valid) {
      result.valid = false;
      result.brokenStreams++;
      if (result.broken.length < 100) result.broken.push(verification);
    }
  };
  // Reads the next page (and its streams' heads) while the current one is being hashed.
  type Heads = Map<string, { version: number; hash: string }>;
  const fetchPage = async (key: StreamScanKey): Promise<{ events: ChainEvent[]; pageHeads: Heads }> => {
    const events = await reader.scanStreams(key, PAGE, range.below);
    const pageHeads: Heads = events.length ? await reader.heads([...new Set(events.map((event) => event.streamId))]) : new Map();
    return { events, pageHeads };
  };
  let current: StreamChainVerifier | undefined;
  let heads: Heads = new Map();
  let checked = 0;
  // Starting just before `from`: the scan is strictly after its key, and no stream has version 0.
  let next: Promise<{ events: ChainEvent[]; pageHeads: Heads }> | undefined = fetchPage(
    range.from ? { streamId: range.from, version: 0 } : SCAN_START,
  );
  while (next) {
    const fetched: { events: ChainEvent[]; pageHeads: Heads } = await next;
    const { events: page, pageHeads } = fetched;
    const last: ChainEvent | undefined = page.at(-1);
    next = last && page.length === PAGE ? fetchPage({ streamId: last.streamId, version: last.version }) : undefined;
    for (const event of page) {
      if (current?.streamId !== event.streamId) {
        if (current) finish(current, heads.get(current.streamId) ?? pageHeads.get(current.streamId));
        current = new StreamChainVerifier(event.streamId);
      }
      current!.push(event);
    }
    if (page.length) heads = pageHeads;
    checked += page.length;
    onProgress?.(checked);
  }
  if (current) finish(current, heads.get(current.streamId));
  for (const empty of await reader.streamsWithoutEvents(range)) {
    finish(new StreamChainVerifier(empty.streamId), { version: empty.version, hash: empty.hash });
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
