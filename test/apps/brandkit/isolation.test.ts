import { after, before, describe, it } from 'node:test';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { assertTenantIsolation } from '../../support/isolation.js';
import { brandkitApp } from '../../../src/apps/brandkit/index.js';
import { pngOf, storedMockup, superadmin } from './helpers.js';

type Ids = { brand: string; asset: string; mockup: string; product: string };

/**
 * The isolation matrix over every Brandkit route that takes a brand: another org's brand, and
 * another user's brand in the same org, answer 404 (brands belong to a user inside an org).
 */
describe('brandkit tenant isolation', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let otherOrg: TestUser;
  let sameOrgUser: TestUser;
  let ids: Ids;
  before(async () => {
    t = await startTestPlatform({ apps: [brandkitApp] });
    owner = await t.signup('bk-owner');
    otherOrg = await t.signup('bk-attacker');
    // An admin of the owner's org: brands are personal, so the role does not open them.
    sameOrgUser = await t.addMember(owner, 'admin', 'bk-colleague');
    const root = await superadmin(t);
    const product = (await t.request('POST', '/brandkit/api/products', { token: root.token, body: { sku: `ISO-${Math.random().toString(36).slice(2, 8)}`, name: 'Tin', category: 'tins' } })).json().id;
    // The attackers have brands of their own, so a 404 cannot mean "you have none".
    await t.request('POST', '/brandkit/api/brands', { token: otherOrg.token, body: { name: 'Mine' } });
    await t.request('POST', '/brandkit/api/brands', { token: sameOrgUser.token, body: { name: 'Mine too' } });
    const brand = (await t.request('POST', '/brandkit/api/brands', { token: owner.token, body: { name: 'Victim' } })).json().id;
    const asset = (await t.request('POST', `/brandkit/api/brands/${brand}/assets/logo`, { token: owner.token, raw: await pngOf('#123456'), headers: { 'content-type': 'image/png' } })).json().id;
    await t.request('POST', `/brandkit/api/brands/${brand}/products`, { token: owner.token, body: { product_id: product } });
    const mockup = (await storedMockup(t, owner, brand, product)).id;
    ids = { brand, asset, mockup, product };
  });
  after(() => t.close());

  const routes = [
    { method: 'GET' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}`, ownerStatus: 200 },
    { method: 'PUT' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/steps/identity`, body: { name: 'pwned' } },
    { method: 'POST' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/go-to`, body: { step: 'palette' } },
    { method: 'POST' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/submit` },
    { method: 'GET' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/assets`, ownerStatus: 200 },
    { method: 'POST' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/assets/${i.asset}/primary` },
    { method: 'GET' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/products`, ownerStatus: 200 },
    { method: 'POST' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/products`, body: (i: Ids) => ({ product_id: i.product }) },
    { method: 'PATCH' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/products/${i.product}`, body: { quantity: 9 } },
    { method: 'GET' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/mockups`, ownerStatus: 200 },
    { method: 'POST' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/mockups/${i.mockup}/approve` },
    { method: 'POST' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/mockups/${i.mockup}/reject` },
    { method: 'POST' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/logos/generate`, body: { count: 1 } },
    { method: 'POST' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/logos/${i.asset}/vary`, body: {} },
    { method: 'POST' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/mockups/generate`, body: { count: 1 } },
    { method: 'POST' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/guide` },
    { method: 'GET' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/guide` },
    { method: 'GET' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/kit` },
    { method: 'DELETE' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/products/${i.product}` },
    { method: 'DELETE' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}/assets/${i.asset}` },
    { method: 'DELETE' as const, url: (i: Ids) => `/brandkit/api/brands/${i.brand}`, ownerStatus: 204 },
  ];

  it('answers 404 on every brand route to another user of the same org', async () => {
    await assertTenantIsolation(t, { attackerToken: sameOrgUser.token, ownerToken: owner.token, ids, routes: routes.map((r) => ({ ...r, ownerStatus: undefined })) });
  });

  it('answers 404 on every brand route to another org, and the owner still has it all', async () => {
    await assertTenantIsolation(t, { attackerToken: otherOrg.token, ownerToken: owner.token, ids, routes });
  });
});
