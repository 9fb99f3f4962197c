import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { assertError } from '../../support/envelope.js';
import { auraApp } from '../../../src/apps/aura/index.js';

describe('aura events', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let employee: TestUser;
  let viewer: TestUser;

  before(async () => {
    t = await startTestPlatform({ apps: [auraApp], env: { PUBLIC_URL: 'https://studio.example' } });
    owner = await t.signup('aura-events-owner');
    employee = await t.addMember(owner, 'member', 'aura-events-employee');
    viewer = await t.addMember(owner, 'viewer', 'aura-events-viewer');
  });
  after(() => t.close());

  it('employees create and list events; the folder comes from the name and is unique', async () => {
    const res = await t.request('POST', '/aura/api/events', { token: employee.token, body: { name: 'Wedding — Jan 15!', event_date: '2026-01-15' } });
    assert.equal(res.statusCode, 201, res.body);
    const event = res.json();
    assert.equal(event.folder, 'wedding-jan-15');
    assert.equal(event.event_date, '2026-01-15');
    assert.equal(event.guest_access, false);
    assert.match(event.guest_url, /^https:\/\/studio\.example\/scan\/[A-Za-z0-9_-]{43}$/);
    assert.equal(event.photo_count, 0);
    assertError(await t.request('POST', '/aura/api/events', { token: owner.token, body: { name: 'Another', folder: 'wedding-jan-15' } }), 409, 'EVENT_FOLDER_TAKEN');
    assertError(await t.request('POST', '/aura/api/events', { token: owner.token, body: { name: 'x', folder: 'Bad Folder' } }), 400, 'VALIDATION_ERROR');
    assertError(await t.request('POST', '/aura/api/events', { token: owner.token, body: { name: 'x', folder: 'unsorted' } }), 422, 'FOLDER_RESERVED');
    assertError(await t.request('POST', '/aura/api/events', { token: owner.token, body: { name: '' } }), 400, 'VALIDATION_ERROR');
    assertError(await t.request('POST', '/aura/api/events', { token: viewer.token, body: { name: 'Viewer event' } }), 403, 'INSUFFICIENT_ROLE');
    const list = (await t.request('GET', '/aura/api/events?limit=10', { token: viewer.token })).json();
    assert.equal(list.total, 1);
    assert.equal(list.items[0].id, event.id);
    assert.equal((await t.request('GET', `/aura/api/events/${event.id}`, { token: viewer.token })).json().name, 'Wedding — Jan 15!');
    assertError(await t.request('GET', '/aura/api/events/not-a-uuid', { token: owner.token }), 400, 'VALIDATION_ERROR');
  });

  it('admins change guest settings and delete; employees get 403', async () => {
    const event = (await t.request('POST', '/aura/api/events', { token: employee.token, body: { name: 'Gala' } })).json();
    assertError(await t.request('PATCH', `/aura/api/events/${event.id}`, { token: employee.token, body: { guest_access: true } }), 403, 'INSUFFICIENT_ROLE');
    assertError(await t.request('DELETE', `/aura/api/events/${event.id}`, { token: employee.token }), 403, 'INSUFFICIENT_ROLE');
    const expires = '2030-01-01T00:00:00.000Z';
    const patched = await t.request('PATCH', `/aura/api/events/${event.id}`, { token: owner.token, body: { guest_access: true, guest_expires_at: expires, name: 'Gala 2026' } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().guest_access, true);
    assert.equal(patched.json().guest_expires_at, expires);
    assert.equal(patched.json().name, 'Gala 2026');
    assertError(await t.request('PATCH', `/aura/api/events/${event.id}`, { token: owner.token, body: { folder: 'moved' } }), 400, 'VALIDATION_ERROR');
    assert.equal((await t.request('DELETE', `/aura/api/events/${event.id}`, { token: owner.token })).statusCode, 204);
    assertError(await t.request('GET', `/aura/api/events/${event.id}`, { token: owner.token }), 404, 'NOT_FOUND');
    assertError(await t.request('DELETE', `/aura/api/events/${event.id}`, { token: owner.token }), 404, 'NOT_FOUND');
  });

  it('the QR code encodes the guest link; rotating the token changes the link', async () => {
    const event = (await t.request('POST', '/aura/api/events', { token: owner.token, body: { name: 'Party' } })).json();
    assertError(await t.request('GET', `/aura/api/events/${event.id}/qr`, { token: owner.token }), 409, 'GUEST_ACCESS_OFF');
    await t.request('PATCH', `/aura/api/events/${event.id}`, { token: owner.token, body: { guest_access: true } });
    const png = await t.request('GET', `/aura/api/events/${event.id}/qr?size=256`, { token: employee.token });
    assert.equal(png.statusCode, 200, png.body);
    assert.equal(png.headers['content-type'], 'image/png');
    const meta = await sharp(png.rawPayload).metadata();
    assert.equal(meta.width, 256);
    const svg = await t.request('GET', `/aura/api/events/${event.id}/qr?format=svg`, { token: owner.token });
    assert.match(String(svg.headers['content-type']), /^image\/svg\+xml/);
    assert.match(svg.body, /<svg/);
    assertError(await t.request('GET', `/aura/api/events/${event.id}/qr?size=5`, { token: owner.token }), 400, 'VALIDATION_ERROR');
    await t.request('PATCH', `/aura/api/events/${event.id}`, { token: owner.token, body: { guest_expires_at: '2020-01-01T00:00:00Z' } });
    assertError(await t.request('GET', `/aura/api/events/${event.id}/qr`, { token: owner.token }), 409, 'GUEST_LINK_EXPIRED');
    await t.request('PATCH', `/aura/api/events/${event.id}`, { token: owner.token, body: { guest_expires_at: null } });

    assertError(await t.request('POST', `/aura/api/events/${event.id}/guest-token`, { token: employee.token }), 403, 'INSUFFICIENT_ROLE');
    const rotated = (await t.request('POST', `/aura/api/events/${event.id}/guest-token`, { token: owner.token })).json();
    assert.notEqual(rotated.guest_url, event.guest_url);
    const rows = await t.db.selectFrom('aura_events' as never).select(['guest_token' as never]).where('id' as never, '=', event.id as never).execute() as unknown as { guest_token: string }[];
    assert.equal(rotated.guest_url.endsWith(`/scan/${rows[0]!.guest_token}`), true, 'the old token is gone from the database');
    const svgAfter = await t.request('GET', `/aura/api/events/${event.id}/qr?format=svg`, { token: owner.token });
    assert.notEqual(svgAfter.body, svg.body, 'the QR code follows the new link');
  });
});
