import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { survivesLostConnections } from '@app/database';
import {
  type LogVerification,
  mergeLogVerifications,
  PostgresAuditReader,
  type ProgressListener,
  SCAN_LANES,
  splitStreamIdRange,
  type StreamIdRange,
  verifyAllStreams,
} from '@app/event-store';

/**
 * Threads for a whole-log verification: half the cores. PostgreSQL spends about as much CPU writing a
 * row out as a thread spends parsing and hashing it, so each thread keeps a core of server processes
 * busy; on two cores one thread (with its two scans) beats two.
 */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(Math.floor(availableParallelism() / 2), 8));
}

/**
 * Slices of the id space per thread. Threads take the next slice when done with one, so one that
 * started late (a worker loads its modules first) or met long streams does not hold the others up.
 */
const SLICES_PER_THREAD = 8;

/** Each thread scans its slice on one connection (one lane): the threads are what runs in parallel. */
const ONE_LANE = 1;

/** What a verification worker says (audit-verify.worker.ts). */
export type WorkerMessage =
  | { ready: true }
  | { checked: number }
  | { slice: number; result: LogVerification }
  /** Its slice could not be verified (PostgreSQL lost, a fault): the message and code of the error. */
  | { failed: { message: string; code?: string } };
/** What a verification worker is told: the next slice, or that none is left. */
export type WorkerOrder = { slice: number; range: StreamIdRange } | { done: true };

/** A slice of the id space to verify, and its place among the slices. */
interface Slice {
  index: number;
  range: StreamIdRange;
}

/** How a thread reports: events checked so far in its current slice, and a slice it finished. */
interface Reports {
  progress(thread: number, checked: number): void;
  finished(thread: number, slice: number, result: LogVerification): void;
}

/**
 * Verifies every stream on `threads` threads: this one and `threads - 1` worker threads, each with its
 * own connection, as parsing rows and hashing them are CPU-bound. Broken streams come in stream id
 * order, as from one scan.
 */
export async function verifyAllStreamsInParallel(databaseUrl: string, threads: number, onProgress?: ProgressListener): Promise<LogVerification> {
  // A scan's connection, and one for the heads of the streams it finished, per lane.
  const pool = survivesLostConnections(new pg.Pool({ connectionString: databaseUrl, max: 2 * SCAN_LANES }));
  try {
    const reader = new PostgresAuditReader(pool);
    if (threads <= 1) return await verifyAllStreams(reader, onProgress);

    const ranges = splitStreamIdRange({}, threads * SLICES_PER_THREAD);
    let taken = 0;
    /** Whether a thread failed: no slice is handed out after that. */
    let failed = false;
    const nextSlice = (): Slice | undefined => (!failed && taken < ranges.length ? { index: taken, range: ranges[taken++]! } : undefined);
    const parts = new Array<LogVerification>(ranges.length);
    // Events checked in finished slices, and so far in each thread's current one.
    let checked = 0;
    const current = new Array<number>(threads).fill(0);
    const reports: Reports = {
      progress(thread, events) {
        current[thread] = events;
        onProgress?.(current.reduce((sum, n) => sum + n, checked));
      },
      finished(thread, slice, result) {
        parts[slice] = result;
        checked += result.events;
        reports.progress(thread, 0);
      },
    };

    const workers = Array.from({ length: threads - 1 }, (_, index) => runWorker(databaseUrl, index + 1, nextSlice, reports));
    // A worker may fail while this thread is still on its own slices, before anything awaits the workers:
    // its failure is kept (and stops the handing out) rather than left an unhandled rejection.
    const workersDone = Promise.all(workers.map((worker) => worker.done)).catch((error: unknown) => {
      failed = true;
      throw error;
    });
    workersDone.catch(() => undefined);
    try {
      // This thread verifies too, from the start: the workers need a moment to load their modules.
      for (let slice = nextSlice(); slice; slice = nextSlice()) {
        reports.finished(0, slice.index, await verifyAllStreams(reader, (events) => reports.progress(0, events), slice.range, ONE_LANE));
      }
    } catch (error) {
      failed = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw error;
    }
    await workersDone;
    return mergeLogVerifications(parts);
  } finally {
    await pool.end();
  }
}

/**
 * A worker thread that verifies the slices it is handed until none is left: `done` settles once it has
 * exited (rejecting if it failed), `terminate` stops it.
 */
function runWorker(
  databaseUrl: string,
  thread: number,
  nextSlice: () => Slice | undefined,
  reports: Reports,
): { done: Promise<void>; terminate: () => Promise<void> } {
  const worker = new Worker(new URL('./audit-verify.worker.js', import.meta.url), { workerData: { databaseUrl } });
  const done = new Promise<void>((resolve, reject) => {
    const handOut = () => {
      const slice = nextSlice();
      const order: WorkerOrder = slice ? { slice: slice.index, range: slice.range } : { done: true };
      worker.postMessage(order);
    };
    worker.on('message', (message: WorkerMessage) => {
      if ('checked' in message) reports.progress(thread, message.checked);
      else if ('failed' in message) {
        // An error crossing threads loses its code, by which the command tells an unreachable database apart.
        reject(Object.assign(new Error(message.failed.message), { code: message.failed.code }));
        void worker.terminate();
      } else if ('result' in message) {
        reports.finished(thread, message.slice, message.result);
        handOut();
      } else handOut();
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`verification worker ${thread} exited with ${code}`))));
  });
  return { done, terminate: async () => void (await worker.terminate()) };
}
