import type { FastifyInstance } from 'fastify';

/**
 * After the answer, read off whatever of the request body the handler left unread.
 *
 * Node drains a body nobody touched, but not one somebody started to read: a multipart
 * handler that stops at an early part (an unexpected field, a duplicate file, a bad metadata
 * field) leaves the rest piped into a parser that no one reads any more. That request never
 * completes, the connection stops being read, and the client's next request on the same
 * keep-alive connection waits forever (the fuzzer's stalls: a request answered at once when
 * sent again on a new connection). Unpiping and resuming discards the rest as node does for an
 * untouched body, so every handler may stop reading at any point.
 */
export function drainUnreadBodies(app: FastifyInstance): void {
  app.addHook('onResponse', async (request) => {
    const raw = request.raw;
    if (raw.complete || raw.destroyed) return;
    raw.unpipe();
    raw.resume();
  });
}
