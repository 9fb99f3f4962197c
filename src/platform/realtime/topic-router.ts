import type { Logger } from 'pino';
import { assertOrgId, assertTopic, type BusEvent, type BusListener } from './event-bus.js';

/**
 * The local half of every bus: listeners of this process indexed by org, then topic.
 * Transports (in-process, LISTEN/NOTIFY, Redis) only move events between processes and
 * hand each arriving event to deliver(), which looks up the event's own org first.
 */
export class TopicRouter {
  private readonly byOrg = new Map<string, Map<string, Set<BusListener>>>();

  constructor(private readonly log: Pick<Logger, 'warn'>) {}

  add(orgId: string, topics: readonly string[], listener: BusListener): () => void {
    assertOrgId(orgId);
    const unique = [...new Set(topics)];
    unique.forEach(assertTopic);
    let orgTopics = this.byOrg.get(orgId);
    if (!orgTopics) this.byOrg.set(orgId, (orgTopics = new Map()));
    for (const topic of unique) {
      let set = orgTopics.get(topic);
      if (!set) orgTopics.set(topic, (set = new Set()));
      set.add(listener);
    }
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const current = this.byOrg.get(orgId);
      if (!current) return;
      for (const topic of unique) {
        const set = current.get(topic);
        set?.delete(listener);
        if (set && set.size === 0) current.delete(topic);
      }
      if (current.size === 0) this.byOrg.delete(orgId);
    };
  }

  deliver(event: BusEvent): void {
    const listeners = this.byOrg.get(event.orgId)?.get(event.topic);
    if (!listeners) return;
    // Copy: a listener may unsubscribe (itself or others) while we iterate.
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (err) {
        // One failing subscriber (a closed socket, say) must not starve the others.
        this.log.warn({ err, topic: event.topic }, 'realtime listener threw');
      }
    }
  }

  /** Number of (org, topic) pairs with at least one listener; for tests and metrics. */
  get subscriptionCount(): number {
    let n = 0;
    for (const topics of this.byOrg.values()) n += topics.size;
    return n;
  }
}
