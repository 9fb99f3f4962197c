import pg from 'pg';
import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import type { PlatformTables } from '../db/schema.js';
import { coalesce } from '../db/coalesce.js';
import { withTenant } from '../db/tenant.js';
import { newEvents, type BusEvent, type BusListener, type EventBus } from './event-bus.js';
import { TopicRouter } from './topic-router.js';
import { fromWire, toWire, type WireEvent } from './wire.js';

const CHANNEL = 'tenantry_events';
/** PostgreSQL rejects NOTIFY payloads of 8000 bytes or more; keep a margin for the envelope. */
export const NOTIFY_MAX_BYTES = 7900;
/** Spilled payloads only need to outlive delivery; older rows are swept by publishers. */
const SPILL_TTL_MINUTES = 5;
const SWEEP_EVERY_MS = 60_000;
const RECONNECT_MAX_MS = 10_000;

/**
 * Fan-out between processes over PostgreSQL LISTEN/NOTIFY, for deployments with
 * DATABASE_URL and no Redis. Listening holds a connection for good, so it has its own
 * pg.Client rather than borrowing one from the shared pool; NOTIFY itself goes through
 * the pool. Events published while the listener is reconnecting are missed (at most
 * once, like every bus).
 */
export class PostgresEventBus implements EventBus {
  readonly kind = 'postgres' as const;
  readonly router: TopicRouter;
  private client: pg.Client | null = null;
  private closing = false;
  private reconnectDelay = 250;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private lastSweep = 0;
  /** Events are delivered in arrival order even when one must first be fetched from the table. */
  private delivery: Promise<void> = Promise.resolve();

  constructor(
    private readonly connectionString: string,
    private readonly pool: pg.Pool,
    private readonly db: Kysely<PlatformTables>,
    private readonly log: Logger,
  ) {
    this.router = new TopicRouter(log);
  }

  /** Connects and LISTENs; resolves once events published from now on will arrive. */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'tenantry-realtime' });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      const wire = fromWire(msg.payload);
      if (!wire) {
        this.log.warn('ignored a malformed realtime notification');
        return;
      }
      this.delivery = this.delivery.then(() => this.receive(wire)).catch((err) => this.log.warn({ err }, 'realtime delivery failed'));
    });
    client.on('error', (err) => {
      if (!this.closing) this.log.warn({ err }, 'realtime listener connection failed: reconnecting');
    });
    client.on('end', () => {
      if (this.client === client) this.client = null;
      if (!this.closing) this.scheduleReconnect();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
    this.reconnectDelay = 250;
  }

  private scheduleReconnect() {
    if (this.reconnectTimer || this.closing) return;
    const wait = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().catch((err) => {
        this.log.warn({ err }, 'realtime listener could not reconnect: retrying');
        this.scheduleReconnect();
      });
    }, wait);
    this.reconnectTimer.unref();
  }

  private async receive(wire: WireEvent): Promise<void> {
    let payload = wire.p;
    if (wire.r) {
      // Read under the event's own org: RLS guarantees a reference can only resolve to that org's row.
      const row = await withTenant(this.db, { orgId: wire.o }, (tx) =>
        tx.selectFrom('realtime_payloads').select('body').where('id', '=', wire.r!).where('org_id', '=', wire.o).executeTakeFirst(),
      );
      if (!row) {
        this.log.warn({ topic: wire.t }, 'realtime payload expired before delivery');
        return;
      }
      payload = row.body;
    }
    const event: BusEvent = { id: wire.i, orgId: wire.o, topic: wire.t, at: wire.a, payload: payload ?? null };
    this.router.deliver(event);
  }

  async publish(orgId: string, topic: string | readonly string[], payload: unknown): Promise<void> {
    const events = newEvents(orgId, topic, payload);
    if (events.length === 0) return;
    let texts = events.map((event) => JSON.stringify(toWire(event)));
    if (texts.some((text) => Buffer.byteLength(text) > NOTIFY_MAX_BYTES)) {
      // The events share one payload, so one spilled row serves them all (rows expire by age, not on reading).
      const body = JSON.stringify(events[0].payload);
      const row = await withTenant(this.db, { orgId }, (tx) =>
        tx.insertInto('realtime_payloads').values({ org_id: orgId, body }).returning('id').executeTakeFirstOrThrow(),
      );
      texts = events.map((event) => JSON.stringify({ ...toWire(event), p: undefined, r: row.id }));
      await this.sweep();
    }
    await this.notify('events', texts);
  }

  /**
   * One statement for every topic of an event, and for the events published meanwhile by
   * others (a batch of jobs settling at once): the notifications arrive in this order.
   */
  private readonly notify = coalesce<string[], void>(async (_, events) => {
    const texts = events.flat();
    await this.pool.query(`select ${texts.map((_, i) => `pg_notify($1, $${i + 2})`).join(', ')}`, [CHANNEL, ...texts]);
    return events.map(() => undefined);
  }, { max: 100 });

  private async sweep() {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    // Platform housekeeping across tenants, on the connecting role (see withSystem).
    await this.pool.query(`delete from realtime_payloads where created_at < now() - interval '${SPILL_TTL_MINUTES} minutes'`).catch((err) =>
      this.log.warn({ err }, 'could not sweep old realtime payloads'),
    );
  }

  subscribe(orgId: string, topics: readonly string[], listener: BusListener): () => void {
    return this.router.add(orgId, topics, listener);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => {});
    await this.delivery;
  }
}
