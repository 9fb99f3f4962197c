import { randomUUID } from 'node:crypto';

/**
 * Tenant-scoped publish/subscribe. Every event belongs to one org, and a subscriber only
 * ever receives events of the org it subscribed under: the org is part of the routing key,
 * not a filter applied afterwards, so a topic name shared by two orgs cannot cross over.
 *
 * Delivery is at most once and best effort (a subscriber that is disconnected misses
 * events): clients re-read state (for example GET /api/v1/jobs/:id) when they reconnect.
 */
export interface BusEvent {
  id: string;
  orgId: string;
  topic: string;
  payload: unknown;
  /** ISO timestamp of publication. */
  at: string;
}

export type BusListener = (event: BusEvent) => void;

export interface EventBus {
  readonly kind: 'memory' | 'postgres' | 'redis';
  /**
   * Resolves once the event is handed to the transport; delivery is asynchronous. Several
   * topics (a job's own and the org's feed of all jobs) make one event each, in that order,
   * handed over together: one statement or one round trip, not one per topic.
   */
  publish(orgId: string, topic: string | readonly string[], payload: unknown): Promise<void>;
  /** Returns the function that ends this subscription; calling it twice is harmless. */
  subscribe(orgId: string, topics: readonly string[], listener: BusListener): () => void;
  close(): Promise<void>;
}

/** Topics look like "job:<uuid>", "jobs" or "visant.captures:<id>". */
export const TOPIC_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,199}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertTopic(topic: string): void {
  if (!TOPIC_PATTERN.test(topic)) {
    throw new Error(`Invalid realtime topic "${topic.slice(0, 50)}": use 1-200 letters, digits and : . _ - (starting with a letter or digit)`);
  }
}

export function assertOrgId(orgId: string): void {
  if (!UUID.test(orgId)) throw new Error('Realtime events need the org id (a UUID) they belong to');
}

/** One event per topic (publish's `topic` may name several), checked before anything is sent. */
export function newEvents(orgId: string, topic: string | readonly string[], payload: unknown): BusEvent[] {
  return (typeof topic === 'string' ? [topic] : topic).map((t) => newEvent(orgId, t, payload));
}

function newEvent(orgId: string, topic: string, payload: unknown): BusEvent {
  assertOrgId(orgId);
  assertTopic(topic);
  return { id: randomUUID(), orgId, topic, payload: payload ?? null, at: new Date().toISOString() };
}
