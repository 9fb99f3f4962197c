import { after, before, describe, it } from 'node:test';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { assertTenantIsolation } from '../../support/isolation.js';
import { visantApp } from '../../../src/apps/visant/index.js';
import { sceneJpeg } from '../../support/images.js';

/** The isolation matrix over every Visant route that takes an id: another org's ids answer 404. */
describe('visant tenant isolation', () => {
  let t: TestPlatform;
  let attacker: TestUser;
  let owner: TestUser;
  let ids: { device: string; capture: string; shareToken: string };
  before(async () => {
    t = await startTestPlatform({ apps: [visantApp] });
    attacker = await t.signup('visant-attacker');
    owner = await t.signup('visant-owner');
    // The attacker has a device with a different id, so 404 cannot mean "you have no devices".
    await t.request('POST', '/visant/v1/devices', { token: attacker.token, body: { device_id: 'attacker-cam' } });
    const key = (await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'victim-cam' } })).json().api_key;
    const capture = await t.request('POST', '/visant/v1/captures', { token: key, body: { device_id: 'victim-cam', record_id: 'victim-rec', image_base64: (await sceneJpeg({ width: 160, height: 120 })).toString('base64') } });
    if (capture.statusCode !== 201) throw new Error(capture.body);
    const share = (await t.request('POST', '/visant/v1/devices/victim-cam/share', { token: owner.token, body: {} })).json();
    ids = { device: 'victim-cam', capture: 'victim-rec', shareToken: share.token };
  });
  after(() => t.close());

  it('answers 404 on every route for the other org', async () => {
    const jpeg = (await sceneJpeg({ width: 160, height: 120 })).toString('base64');
    await assertTenantIsolation(t, {
      attackerToken: attacker.token,
      ownerToken: owner.token,
      ids,
      routes: [
        { method: 'GET', url: (i) => `/visant/v1/devices/${i.device}`, ownerStatus: 200 },
        { method: 'PUT', url: (i) => `/visant/v1/devices/${i.device}`, body: { friendly_name: 'pwned' } },
        { method: 'GET', url: (i) => `/visant/v1/devices/${i.device}/status`, ownerStatus: 200 },
        { method: 'GET', url: (i) => `/visant/v1/devices/${i.device}/config`, ownerStatus: 200 },
        { method: 'PUT', url: (i) => `/visant/v1/devices/${i.device}/config`, body: { normal_description: 'pwned' } },
        { method: 'POST', url: (i) => `/visant/v1/devices/${i.device}/share`, body: {} },
        { method: 'POST', url: () => '/visant/v1/captures', body: { device_id: 'victim-cam', image_base64: jpeg } },
        { method: 'GET', url: (i) => `/visant/v1/captures/${i.capture}`, ownerStatus: 200 },
        { method: 'GET', url: (i) => `/visant/v1/captures/${i.capture}/status`, ownerStatus: 200 },
        { method: 'POST', url: (i) => `/visant/v1/captures/${i.capture}/image`, body: { image_base64: jpeg } },
        { method: 'POST', url: (i) => `/visant/v1/captures/${i.capture}/mark-normal`, body: { normal: true } },
        { method: 'POST', url: (i) => `/visant/v1/captures/${i.capture}/evaluate` },
        { method: 'PUT', url: (i) => `/visant/v1/share-links/${i.shareToken}`, body: { max_views: 1 } },
        { method: 'DELETE', url: (i) => `/visant/v1/share-links/${i.shareToken}` },
        { method: 'DELETE', url: (i) => `/visant/v1/captures/${i.capture}` },
        { method: 'POST', url: (i) => `/visant/v1/devices/${i.device}/key`, ownerStatus: 201 },
        { method: 'DELETE', url: (i) => `/visant/v1/devices/${i.device}`, ownerStatus: 200 },
        { method: 'POST', url: (i) => `/visant/v1/devices/${i.device}/reactivate`, ownerStatus: 200 },
      ],
    });
  });
});
