import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { newEvents, type BusListener, type EventBus } from './event-bus.js';
import { TopicRouter } from './topic-router.js';
import { fromWire, toWire } from './wire.js';

const CHANNEL = 'tenantry:events';

/**
 * Fan-out between processes over Redis pub/sub (REDIS_URL). A subscribed Redis connection
 * can do nothing else, so there are two: one publishes, one listens. ioredis reconnects
 * and re-subscribes by itself; events published meanwhile are missed (at most once).
 */
export class RedisEventBus implements EventBus {
  readonly kind = 'redis' as const;
  readonly router: TopicRouter;
  private readonly pub: Redis;
  private readonly sub: Redis;

  constructor(url: string, private readonly log: Logger) {
    this.router = new TopicRouter(log);
    this.pub = new Redis(url, { maxRetriesPerRequest: 2, connectionName: 'tenantry-realtime-pub' });
    this.sub = new Redis(url, { connectionName: 'tenantry-realtime-sub' });
    for (const conn of [this.pub, this.sub]) {
      conn.on('error', (err) => this.log.warn({ err }, 'realtime Redis connection error'));
    }
    this.sub.on('message', (channel: string, message: string) => {
      if (channel !== CHANNEL) return;
      const wire = fromWire(message);
      if (!wire) {
        this.log.warn('ignored a malformed realtime message');
        return;
      }
      this.router.deliver({ id: wire.i, orgId: wire.o, topic: wire.t, at: wire.a, payload: wire.p ?? null });
    });
  }

  /** Resolves once the subscription is confirmed, so events published from now on arrive. */
  async start(): Promise<void> {
    await this.sub.subscribe(CHANNEL);
  }

  async publish(orgId: string, topic: string | readonly string[], payload: unknown): Promise<void> {
    const events = newEvents(orgId, topic, payload);
    if (events.length === 1) {
      await this.pub.publish(CHANNEL, JSON.stringify(toWire(events[0])));
      return;
    }
    // One round trip for them all; a pipeline's replies come back in order, errors included.
    const pipeline = this.pub.pipeline();
    for (const event of events) pipeline.publish(CHANNEL, JSON.stringify(toWire(event)));
    for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
  }

  subscribe(orgId: string, topics: readonly string[], listener: BusListener): () => void {
    return this.router.add(orgId, topics, listener);
  }

  async close(): Promise<void> {
    // quit() waits for a reply and would hang while Redis is unreachable: disconnect then.
    await Promise.allSettled(
      [this.sub, this.pub].map((conn) => (conn.status === 'ready' ? conn.quit() : Promise.resolve(conn.disconnect()))),
    );
  }
}
