import type { Logger } from 'pino';
import { newEvents, type BusListener, type EventBus } from './event-bus.js';
import { TopicRouter } from './topic-router.js';

/**
 * The single-process bus (embedded PGlite mode, tests). Delivery is deferred to the next
 * turn of the event loop so publishers behave the same as with the networked buses:
 * a listener never runs inside the publisher's call stack or transaction.
 */
export class MemoryEventBus implements EventBus {
  readonly kind = 'memory' as const;
  readonly router: TopicRouter;

  constructor(log: Pick<Logger, 'warn'>) {
    this.router = new TopicRouter(log);
  }

  async publish(orgId: string, topic: string | readonly string[], payload: unknown): Promise<void> {
    // Round-trip through JSON like the other transports, so subscribers never share
    // (and mutate) the publisher's objects and unserialisable payloads fail here too.
    const events = newEvents(orgId, topic, JSON.parse(JSON.stringify(payload ?? null)));
    setImmediate(() => events.forEach((event) => this.router.deliver(event)));
  }

  subscribe(orgId: string, topics: readonly string[], listener: BusListener): () => void {
    return this.router.add(orgId, topics, listener);
  }

  async close(): Promise<void> {}
}
