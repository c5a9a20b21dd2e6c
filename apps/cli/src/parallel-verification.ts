import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import {
  type LogVerification,
  mergeLogVerifications,
  PostgresAuditReader,
  type ProgressListener,
  type StreamIdRange,
  verifyAllStreams,
} from '@app/event-store';

/** `workers` slices of the stream id space (random and name-based UUIDs spread evenly over it). */
export function streamIdRanges(workers: number): StreamIdRange[] {
  const bound = (k: number) => `${Math.floor((k * 0x1_0000_0000) / workers).toString(16).padStart(8, '0')}-0000-0000-0000-000000000000`;
  return Array.from({ length: workers }, (_, k) => ({
    ...(k > 0 ? { from: bound(k) } : {}),
    ...(k < workers - 1 ? { below: bound(k + 1) } : {}),
  }));
}

export function defaultWorkers(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}

/**
 * Verifies every stream, split over worker threads (each with its own connection): parsing rows and
 * hashing them are CPU-bound, so one thread per core multiplies the rate. One worker runs in-process.
 */
export async function verifyAllStreamsInParallel(databaseUrl: string, workers: number, onProgress?: ProgressListener): Promise<LogVerification> {
  if (workers <= 1) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    try {
      return await verifyAllStreams(new PostgresAuditReader(pool), onProgress);
    } finally {
      await pool.end();
    }
  }
  const checked = new Array<number>(workers).fill(0);
  const parts = await Promise.all(
    streamIdRanges(workers).map(
      (range, index) =>
        new Promise<LogVerification>((resolve, reject) => {
          const worker = new Worker(new URL('./audit-verify.worker.js', import.meta.url), { workerData: { databaseUrl, range } });
          worker.on('message', (message: { checked?: number; result?: LogVerification }) => {
            if (message.checked !== undefined) {
              checked[index] = message.checked;
              onProgress?.(checked.reduce((sum, n) => sum + n, 0));
            }
            if (message.result) resolve(message.result);
          });
          worker.on('error', reject);
          worker.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`verification worker ${index} exited with ${code}`))));
        }),
    ),
  );
  return mergeLogVerifications(parts);
}
