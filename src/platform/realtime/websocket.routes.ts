import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { BusEvent } from './event-bus.js';
import { MAX_BUFFERED_BYTES, MAX_TOPICS_PER_CONNECTION, requireSubscriber, splitTopics, ticketParam, topicListParam, topicSchema } from './subscriber.js';
import type { ConnectionLimits } from './connection-limits.js';
import { closeCodeFor, watchAccess } from './access-watch.js';

const topics = z.array(topicSchema).min(1).max(MAX_TOPICS_PER_CONNECTION);
const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), topics }),
  z.object({ type: z.literal('unsubscribe'), topics }),
  z.object({ type: z.literal('ping') }),
]);

/** RFC 6455 close code 1013 "try again later". */
const TRY_AGAIN_LATER = 1013;

/**
 * GET /ws — a WebSocket carrying the caller's org events.
 *
 * Client → server: {type:"subscribe"|"unsubscribe", topics:[…]}, {type:"ping"}.
 * Server → client: {type:"ready", topics}, {type:"subscribed"|"unsubscribed", topics},
 * {type:"event", id, topic, payload, at}, {type:"pong"}, {type:"error", code, error}, and
 * {type:"closed", code, error} right before the server closes with 4001 (like 401: token
 * expired, member removed, key revoked) or 4003 (like 403: org suspended), reason = code.
 * Authentication as for the API, or the subprotocol "ticket.<ticket>" / "bearer.<token>"
 * next to "tenantry.v1" (see ws-protocol.ts), or ?ticket=. The server pings every heartbeat
 * interval and drops a connection that did not answer the previous ping.
 */
export async function websocketRoutes(root: FastifyInstance, opts: { limits: ConnectionLimits }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { events, config } = app.ctx;

  app.get('/ws', {
    websocket: true,
    config: { allowTicket: true },
    schema: {
      tags: ['realtime'],
      querystring: z.strictObject({ topics: topicListParam.optional(), ticket: ticketParam }),
    },
    // Refuse before the upgrade, so an unauthenticated (or over-cap) client gets a plain HTTP 401/403/429.
    preHandler: async (request) => {
      const release = opts.limits.acquire(requireSubscriber(request), request.ip);
      // The TCP socket closes with the WebSocket, and also when the upgrade never completes.
      request.raw.socket.once('close', release);
    },
  }, (socket: WebSocket, request) => {
    const principal = requireSubscriber(request);
    const subscriptions = new Map<string, () => void>();
    let alive = true;

    const send = (message: unknown) => {
      if (socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        request.log.warn('WebSocket client too slow: closing');
        socket.close(TRY_AGAIN_LATER, 'client too slow; reconnect');
        return;
      }
      socket.send(JSON.stringify(message));
    };
    const onEvent = (event: BusEvent) => send({ type: 'event', id: event.id, topic: event.topic, payload: event.payload, at: event.at });
    const subscribe = (list: string[]): boolean => {
      const fresh = list.filter((t) => !subscriptions.has(t));
      if (subscriptions.size + fresh.length > MAX_TOPICS_PER_CONNECTION) {
        send({ type: 'error', code: 'TOO_MANY_TOPICS', error: `A connection may follow at most ${MAX_TOPICS_PER_CONNECTION} topics: unsubscribe from some first` });
        return false;
      }
      for (const topic of fresh) subscriptions.set(topic, events.subscribe(principal.orgId, [topic], onEvent));
      return true;
    };
    const unsubscribe = (list: string[]) => {
      for (const topic of list) {
        subscriptions.get(topic)?.();
        subscriptions.delete(topic);
      }
    };

    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        send({ type: 'error', code: 'INVALID_MESSAGE', error: 'Send JSON text messages, not binary' });
        return;
      }
      let parsed: z.infer<typeof clientMessage>;
      try {
        const result = clientMessage.safeParse(JSON.parse(String(data)));
        if (!result.success) {
          const issue = result.error.issues[0];
          send({ type: 'error', code: 'INVALID_MESSAGE', error: `Invalid message${issue ? `: ${issue.path.join('.') || 'message'} ${issue.message}` : ''}; expected {"type":"subscribe"|"unsubscribe","topics":[...]} or {"type":"ping"}` });
          return;
        }
        parsed = result.data;
      } catch {
        send({ type: 'error', code: 'INVALID_JSON', error: 'Message is not valid JSON' });
        return;
      }
      if (parsed.type === 'ping') send({ type: 'pong' });
      else if (parsed.type === 'subscribe') {
        if (subscribe(parsed.topics)) send({ type: 'subscribed', topics: [...subscriptions.keys()] });
      } else {
        unsubscribe(parsed.topics);
        send({ type: 'unsubscribed', topics: [...subscriptions.keys()] });
      }
    });

    socket.on('pong', () => {
      alive = true;
    });
    const heartbeat = setInterval(() => {
      if (!alive) {
        socket.terminate();
        return;
      }
      alive = false;
      socket.ping();
    }, config.realtime.heartbeatSeconds * 1000);
    heartbeat.unref();

    const stopWatching = watchAccess({
      principal,
      authenticator: app.authenticator,
      recheckSeconds: config.realtime.recheckSeconds,
      log: request.log,
      onLost: (reason) => {
        send({ type: 'closed', code: reason.code, error: reason.message });
        unsubscribe([...subscriptions.keys()]);
        socket.close(closeCodeFor(reason), reason.code);
      },
    });

    socket.on('close', () => {
      clearInterval(heartbeat);
      stopWatching();
      unsubscribe([...subscriptions.keys()]);
    });

    const initial = splitTopics((request.query as { topics?: string }).topics);
    if (initial.length) subscribe(initial);
    send({ type: 'ready', topics: [...subscriptions.keys()] });
  });
}
