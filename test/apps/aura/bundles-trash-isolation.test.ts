import { after, before, describe, it } from 'node:test';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { assertTenantIsolation } from '../../support/isolation.js';
import { auraApp } from '../../../src/apps/aura/index.js';
import { createPhoto } from './photo-fixtures.js';

/** The isolation matrix over Aura's bundle and trash routes that take an id: another org's ids answer 404. */
describe('aura bundles and trash: tenant isolation', () => {
  let t: TestPlatform;
  let attacker: TestUser;
  let owner: TestUser;
  let ids: { bundle: string; photo: string; trashed: string };

  before(async () => {
    t = await startTestPlatform({ apps: [auraApp] });
    attacker = await t.signup('aura-attacker');
    owner = await t.signup('aura-owner');
    // The attacker has its own bundle and photo, so a 404 cannot mean "you have none".
    const mine = await createPhoto(t.platform.ctx, attacker, { folder: 'mine' });
    await t.request('POST', '/aura/api/bundles', { token: attacker.token, body: { name: 'mine', photo_ids: [mine.id] } });
    const photo = await createPhoto(t.platform.ctx, owner, { folder: 'victim', sourceType: 'event_temp' });
    const trashed = await createPhoto(t.platform.ctx, owner, { folder: 'victim' });
    const bundle = (await t.request('POST', '/aura/api/bundles', { token: owner.token, body: { name: 'victim', photo_ids: [photo.id] } })).json();
    const trash = await t.request('DELETE', `/aura/api/photos/${trashed.id}`, { token: owner.token });
    if (trash.statusCode !== 200) throw new Error(trash.body);
    ids = { bundle: bundle.id, photo: photo.id, trashed: trashed.id };
  });
  after(() => t.close());

  it('answers 404 on every route for the other org', async () => {
    await assertTenantIsolation(t, {
      attackerToken: attacker.token,
      ownerToken: owner.token,
      ids,
      routes: [
        { method: 'GET', url: (i) => `/aura/api/bundles/${i.bundle}`, ownerStatus: 200 },
        { method: 'GET', url: (i) => `/aura/api/bundles/${i.bundle}/zip`, ownerStatus: 200 },
        { method: 'PATCH', url: (i) => `/aura/api/bundles/${i.bundle}`, body: { name: 'renamed' }, ownerStatus: 200 },
        { method: 'POST', url: (i) => `/aura/api/bundles/${i.bundle}/share`, body: {}, ownerStatus: 201 },
        { method: 'DELETE', url: (i) => `/aura/api/bundles/${i.bundle}/photos/${i.photo}`, ownerStatus: 200 },
        { method: 'POST', url: (i) => `/aura/api/bundles/${i.bundle}/photos`, body: (i: { photo: string }) => ({ photo_ids: [i.photo] }), ownerStatus: 200 },
        { method: 'POST', url: (i) => `/aura/api/photos/${i.photo}/keep`, body: {}, ownerStatus: 200 },
        { method: 'DELETE', url: (i) => `/aura/api/photos/${i.photo}`, ownerStatus: 200 },
        { method: 'POST', url: (i) => `/aura/api/trash/restore/${i.photo}`, ownerStatus: 200 },
        { method: 'DELETE', url: (i) => `/aura/api/trash/${i.trashed}`, body: { confirm: true }, ownerStatus: 200 },
        { method: 'DELETE', url: (i) => `/aura/api/bundles/${i.bundle}`, ownerStatus: 204 },
      ],
    });
  });
});
