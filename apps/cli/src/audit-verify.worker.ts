import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { PostgresAuditReader, type StreamIdRange, verifyAllStreams } from '@app/event-store';

/** One slice of `audit:verify`: its own connection, reading and hashing on its own core. */
const { databaseUrl, range } = workerData as { databaseUrl: string; range: StreamIdRange };
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
try {
  const result = await verifyAllStreams(new PostgresAuditReader(pool), (checked) => parentPort!.postMessage({ checked }), range);
  parentPort!.postMessage({ result });
} finally {
  await pool.end();
}
