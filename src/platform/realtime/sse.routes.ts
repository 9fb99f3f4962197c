import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BusEvent } from './event-bus.js';
import { MAX_BUFFERED_BYTES, requireSubscriber, splitTopics, ticketParam, topicListParam } from './subscriber.js';
import type { ConnectionLimits } from './connection-limits.js';
import { watchAccess } from './access-watch.js';
import { nonJsonResponse } from '../http/schemas.js';

/**
 * GET /events?topics=a,b — Server-Sent Events for the caller's org.
 *
 * Frames: first `event: ready` with the topics followed, then one default ("message")
 * event per bus event, data = {id, topic, payload, at}; a comment line as heartbeat.
 * When the caller loses access (token expired, member removed, key revoked, org
 * suspended) a last `event: closed` with data {code, error} ends the stream. EventSource
 * reconnects by itself (retry: 3000) with the same URL, whose ticket is spent, so it
 * stops there; events missed meanwhile are not replayed, so clients re-read the
 * resource they display after a reconnect.
 */
export async function sseRoutes(root: FastifyInstance, opts: { limits: ConnectionLimits }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { events, config } = app.ctx;
  const open = new Set<ServerResponse>();

  // Streams never end by themselves: end them so server.close() does not wait on them.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
    open.clear();
  });

  app.get('/events', {
    config: { allowTicket: true },
    schema: {
      tags: ['realtime'],
      summary: 'Server-Sent Events stream of the org\'s events on the given topics',
      description: 'Authorization header, or (EventSource cannot send headers) ?ticket= from POST /api/v1/realtime/ticket. Each event: data = {id, topic, payload, at}; `event: closed` with {code, error} when access ends.',
      querystring: z.strictObject({ topics: topicListParam, ticket: ticketParam }),
      response: { 200: nonJsonResponse('The event stream, until the client or the server closes it', ['text/event-stream']) },
    },
  }, async (request, reply) => {
    const principal = requireSubscriber(request);
    const topics = splitTopics(request.query.topics);
    const release = opts.limits.acquire(principal, request.ip);
    const res = reply.raw;
    reply.hijack();
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Stops nginx and similar proxies from buffering the stream.
      'x-accel-buffering': 'no',
    });
    open.add(res);

    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      release();
      stopWatching();
      unsubscribe();
      clearInterval(heartbeat);
      open.delete(res);
      if (!res.writableEnded) res.end();
    };
    const write = (frame: string) => {
      if (closed) return;
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        request.log.warn({ topics }, 'SSE client too slow: closing its stream');
        close();
        return;
      }
      res.write(frame);
    };
    const unsubscribe = events.subscribe(principal.orgId, topics, (event: BusEvent) => {
      write(`id: ${event.id}\ndata: ${JSON.stringify({ id: event.id, topic: event.topic, payload: event.payload, at: event.at })}\n\n`);
    });
    const heartbeat = setInterval(() => write(`: heartbeat ${Date.now()}\n\n`), config.realtime.heartbeatSeconds * 1000);
    heartbeat.unref();
    const stopWatching = watchAccess({
      principal,
      authenticator: app.authenticator,
      recheckSeconds: config.realtime.recheckSeconds,
      log: request.log,
      onLost: (reason) => {
        write(`event: closed\ndata: ${JSON.stringify({ code: reason.code, error: reason.message })}\n\n`);
        close();
      },
    });
    // The response's 'close' fires when the client goes away (the request's fires once its body is read).
    res.on('close', close);
    res.on('error', close);

    write(`retry: 3000\nevent: ready\ndata: ${JSON.stringify({ topics })}\n\n`);
  });
}
