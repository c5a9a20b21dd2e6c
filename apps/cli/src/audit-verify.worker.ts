import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
// Only the audit part of the event store: a worker that loads the whole of it (Redis client included) starts later.
import { PostgresAuditReader, verifyAllStreams } from '@app/event-store/audit';
// Its own file, not @app/database, whose index loads MikroORM and Nest.
import { survivesLostConnections } from '../../../libs/database/src/lost-connections.js';
import type { WorkerMessage, WorkerOrder } from './parallel-verification.js';

/** A thread of `audit:verify`: its own connection, reading and hashing the slices it is handed on its own core. */
const { databaseUrl } = workerData as { databaseUrl: string };
const port = parentPort!;
// A connection lost mid-scan fails the scan's query (reported below) instead of ending the thread.
const pool = survivesLostConnections(new pg.Pool({ connectionString: databaseUrl, max: 2 }));
const reader = new PostgresAuditReader(pool);
const say = (message: WorkerMessage) => port.postMessage(message);

port.on('message', (order: WorkerOrder) => {
  if ('done' in order) {
    port.close();
    void pool.end();
    return;
  }
  // One lane (one connection): the threads are what runs in parallel.
  verifyAllStreams(reader, (checked) => say({ checked }), order.range, 1).then(
    (result) => say({ slice: order.slice, result }),
    (error: unknown) => {
      const { message, code } = error as { message?: unknown; code?: unknown };
      say({ failed: { message: String(message ?? error), ...(typeof code === 'string' ? { code } : {}) } });
    },
  );
});
say({ ready: true });
