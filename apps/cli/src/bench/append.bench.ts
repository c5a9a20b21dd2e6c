import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { AppConfig } from '@app/config';
import { type NewEvent, PostgresEventStore } from '@app/event-store';

/**
 * `bench:append [seconds] [writers]`: our event store's append, in process, against DATABASE_URL (the
 * `npm run bench` orchestrator gives it a fresh database). Each writer owns a stream and appends one
 * event at a time with the expected version and head hash it last saw, as a command does; no conflicts,
 * so the figure is the cost of an append itself. Prints one JSON line.
 */
export async function appendBenchmark(config: AppConfig, args: string[]): Promise<void> {
  const seconds = Number(args[0] ?? 10);
  const writers = Number(args[1] ?? 16);
  // A connection per writer, like pgbench's clients (appends arriving together share one statement, so
  // fewer are busy at once).
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: writers });
  const store = new PostgresEventStore(pool);
  const latencies: number[] = [];
  try {
    // Warm up the pool and the plans before the clock starts.
    await Promise.all(Array.from({ length: writers }, () => store.append(randomUUID(), 0, [measurementEvent(0)], { streamType: 'project' })));
    const deadline = performance.now() + seconds * 1000;
    const started = performance.now();
    let appends = 0;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        const streamId = randomUUID();
        let version = 0;
        let headHash: string | undefined;
        while (performance.now() < deadline) {
          const at = performance.now();
          // The head hash of the last append, as a command handler knows it from the events it folded.
          ({ headHash } = await store.append(streamId, version, [measurementEvent(version)], { streamType: 'project', expectedHeadHash: headHash }));
          latencies.push(performance.now() - at);
          version++;
          appends++;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 100) / 100;
    console.log(JSON.stringify({ benchmark: 'append', writers, seconds: elapsed, appends, appendsPerSecond: Math.round(appends / elapsed), p50: at(0.5), p99: at(0.99) }));
  } finally {
    await pool.end();
  }
}

/** The event a RecordMeasurement command appends, with the metadata every command carries. */
export function measurementEvent(n: number): NewEvent {
  return {
    type: 'MeasurementRecorded',
    data: { indicatorId: '00000000-0000-4000-8000-000000000001', measurementId: randomUUID(), value: n % 1000, date: '2024-01-01' },
    schemaVersion: 1,
    metadata: {
      eventId: randomUUID(),
      actor: { keyId: '00000000-0000-4000-8000-000000000003', role: 'admin' },
      commandType: 'RecordMeasurement',
      correlationId: randomUUID(),
      occurredAt: new Date().toISOString(),
    },
  };
}
