import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { openSse, openWs, type SseClient, type WsClient } from './clients.js';

/**
 * Two API instances in one process, on one PostgreSQL database, each a real listening
 * server: an event published on instance 1 reaches SSE and WebSocket clients of
 * instance 2, first over LISTEN/NOTIFY, then over Redis pub/sub. Needs DATABASE_URL
 * (PGlite is single-process; its in-process bus is covered by endpoints.test.ts), and
 * Redis (REDIS_URL, default redis://127.0.0.1:6379) for the second half.
 */
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const r = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

function fanoutSuite(label: string, env: Record<string, string>, expectKind: string) {
  describe(`realtime fan-out between two instances over ${label}`, () => {
    let one: TestPlatform;
    let two: TestPlatform;
    let baseTwo: string;
    let alice: TestUser;
    let bob: TestUser;
    const clients: (SseClient | WsClient)[] = [];
    before(async () => {
      one = await startTestPlatform({ env });
      two = await startTestPlatform({ env });
      await one.server.listen({ host: '127.0.0.1', port: 0 });
      baseTwo = await two.server.listen({ host: '127.0.0.1', port: 0 });
      alice = await one.signup('fan-alice');
      bob = await one.signup('fan-bob');
    });
    after(async () => {
      for (const c of clients) void c.close();
      await Promise.all([one.close(), two.close()]);
    });

    it(`uses the ${expectKind} bus`, () => {
      assert.equal(one.platform.ctx.events.kind, expectKind);
      assert.equal(two.platform.ctx.events.kind, expectKind);
    });

    it('delivers an event from instance 1 to SSE and WebSocket clients of instance 2, and nothing to another org', async () => {
      const sse = await openSse(baseTwo, '/api/v1/events?topics=news', { authorization: `Bearer ${alice.token}` });
      const bobSse = await openSse(baseTwo, '/api/v1/events?topics=news', { authorization: `Bearer ${bob.token}` });
      const ws = await openWs(`${baseTwo.replace('http', 'ws')}/api/v1/ws?topics=news`, ['tenantry.v1', `bearer.${alice.token}`]);
      clients.push(sse, bobSse, ws);
      await sse.frames.next((f) => f.event === 'ready');
      await bobSse.frames.next((f) => f.event === 'ready');
      await ws.messages.next((m) => m.type === 'ready');

      await one.platform.ctx.events.publish(alice.orgId, 'news', { from: 'instance 1' });
      assert.deepEqual((await sse.nextEvent()).payload, { from: 'instance 1' });
      const viaWs = await ws.messages.next((m) => m.type === 'event');
      assert.deepEqual(viaWs.payload, { from: 'instance 1' });

      // Published after alice's: if alice's event had leaked to bob it would come first.
      await one.platform.ctx.events.publish(bob.orgId, 'news', { sentinel: true });
      assert.deepEqual((await bobSse.nextEvent()).payload, { sentinel: true });
      assert.equal(bobSse.events().length, 1);
    });

    it('carries payloads larger than a NOTIFY can hold', async () => {
      const sse = await openSse(baseTwo, '/api/v1/events?topics=big', { authorization: `Bearer ${alice.token}` });
      clients.push(sse);
      await sse.frames.next((f) => f.event === 'ready');
      const text = 'x'.repeat(20_000);
      await one.platform.ctx.events.publish(alice.orgId, 'big', { text, unicode: 'żółw 🐢' });
      const got = await sse.nextEvent();
      assert.deepEqual(got.payload, { text, unicode: 'żółw 🐢' });
    });

    it('publishes one event per topic when given several, in order, small or spilled', async () => {
      const sse = await openSse(baseTwo, '/api/v1/events?topics=job:one,jobs', { authorization: `Bearer ${alice.token}` });
      clients.push(sse);
      await sse.frames.next((f) => f.event === 'ready');
      await one.platform.ctx.events.publish(alice.orgId, ['job:one', 'jobs'], { n: 1 });
      const large = { n: 2, text: 'y'.repeat(20_000) };
      await one.platform.ctx.events.publish(alice.orgId, ['job:one', 'jobs'], large);
      await sse.nextEvent((e) => e.topic === 'jobs' && (e.payload as { n: number }).n === 2);
      const got = sse.events();
      assert.deepEqual(got.map((e) => [e.topic, (e.payload as { n: number }).n]), [['job:one', 1], ['jobs', 1], ['job:one', 2], ['jobs', 2]]);
      assert.deepEqual(got[3]!.payload, large, 'both spilled events read the one stored payload');
    });
  });
}

describe('realtime fan-out', { skip: databaseUrl ? false : 'needs DATABASE_URL (two instances share one PostgreSQL)' }, () => {
  fanoutSuite('PostgreSQL LISTEN/NOTIFY', { REALTIME_DRIVER: 'postgres' }, 'postgres');
});

describe('realtime fan-out with Redis', { skip: databaseUrl ? false : 'needs DATABASE_URL' }, async () => {
  if (!(await redisReachable())) {
    it('needs Redis', { skip: `Redis not reachable at ${redisUrl}` }, () => {});
    return;
  }
  fanoutSuite('Redis pub/sub', { REDIS_URL: redisUrl, REALTIME_DRIVER: 'redis' }, 'redis');
});
