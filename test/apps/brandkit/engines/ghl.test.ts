import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ASSET_FIELDS, GhlClient, GhlError } from '../../../../src/apps/brandkit/engines/ghl/ghl-client.js';
import { FakeGhl } from '../fakes/fake-ghl.js';

describe('GoHighLevel client against a fake GHL API', () => {
  const ghl = new FakeGhl();
  let client: GhlClient;
  before(async () => {
    await ghl.start();
  });
  after(() => ghl.close());
  beforeEach(() => {
    ghl.contacts.clear();
    ghl.customFields.length = 0;
    ghl.http.calls.length = 0;
    client = new GhlClient({ baseUrl: ghl.baseUrl, token: ghl.token, locationId: ghl.locationId, retryBaseMs: 5, maxRetries: 3 });
  });

  it('creates the contact on sign-up, then updates it on submission: once, never twice', async () => {
    const signUp = await client.syncContact({ profile: { email: 'Ana@Example.com', phone: '+15550100', fullName: 'Ana Lima', tags: ['brandkit-signup'] } });
    assert.equal(signUp.created, true);
    assert.equal(ghl.contacts.size, 1);
    const contact = ghl.contacts.get(signUp.contactId)!;
    assert.deepEqual([contact.email, contact.firstName, contact.lastName, contact.locationId], ['ana@example.com', 'Ana', 'Lima', ghl.locationId]);
    for (const call of ghl.http.calls) {
      assert.equal(call.headers.authorization, `Bearer ${ghl.token}`);
      assert.equal(call.headers.version, '2021-07-28');
    }

    const assets = { brandName: 'Blue Harbor', logoUrl: 'https://cdn.example/logo.svg', guideUrl: 'https://cdn.example/guide.pdf', mockupUrls: ['https://cdn.example/m1.jpg', 'https://cdn.example/m2.jpg'], status: 'submitted' };
    const submitted = await client.syncContact({ knownContactId: signUp.contactId, profile: { email: 'ana@example.com', fullName: 'Ana Lima', tags: ['brandkit-submitted'] }, assets });
    assert.deepEqual(submitted, { contactId: signUp.contactId, via: 'updated', created: false });
    assert.equal(ghl.contacts.size, 1);
    assert.equal(ghl.fieldValue(contact, ASSET_FIELDS.logoUrl), 'https://cdn.example/logo.svg');
    assert.equal(ghl.fieldValue(contact, ASSET_FIELDS.mockupUrls), 'https://cdn.example/m1.jpg\nhttps://cdn.example/m2.jpg');
    assert.deepEqual(contact.tags.sort(), ['brandkit-signup', 'brandkit-submitted']);
    assert.equal(ghl.customFields.length, Object.keys(ASSET_FIELDS).length, 'the asset fields were created once');

    // A retried job (same data, no id stored because the first run crashed before saving it): matched by email.
    const again = await client.syncContact({ profile: { email: 'ANA@example.com' }, assets });
    assert.deepEqual([again.contactId, again.created, again.via], [signUp.contactId, false, 'upserted']);
    assert.equal(ghl.contacts.size, 1);
    // A new client (another worker) reuses the existing fields instead of creating more.
    const other = new GhlClient({ baseUrl: ghl.baseUrl, token: ghl.token, locationId: ghl.locationId });
    await other.syncContact({ knownContactId: signUp.contactId, profile: {}, assets: { status: 'published' } });
    assert.equal(ghl.customFields.length, Object.keys(ASSET_FIELDS).length);
    assert.equal(ghl.fieldValue(contact, ASSET_FIELDS.status), 'published');
  });

  it('falls back to an upsert when the known contact was deleted in GHL', async () => {
    const first = await client.syncContact({ profile: { email: 'bo@example.com' } });
    ghl.contacts.delete(first.contactId);
    const second = await client.syncContact({ knownContactId: first.contactId, profile: { email: 'bo@example.com' } });
    assert.notEqual(second.contactId, first.contactId);
    assert.equal(second.created, true);
    assert.equal(ghl.contacts.size, 1);
  });

  it('retries 429 and 5xx, then succeeds without duplicating', async () => {
    ghl.http.rateLimitNext({ 'retry-after': '0' }, /^\/contacts\/upsert$/, { statusCode: 429, message: 'Too many requests' });
    ghl.http.failNext(502, /^\/contacts\/upsert$/, { message: 'Bad gateway' });
    const r = await client.syncContact({ profile: { phone: '+15550199' } });
    assert.equal(r.created, true);
    assert.equal(ghl.http.callsTo(/^\/contacts\/upsert$/).length, 3);
    assert.equal(ghl.contacts.size, 1);
  });

  it('names each failure and whether a retry can help', async () => {
    const badToken = new GhlClient({ baseUrl: ghl.baseUrl, token: 'expired', locationId: ghl.locationId, retryBaseMs: 1 });
    await assert.rejects(badToken.syncContact({ profile: { email: 'a@b.co' } }), (e: GhlError) => e.kind === 'auth' && !e.retryable && /renew the location token/.test(e.message));
    const otherLocation = new GhlClient({ baseUrl: ghl.baseUrl, token: ghl.token, locationId: 'loc_OTHER', retryBaseMs: 1 });
    await assert.rejects(otherLocation.syncContact({ profile: { email: 'a@b.co' }, assets: { status: 'x' } }), (e: GhlError) => e.kind === 'forbidden' && /location loc_OTHER/.test(e.message));
    await assert.rejects(client.syncContact({ profile: { email: 'not-an-email' } }), (e: GhlError) => e.kind === 'invalid_input' && /email must be an email/.test(e.message));
    await assert.rejects(client.syncContact({ profile: {} }), (e: GhlError) => e.kind === 'invalid_input' && /email or a phone/.test(e.message));
    ghl.http.failNext(503, /^\/contacts\/upsert$/, { message: 'down' }, 4);
    await assert.rejects(client.syncContact({ profile: { email: 'c@d.co' } }), (e: GhlError) => e.kind === 'server' && e.retryable);
    assert.equal(ghl.contacts.size, 0, 'nothing half-written');
    const dead = new GhlClient({ baseUrl: 'http://127.0.0.1:9', token: 't', locationId: 'l', retryBaseMs: 1, maxRetries: 1 });
    await assert.rejects(dead.syncContact({ profile: { email: 'a@b.co' } }), (e: GhlError) => e.kind === 'network' && e.retryable);
    assert.throws(() => new GhlClient({ token: '', locationId: 'x' }), /no GoHighLevel token/);
  });

  it('times out a hanging GHL and says it will retry', async () => {
    const slow = new GhlClient({ baseUrl: ghl.baseUrl, token: ghl.token, locationId: ghl.locationId, requestTimeoutMs: 50, maxRetries: 1, retryBaseMs: 1 });
    ghl.http.fault({ path: /^\/contacts\/upsert$/, delayMs: 300, times: 2 });
    await assert.rejects(slow.syncContact({ profile: { email: 'slow@example.com' } }), (e: GhlError) => e.kind === 'network' && /retried/.test(e.message));
  });
});
