import type pg from 'pg';

/**
 * Keep the process alive when pooled connections break (PostgreSQL or PgBouncer restarting, a
 * network cut). A broken connection emits 'error' on its pg.Client; pg-pool listens only while
 * the client is idle in the pool, so a client that is checked out (a transaction between two
 * queries) has no listener, and an unhandled 'error' event ends the process: one restart of the
 * pooler took down every API node. With a listener for the client's whole life, the broken
 * client instead fails its next query (answered as a 503 by the HTTP error handler) and the
 * pool discards it on release.
 */
export function surviveBrokenConnections(pool: pg.Pool): pg.Pool {
  pool.on('error', () => {
    /* an idle client broke: the pool has dropped it, and the next query opens a new one */
  });
  pool.on('connect', (client) => {
    client.on('error', () => {
      /* reported by the client's next query, which fails */
    });
  });
  return pool;
}
