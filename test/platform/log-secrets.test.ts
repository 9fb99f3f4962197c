import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { loggablePath } from '../../src/platform/http/request-log.js';
import { openSse, openWs } from './realtime/clients.js';

/**
 * Access logs end up in log services and support tickets: a full journey (signup, refresh,
 * API key, realtime tickets, SSE and WebSocket, share links with a password, a signed
 * download) must leave no credential it issued in the server's log.
 */
describe('secrets stay out of the logs', () => {
  let t: TestPlatform;
  let base: string;
  const logged: string[] = [];
  before(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged.push(String(chunk));
        done();
      },
    });
    t = await startTestPlatform({ log: pino({ level: 'debug' }, sink) });
    base = await t.server.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => t.close());

  const ticketFor = async (token: string) => {
    const res = await t.request('POST', '/api/v1/realtime/ticket', { token });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().ticket as string;
  };

  it('logs none of the tokens, tickets, share tokens, unlock proofs and signatures of a full journey', async () => {
    const secrets: Record<string, string> = {};
    const alice = await t.signup('log-journey');
    secrets.accessToken = alice.token;
    secrets.refreshToken = alice.refreshToken;
    const refreshed = await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: alice.refreshToken } });
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    secrets.refreshedAccess = refreshed.json().access_token;
    secrets.refreshedRefresh = refreshed.json().refresh_token;
    const token = secrets.refreshedAccess;
    const key = await t.request('POST', '/api/v1/api-keys', { token, body: { name: 'logs', role: 'viewer' } });
    assert.equal(key.statusCode, 201, key.body);
    secrets.apiKey = key.json().key;

    // Realtime: SSE with a ticket in the URL, WebSocket with a ticket in the URL and as a subprotocol, and a bearer subprotocol.
    secrets.sseTicket = await ticketFor(token);
    const sse = await openSse(base, `/api/v1/events?topics=journey&ticket=${secrets.sseTicket}`);
    assert.equal(sse.status, 200);
    await sse.frames.next((f) => f.event === 'ready');
    await t.platform.ctx.events.publish(alice.orgId, 'journey', { step: 1 });
    await sse.nextEvent((e) => e.topic === 'journey');
    sse.close();
    const again = await openSse(base, `/api/v1/events?topics=journey&ticket=${secrets.sseTicket}`);
    assert.equal(again.status, 401, 'a ticket is spent by its first connection');
    assert.equal(JSON.parse(again.body).code, 'TICKET_USED');
    secrets.wsQueryTicket = await ticketFor(token);
    secrets.wsProtocolTicket = await ticketFor(secrets.apiKey);
    const wsBase = base.replace('http', 'ws');
    for (const [url, protocols] of [
      [`${wsBase}/api/v1/ws?topics=journey&ticket=${secrets.wsQueryTicket}`, ['tenantry.v1']],
      [`${wsBase}/api/v1/ws?topics=journey`, ['tenantry.v1', `ticket.${secrets.wsProtocolTicket}`]],
      [`${wsBase}/api/v1/ws?topics=journey`, ['tenantry.v1', `bearer.${token}`]],
    ] as const) {
      const ws = await openWs(url, [...protocols]);
      await ws.messages.next((m) => m.type === 'ready');
      await ws.close();
    }
    // The old way is refused with a message saying what to do, and still not logged.
    const legacy = await openSse(base, `/api/v1/events?topics=journey&access_token=${token}`);
    assert.equal(legacy.status, 400);
    assert.equal(JSON.parse(legacy.body).code, 'TOKEN_IN_URL');

    // Share links: create, open by page, form, JSON and QR; manage by token.
    const created = await t.request('POST', '/api/v1/share-links', { token, body: { app: 'demo', resource_type: 'gallery', resource_id: 'g-1', password: 'journey password' } });
    assert.equal(created.statusCode, 201, created.body);
    secrets.shareToken = created.json().token;
    const share = secrets.shareToken;
    assert.equal((await t.request('GET', `/s/${share}`)).statusCode, 401);
    const form = await t.request('POST', `/s/${share}`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, raw: 'password=journey+password' });
    assert.equal(form.statusCode, 200);
    const json = await t.request('GET', `/api/s/${share}`, { headers: { 'x-share-password': 'journey password' } });
    assert.equal(json.statusCode, 200);
    secrets.unlock = String(json.headers['x-share-unlock']);
    assert.equal((await t.request('GET', `/s/${share}/qr?format=svg`)).statusCode, 200);
    assert.equal((await t.request('PATCH', `/api/v1/share-links/${share}`, { token, body: { title: 'renamed' } })).statusCode, 200);
    assert.equal((await t.request('GET', `/s/${share}x/qr`)).statusCode, 404);

    // A signed download URL.
    const upload = await t.request('POST', '/api/v1/files?key=journey/notes.txt', { token, raw: Buffer.from('journey notes'), headers: { 'content-type': 'text/plain' } });
    assert.equal(upload.statusCode, 201, upload.body);
    const redirect = await t.request('GET', `/api/v1/files/${upload.json().id}/content?redirect=1`, { token });
    assert.equal(redirect.statusCode, 302);
    const location = new URL(String(redirect.headers.location), base);
    secrets.signature = location.searchParams.get('sig') ?? '';
    assert.ok(secrets.signature.length > 20);
    const download = await t.server.inject({ method: 'GET', url: `${location.pathname}${location.search}` });
    assert.equal(download.statusCode, 200);
    assert.equal(download.body, 'journey notes');

    const log = logged.join('');
    // The log did capture the journey (so the check below is about masking, not about an empty log).
    assert.match(log, /"url":"\/api\/v1\/events"/);
    assert.match(log, /"url":"\/api\/v1\/ws"/);
    assert.ok(log.includes(`"url":"/s/${share.slice(0, 6)}…"`), 'share paths are logged masked');
    assert.ok(log.includes(`"url":"/s/${share.slice(0, 6)}…/qr"`));
    assert.match(log, /"url":"\/storage\/signed"/);
    for (const [name, secret] of Object.entries(secrets)) {
      assert.ok(secret.length >= 20, `${name} was captured`);
      assert.ok(!log.includes(secret), `the log holds the ${name}`);
    }
  });

  it('masks token-like path segments and drops query strings, keeping ids readable', () => {
    const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd';
    assert.equal(loggablePath(`/s/${token}?x=1`), '/s/AbCdEf…');
    assert.equal(loggablePath(`/api/s/${token}`), '/api/s/AbCdEf…');
    assert.equal(loggablePath('/scan/short'), '/scan/short…');
    assert.equal(loggablePath(`/visant/v1/share-links/${token}`), '/visant/v1/share-links/AbCdEf…');
    assert.equal(loggablePath('/api/v1/files/0b8f6c2e-8a53-4c61-9d8f-1f2e3d4c5b6a/content?redirect=1'), '/api/v1/files/0b8f6c2e-8a53-4c61-9d8f-1f2e3d4c5b6a/content');
    assert.equal(loggablePath('/storage/signed?m=GET&k=a&exp=1&sig=abc'), '/storage/signed');
  });
});
