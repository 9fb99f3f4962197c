import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { defineJob, type JobDefinition } from '../../../src/platform/jobs/define-job.js';
import type { JobView } from '../../../src/platform/jobs/job-runs.js';
import type { TopicRouter } from '../../../src/platform/realtime/topic-router.js';
import { openSse, openWs, type SseClient, type WsClient } from './clients.js';

/** The SSE and WebSocket endpoints on one real listening server (PGlite, or PostgreSQL when DATABASE_URL is set). */

let releaseGate: () => void = () => {};
const gate = () => new Promise<void>((resolve) => (releaseGate = resolve));
let gateOpen: Promise<void> = Promise.resolve();
const gatedJob = defineJob({
  name: `test.gated-${randomBytes(4).toString('hex')}`,
  schema: z.object({}),
  retryLimit: 0,
  handler: async (_ctx, job) => {
    await gateOpen;
    await job.reportProgress(40, 'halfway');
    await job.reportProgress(80, 'almost');
    return { ok: true };
  },
});

function router(t: TestPlatform): TopicRouter {
  return (t.platform.ctx.events as unknown as { router: TopicRouter }).router;
}

async function eventually(check: () => boolean, what: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('realtime endpoints', () => {
  let t: TestPlatform;
  let base: string;
  let alice: TestUser;
  let bob: TestUser;
  let closed = false;
  const open: (SseClient | WsClient)[] = [];
  before(async () => {
    t = await startTestPlatform({
      apps: [{ name: 'rttest', prefix: '/rttest', jobs: [gatedJob] as JobDefinition<unknown>[] }],
      env: { REALTIME_HEARTBEAT_SECONDS: '1', JOB_POLL_INTERVAL_SECONDS: '0.5' },
    });
    base = await t.server.listen({ host: '127.0.0.1', port: 0 });
    alice = await t.signup('rt-alice');
    bob = await t.signup('rt-bob');
  });
  after(async () => {
    for (const c of open) void c.close();
    if (!closed) await t.close();
  });

  /** A single-use realtime ticket, what a browser puts in an EventSource URL. */
  const ticket = async (u: TestUser) => {
    const res = await t.request('POST', '/api/v1/realtime/ticket', { token: u.token });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().expires_in, 30);
    return res.json().ticket as string;
  };

  it('refuses SSE without a token (401) and with bad topics (400), in the error envelope', async () => {
    const anon = await openSse(base, '/api/v1/events?topics=news');
    assert.equal(anon.status, 401);
    assert.equal(JSON.parse(anon.body).code, 'UNAUTHORIZED');
    const bad = await openSse(base, `/api/v1/events?topics=${encodeURIComponent('ok,no spaces')}&ticket=${await ticket(alice)}`);
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body).code, 'VALIDATION_ERROR');
    const none = await openSse(base, '/api/v1/events', { authorization: `Bearer ${alice.token}` });
    assert.equal(none.status, 400);
    const badTicket = await openSse(base, '/api/v1/events?topics=news&ticket=garbage');
    assert.equal(badTicket.status, 401);
    assert.equal(JSON.parse(badTicket.body).code, 'INVALID_TICKET');
    // An access token is not a ticket, and a ticket is not an access token.
    assert.equal(JSON.parse((await openSse(base, `/api/v1/events?topics=news&ticket=${alice.token}`)).body).code, 'INVALID_TICKET');
    assert.equal((await t.request('GET', '/api/v1/auth/me', { token: await ticket(alice) })).statusCode, 401);
  });

  it('refuses access tokens in URLs, saying to use a ticket', async () => {
    const inUrl = await openSse(base, `/api/v1/events?topics=news&access_token=${alice.token}`);
    assert.equal(inUrl.status, 400);
    assert.equal(JSON.parse(inUrl.body).code, 'TOKEN_IN_URL');
    assert.match(JSON.parse(inUrl.body).error, /POST \/api\/v1\/realtime\/ticket/);
    await assert.rejects(openWs(`${base.replace('http', 'ws')}/api/v1/ws?access_token=${alice.token}`), (err: { status?: number }) => err.status === 400);
  });

  it('spends a ticket on its first connection, and gives none to anonymous callers', async () => {
    const once = await ticket(alice);
    const first = await openSse(base, `/api/v1/events?topics=news&ticket=${once}`);
    open.push(first);
    assert.equal(first.status, 200);
    const second = await openSse(base, `/api/v1/events?topics=news&ticket=${once}`);
    assert.equal(second.status, 401);
    assert.equal(JSON.parse(second.body).code, 'TICKET_USED');
    await assert.rejects(openWs(`${base.replace('http', 'ws')}/api/v1/ws`, ['tenantry.v1', `ticket.${once}`]), (err: { status?: number }) => err.status === 401);
    first.close();
    assert.equal((await t.request('POST', '/api/v1/realtime/ticket')).statusCode, 401);
  });

  it('streams an org\'s events over SSE, never another org\'s, with heartbeats', async () => {
    const { events } = t.platform.ctx;
    const a = await openSse(base, `/api/v1/events?topics=news,other&ticket=${await ticket(alice)}`);
    const b = await openSse(base, '/api/v1/events?topics=news', { authorization: `Bearer ${bob.token}` });
    open.push(a, b);
    assert.equal(a.status, 200);
    assert.match(String(a.headers['content-type']), /^text\/event-stream/);
    assert.ok(a.headers['x-request-id'], 'the usual response headers are kept');
    const ready = await a.frames.next((f) => f.event === 'ready');
    assert.deepEqual(JSON.parse(ready.data!), { topics: ['news', 'other'] });
    await b.frames.next((f) => f.event === 'ready');

    await events.publish(alice.orgId, 'news', { headline: 'for alice' });
    await events.publish(alice.orgId, 'unrelated', { headline: 'nobody follows this' });
    await events.publish(bob.orgId, 'news', { headline: 'for bob' });
    const got = await a.nextEvent();
    assert.equal(got.topic, 'news');
    assert.deepEqual(got.payload, { headline: 'for alice' });
    assert.ok(got.id && got.at);
    // Bob's first event is his own: alice's, published earlier on the same topic name, never reached him.
    assert.deepEqual((await b.nextEvent()).payload, { headline: 'for bob' });
    await a.frames.next((f) => f.kind === 'comment' && f.text!.startsWith('heartbeat'), 3000);
    assert.equal(a.events().length, 1);
    assert.equal(b.events().length, 1);

    a.close();
    b.close();
    await eventually(() => router(t).subscriptionCount === 0, 'subscriptions to end on disconnect');
  });

  it('accepts an API key of the org as well as a user session', async () => {
    const created = await t.request('POST', '/api/v1/api-keys', { token: alice.token, body: { name: 'realtime', role: 'viewer' } });
    assert.equal(created.statusCode, 201, created.body);
    const s = await openSse(base, '/api/v1/events?topics=keyed', { authorization: `Bearer ${created.json().key}` });
    open.push(s);
    assert.equal(s.status, 200);
    await s.frames.next((f) => f.event === 'ready');
    await t.platform.ctx.events.publish(alice.orgId, 'keyed', { via: 'api key' });
    assert.deepEqual((await s.nextEvent()).payload, { via: 'api key' });
    s.close();
  });

  it('streams a job\'s progress on job:<id>', async () => {
    gateOpen = gate();
    const id = await t.platform.ctx.jobs.enqueue(gatedJob, { orgId: alice.orgId });
    const s = await openSse(base, `/api/v1/events?topics=job:${id}&ticket=${await ticket(alice)}`);
    open.push(s);
    await s.frames.next((f) => f.event === 'ready');
    releaseGate();
    const done = await s.nextEvent((e) => (e.payload as JobView).state === 'completed', 15_000);
    assert.equal((done.payload as JobView).progress, 100);
    const stages = s.events().map((e) => (e.payload as JobView).stage);
    assert.ok(stages.includes('halfway') && stages.includes('almost'), `stages seen: ${stages.join(', ')}`);
    s.close();
  });

  it('refuses a WebSocket upgrade without a valid token', async () => {
    const wsBase = base.replace('http', 'ws');
    await assert.rejects(openWs(`${wsBase}/api/v1/ws`), (err: { status?: number }) => err.status === 401);
    await assert.rejects(openWs(`${wsBase}/api/v1/ws`, ['tenantry.v1', 'bearer.garbage']), (err: { status?: number }) => err.status === 401);
    await assert.rejects(openWs(`${wsBase}/api/v1/ws`, ['tenantry.v1', 'ticket.garbage']), (err: { status?: number }) => err.status === 401);
    await assert.rejects(openWs(`${wsBase}/api/v1/ws?topics=${encodeURIComponent('bad topic')}&ticket=${await ticket(alice)}`), (err: { status?: number }) => err.status === 400);
  });

  it('carries events over a WebSocket authenticated by subprotocol, with subscribe and unsubscribe', async () => {
    const { events } = t.platform.ctx;
    const wsBase = base.replace('http', 'ws');
    const a = await openWs(`${wsBase}/api/v1/ws`, ['tenantry.v1', `bearer.${alice.token}`]);
    const b = await openWs(`${wsBase}/api/v1/ws?topics=news`, ['tenantry.v1', `ticket.${await ticket(bob)}`]);
    open.push(a, b);
    assert.equal(a.socket.protocol, 'tenantry.v1', 'the server picks our protocol, never echoes the token');
    assert.equal(b.socket.protocol, 'tenantry.v1', 'nor the ticket');
    assert.deepEqual((await a.messages.next((m) => m.type === 'ready')).topics, []);
    assert.deepEqual((await b.messages.next((m) => m.type === 'ready')).topics, ['news']);

    a.send({ type: 'subscribe', topics: ['news', 'alerts'] });
    assert.deepEqual((await a.messages.next((m) => m.type === 'subscribed')).topics, ['news', 'alerts']);
    await events.publish(alice.orgId, 'news', { n: 1 });
    const first = await a.messages.next((m) => m.type === 'event');
    assert.equal(first.topic, 'news');
    assert.deepEqual(first.payload, { n: 1 });

    a.send({ type: 'unsubscribe', topics: ['news'] });
    assert.deepEqual((await a.messages.next((m) => m.type === 'unsubscribed')).topics, ['alerts']);
    await events.publish(alice.orgId, 'news', { n: 2 });
    await events.publish(alice.orgId, 'alerts', { n: 3 });
    const next = await a.messages.next((m) => m.type === 'event' && m.payload !== null && (m.payload as { n: number }).n !== 1);
    assert.deepEqual(next.payload, { n: 3 }, 'nothing arrives on a topic after unsubscribing');

    await events.publish(bob.orgId, 'news', { forBob: true });
    assert.deepEqual((await b.messages.next((m) => m.type === 'event')).payload, { forBob: true }, 'bob sees only his own org\'s news');

    a.send('not json');
    assert.equal((await a.messages.next((m) => m.type === 'error')).code, 'INVALID_JSON');
    a.send({ type: 'subscribe', topics: ['bad topic'] });
    assert.equal((await a.messages.next((m) => m.type === 'error' && m.code === 'INVALID_MESSAGE')).code, 'INVALID_MESSAGE');
    a.send({ type: 'subscribe', topics: Array.from({ length: 50 }, (_, i) => `t${i}`) });
    assert.equal((await a.messages.next((m) => m.code === 'TOO_MANY_TOPICS')).type, 'error');
    a.send({ type: 'ping' });
    await a.messages.next((m) => m.type === 'pong');

    await a.close();
    await b.close();
    await eventually(() => router(t).subscriptionCount === 0, 'WebSocket subscriptions to end on close');
  });

  it('closes promptly with streams still open', async () => {
    const s = await openSse(base, `/api/v1/events?topics=news&ticket=${await ticket(alice)}`);
    const w = await openWs(`${base.replace('http', 'ws')}/api/v1/ws?topics=news`, ['tenantry.v1', `bearer.${alice.token}`]);
    await s.frames.next((f) => f.event === 'ready');
    const started = Date.now();
    await t.close();
    closed = true;
    await s.closed;
    assert.ok(Date.now() - started < 10_000, 'server.close() did not wait for the streams');
    assert.equal(w.socket.readyState === w.socket.CLOSED || w.socket.readyState === w.socket.CLOSING, true);
  });
});
