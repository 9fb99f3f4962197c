import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { ConnectionLimits } from '../../../src/platform/realtime/connection-limits.js';
import type { Principal } from '../../../src/platform/auth/principal.js';
import { openSse, openWs, type SseClient, type WsClient } from './clients.js';

/** The secret startTestPlatform configures: lets the test mint a session that ends in seconds (the TTL setting's minimum is 30 s). */
const TEST_SECRET = new TextEncoder().encode('test-secret-test-secret-test-secret-0123456789');

/**
 * Streams re-check access (every REALTIME_RECHECK_SECONDS, here 1 s, and at the token's
 * expiry) and close with a reason the client can act on; connections are capped per user,
 * org and address. Tests wait for the close, never for a fixed time.
 */
describe('realtime streams end with access', () => {
  let t: TestPlatform;
  let base: string;
  let wsBase: string;
  const clients: (SseClient | WsClient)[] = [];
  before(async () => {
    t = await startTestPlatform({
      env: { REALTIME_RECHECK_SECONDS: '1', REALTIME_MAX_CONNECTIONS_PER_USER: '2', REALTIME_MAX_CONNECTIONS_PER_ORG: '3', REALTIME_MAX_CONNECTIONS_PER_IP: '100' },
    });
    base = await t.server.listen({ host: '127.0.0.1', port: 0 });
    wsBase = base.replace('http', 'ws');
  });
  after(async () => {
    for (const c of clients) void c.close();
    await t.close();
  });

  const ticket = async (token: string) => {
    const res = await t.request('POST', '/api/v1/realtime/ticket', { token });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().ticket as string;
  };
  const sse = async (token: string, topics = 'news') => {
    const s = await openSse(base, `/api/v1/events?topics=${topics}`, { authorization: `Bearer ${token}` });
    clients.push(s);
    assert.equal(s.status, 200, s.body);
    await s.frames.next((f) => f.event === 'ready');
    return s;
  };
  const ws = async (credential: string) => {
    const w = await openWs(`${wsBase}/api/v1/ws?topics=news`, ['tenantry.v1', credential]);
    clients.push(w);
    await w.messages.next((m) => m.type === 'ready');
    return w;
  };
  /** The frame SSE sends last, and the stream's end. */
  const sseClosedWith = async (s: SseClient) => {
    const frame = await s.frames.next((f) => f.event === 'closed');
    await s.closed;
    return JSON.parse(frame.data!) as { code: string; error: string };
  };
  const wsClosedWith = (w: WsClient) =>
    new Promise<{ code: number; reason: string; message: Record<string, unknown> }>((resolve) => {
      w.socket.once('close', (code, reason) => {
        const message = w.messages.items.find((m) => m.type === 'closed') ?? {};
        resolve({ code, reason: String(reason), message });
      });
    });

  const addMember = (owner: TestUser) => t.addMember(owner, 'member', 'rt-member');

  it('closes SSE and WebSocket streams of a removed member (NOT_A_MEMBER, close code 4001), and not the owner\'s', async () => {
    const owner = await t.signup('rt-owner');
    const member = await addMember(owner);
    const ownerStream = await sse(owner.token);
    const memberSse = await sse(member.token);
    const memberWs = await ws(`ticket.${await ticket(member.token)}`);
    const wsClosed = wsClosedWith(memberWs);

    const removed = await t.request('DELETE', `/api/v1/members/${member.userId}`, { token: owner.token });
    assert.equal(removed.statusCode, 204, removed.body);
    const sseReason = await sseClosedWith(memberSse);
    assert.equal(sseReason.code, 'NOT_A_MEMBER');
    assert.match(sseReason.error, /no longer a member/);
    const wsReason = await wsClosed;
    assert.equal(wsReason.code, 4001);
    assert.equal(wsReason.reason, 'NOT_A_MEMBER');
    assert.equal(wsReason.message.code, 'NOT_A_MEMBER');

    await t.platform.ctx.events.publish(owner.orgId, 'news', { still: 'here' });
    assert.deepEqual((await ownerStream.nextEvent()).payload, { still: 'here' }, 'the owner keeps streaming');
    ownerStream.close();
  });

  it('closes the streams of a revoked API key (INVALID_API_KEY, 4001)', async () => {
    const owner = await t.signup('rt-key');
    const created = (await t.request('POST', '/api/v1/api-keys', { token: owner.token, body: { name: 'stream', role: 'viewer' } })).json();
    const viaHeader = await sse(created.key);
    const viaTicket = await ws(`ticket.${await ticket(created.key)}`);
    const wsClosed = wsClosedWith(viaTicket);
    assert.equal((await t.request('DELETE', `/api/v1/api-keys/${created.id}`, { token: owner.token })).statusCode, 204);
    assert.equal((await sseClosedWith(viaHeader)).code, 'INVALID_API_KEY');
    const reason = await wsClosed;
    assert.equal(reason.code, 4001);
    assert.equal(reason.reason, 'INVALID_API_KEY');
  });

  it('closes every stream of a suspended organization (ORG_SUSPENDED, 4003)', async () => {
    const owner = await t.signup('rt-suspended');
    const s = await sse(owner.token);
    const w = await ws(`bearer.${owner.token}`);
    const wsClosed = wsClosedWith(w);
    await t.db.updateTable('orgs').set({ status: 'suspended' }).where('id', '=', owner.orgId).execute();
    t.server.authenticator.invalidate();
    assert.equal((await sseClosedWith(s)).code, 'ORG_SUSPENDED');
    const reason = await wsClosed;
    assert.equal(reason.code, 4003);
    assert.equal(reason.reason, 'ORG_SUSPENDED');
  });

  it('closes a stream when its token expires, also one opened with a ticket issued from that token (TOKEN_EXPIRED)', async () => {
    const owner = await t.signup('rt-expiry');
    const shortLived = await new SignJWT({ org_id: owner.orgId, role: 'owner' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(owner.userId)
      .setIssuer('tenantry')
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + 3)
      .sign(TEST_SECRET);
    const s = await sse(shortLived);
    const w = await ws(`ticket.${await ticket(shortLived)}`);
    const wsClosed = wsClosedWith(w);
    const reason = await sseClosedWith(s);
    assert.equal(reason.code, 'TOKEN_EXPIRED');
    assert.match(reason.error, /refresh/);
    const wsReason = await wsClosed;
    assert.equal(wsReason.code, 4001);
    assert.equal(wsReason.reason, 'TOKEN_EXPIRED');
  });

  it('caps open connections per user and per org with a 429, and frees a slot when a stream closes', async () => {
    const owner = await t.signup('rt-caps');
    const first = await sse(owner.token);
    await ws(`bearer.${owner.token}`);
    const refused = await openSse(base, '/api/v1/events?topics=news', { authorization: `Bearer ${owner.token}` });
    assert.equal(refused.status, 429);
    assert.equal(JSON.parse(refused.body).code, 'RATE_LIMITED');
    assert.match(JSON.parse(refused.body).error, /this user \(at most 2\)/);
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    await assert.rejects(openWs(`${wsBase}/api/v1/ws`, ['tenantry.v1', `bearer.${owner.token}`]), (err: { status?: number }) => err.status === 429);

    // A key of the same org is another caller, but the org's cap (3) is shared.
    const key = (await t.request('POST', '/api/v1/api-keys', { token: owner.token, body: { name: 'cap', role: 'viewer' } })).json().key;
    await sse(key);
    const orgFull = await openSse(base, '/api/v1/events?topics=news', { authorization: `Bearer ${key}` });
    assert.equal(orgFull.status, 429);
    assert.match(JSON.parse(orgFull.body).error, /this organization \(at most 3\)/);

    first.close();
    await first.closed;
    let again: SseClient | undefined;
    for (let attempt = 0; attempt < 100 && again?.status !== 200; attempt++) {
      // The server notices the disconnect asynchronously; retry until the slot is free (bounded).
      again = await openSse(base, '/api/v1/events?topics=news', { authorization: `Bearer ${owner.token}` });
      if (again.status !== 200) await new Promise((r) => setTimeout(r, 20));
    }
    clients.push(again!);
    assert.equal(again!.status, 200, 'a closed stream frees its slot');
  });

  it('counts connections per address too (unit)', () => {
    const limits = new ConnectionLimits({ perUser: 10, perOrg: 10, perIp: 2 });
    const user = (id: string): Principal => ({ kind: 'user', orgId: randomUUID(), userId: id, role: 'viewer', isSuperadmin: false });
    const a = limits.acquire(user('u1'), '203.0.113.5');
    limits.acquire(user('u2'), '203.0.113.5');
    assert.throws(() => limits.acquire(user('u3'), '203.0.113.5'), (err: { status?: number; message?: string }) => err.status === 429 && /this address \(at most 2\)/.test(err.message ?? ''));
    limits.acquire(user('u3'), '203.0.113.6');
    a();
    a();
    assert.equal(limits.count('ip:203.0.113.5'), 1, 'release is idempotent');
    limits.acquire(user('u3'), '203.0.113.5');
  });
});
