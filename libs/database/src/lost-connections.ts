import type pg from 'pg';

/**
 * The pool, made to survive its connections being lost (a server restart, a failover, a terminated
 * backend) without ending the process. pg reports a lost connection as an 'error' event on the client,
 * also while a query runs, and an 'error' nobody listens to is thrown. pg-pool re-emits an idle
 * client's error on the pool, but does not listen while a client is checked out, which is when the
 * notifier's and the appends' transactions and every scan hold one. So every client the pool opens
 * gets a listener of its own (MikroORM does the same for its pool). The holder still learns of the
 * loss from its query (failed, or not queryable after), and pg-pool drops the client when it is released.
 */
export function survivesLostConnections<P extends pg.Pool>(pool: P, onLost: (error: Error) => void = () => undefined): P {
  pool.on('connect', (client) => client.on('error', onLost));
  pool.on('error', () => undefined);
  return pool;
}
