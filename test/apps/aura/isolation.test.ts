import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError } from '../../support/envelope.js';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { assertTenantIsolation } from '../../support/isolation.js';
import { auraApp } from '../../../src/apps/aura/index.js';
import { jpegPart, photoJpeg, uploadPhotos } from './aura-fixtures.js';

/** The isolation matrix over every Aura route that takes an id: another org's ids answer 404. */
describe('aura tenant isolation', () => {
  let t: TestPlatform;
  let attacker: TestUser;
  let owner: TestUser;
  let ids: { event: string; photo: string; employee: string };

  before(async () => {
    t = await startTestPlatform({ apps: [auraApp] });
    attacker = await t.signup('aura-attacker');
    owner = await t.signup('aura-victim');
    // The attacker has an event and a photo of its own, so a 404 cannot mean "you have none".
    const own = (await t.request('POST', '/aura/api/events', { token: attacker.token, body: { name: 'Mine' } })).json();
    await uploadPhotos(t, attacker.token, { event_id: own.id }, [jpegPart('mine.jpg', await photoJpeg({ color: '#010203' }))]);
    const event = (await t.request('POST', '/aura/api/events', { token: owner.token, body: { name: 'Victim event' } })).json();
    await t.request('PATCH', `/aura/api/events/${event.id}`, { token: owner.token, body: { guest_access: true } });
    const upload = (await uploadPhotos(t, owner.token, { event_id: event.id }, [jpegPart('victim.jpg', await photoJpeg({ color: '#040506' }))])).json();
    const employee = await t.addMember(owner, 'member', 'aura-victim-employee');
    await t.request('PUT', `/aura/api/team/${employee.userId}/pin`, { token: owner.token, body: { pin: '4321' } });
    ids = { event: event.id, photo: upload.files[0].photo.id, employee: employee.userId };
  });
  after(() => t.close());

  it('answers 404 on every route for the other org', async () => {
    await assertTenantIsolation(t, {
      attackerToken: attacker.token,
      ownerToken: owner.token,
      ids,
      routes: [
        { method: 'GET', url: (i) => `/aura/api/events/${i.event}`, ownerStatus: 200 },
        { method: 'PATCH', url: (i) => `/aura/api/events/${i.event}`, body: { name: 'pwned' } },
        { method: 'GET', url: (i) => `/aura/api/events/${i.event}/qr`, ownerStatus: 200 },
        { method: 'POST', url: (i) => `/aura/api/events/${i.event}/guest-token` },
        { method: 'GET', url: (i) => `/aura/api/photos/${i.photo}`, ownerStatus: 200 },
        { method: 'PATCH', url: (i) => `/aura/api/photos/${i.photo}`, body: { metadata: { pwned: true } } },
        { method: 'GET', url: (i) => `/aura/api/photos/${i.photo}/thumb`, ownerStatus: 200 },
        { method: 'GET', url: (i) => `/aura/api/photos/${i.photo}/full`, ownerStatus: 200 },
        { method: 'GET', url: (i) => `/aura/api/photos/${i.photo}/original`, ownerStatus: 200 },
        { method: 'PUT', url: (i) => `/aura/api/team/${i.employee}/pin`, body: { pin: '9999' } },
        { method: 'DELETE', url: (i) => `/aura/api/team/${i.employee}/pin`, ownerStatus: 204 },
        { method: 'DELETE', url: (i) => `/aura/api/events/${i.event}`, ownerStatus: 204 },
      ],
    });
  });

  it('an upload into another org\'s event answers 404 and stores nothing', async () => {
    const res = await uploadPhotos(t, attacker.token, { event_id: ids.event }, [jpegPart('x.jpg', await photoJpeg({ color: '#0a0b0c' }))]);
    assertError(res, 404, 'NOT_FOUND');
    const mine = await t.db.selectFrom('storage_objects').select('key').where('org_id', '=', attacker.orgId).where('key', 'like', '%x.%').execute();
    assert.deepEqual(mine, [], 'a refused upload leaves no files');
  });

  it('lists never show the other org\'s photos or events', async () => {
    const photos = (await t.request('GET', '/aura/api/photos?limit=100', { token: attacker.token })).json();
    const events = (await t.request('GET', '/aura/api/events?limit=100', { token: attacker.token })).json();
    assert.equal(photos.items.some((p: { id: string }) => p.id === ids.photo), false, 'the other org\'s photo is not listed');
    assert.equal(events.items.some((e: { id: string }) => e.id === ids.event), false, 'the other org\'s event is not listed');
    const filtered = (await t.request('GET', `/aura/api/photos?event_id=${ids.event}`, { token: attacker.token })).json();
    assert.equal(filtered.total, 0, 'filtering by the other org\'s event shows nothing');
  });
});
