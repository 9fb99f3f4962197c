import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { waitForJobEnd } from '../../support/jobs.js';
import { brandkitApp } from '../../../src/apps/brandkit/index.js';
import { brandkitDb } from '../../../src/apps/brandkit/db.js';
import { ghlSyncJob } from '../../../src/apps/brandkit/crm/ghl-sync.job.js';
import { FakeGhl } from './fakes/fake-ghl.js';
import { pngOf, storedMockup, superadmin } from './helpers.js';

/** GoHighLevel sync against a local fake of its API v2: on the first profile save and on submission, once per user. */
describe('brandkit GoHighLevel sync', () => {
  const ghl = new FakeGhl();
  let t: TestPlatform;
  let user: TestUser;
  before(async () => {
    await ghl.start();
    t = await startTestPlatform({ apps: [brandkitApp], env: { BRANDKIT_GHL_BASE_URL: ghl.baseUrl, BRANDKIT_GHL_TOKEN: ghl.token, BRANDKIT_GHL_LOCATION_ID: ghl.locationId } });
    user = await t.signup('bk-crm');
  });
  after(async () => {
    await t.close();
    await ghl.close();
  });

  const lastJob = async () => {
    const row = await t.platform.ctx.database.db.selectFrom('job_runs').select('id').where('org_id', '=', user.orgId).where('name', '=', 'brandkit.ghl-sync').orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow();
    return waitForJobEnd(t, user.orgId, row.id);
  };
  const contactRow = () => brandkitDb.withTenant(t.platform.ctx, user, (tx) => tx.selectFrom('brandkit_ghl_contacts').selectAll().where('user_id', '=', user.userId).executeTakeFirst());

  it('creates the contact on the first profile save, and a submission updates the same contact', async () => {
    const saved = await t.request('PUT', '/brandkit/api/profile', { token: user.token, body: { full_name: 'Ada Brand', phone: '+44 20 7946 0958' } });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal((await lastJob()).state, 'completed');
    assert.equal(ghl.contacts.size, 1);
    const first = await contactRow();
    assert.ok(first);
    const contact = ghl.contacts.get(first.ghl_contact_id)!;
    assert.equal(contact.email, user.email);
    assert.equal(contact.phone?.replace(/\D/g, ''), '442079460958');

    // A second save of the profile does not sync again.
    await t.request('PUT', '/brandkit/api/profile', { token: user.token, body: { full_name: 'Ada B.' } });

    // A complete brand, submitted.
    const root = await superadmin(t);
    const product = (await t.request('POST', '/brandkit/api/products', { token: root.token, body: { sku: `CRM-${Math.random().toString(36).slice(2, 8)}`, name: 'Pouch', category: 'pouches' } })).json().id;
    const brand = (await t.request('POST', '/brandkit/api/brands', { token: user.token, body: { name: 'Synced Brand' } })).json().id;
    const put = (step: string, body: unknown) => t.request('PUT', `/brandkit/api/brands/${brand}/steps/${step}`, { token: user.token, body });
    await put('identity', { brand_values: ['care'], target_audience: 'parents', brand_archetype: 'caregiver' });
    await put('palette', { color_palette: [{ hex: '#4fc3f7', role: 'primary' }] });
    await put('fonts', { pairing: 'friendly-sans' });
    await put('logo', { logo_style: 'wordmark' });
    await put('mockups', { label_design: 'soft and round' });
    await t.request('POST', `/brandkit/api/brands/${brand}/assets/logo`, { token: user.token, raw: await pngOf('#4fc3f7'), headers: { 'content-type': 'image/png' } });
    await t.request('POST', `/brandkit/api/brands/${brand}/products`, { token: user.token, body: { product_id: product } });
    const mockup = await storedMockup(t, user, brand, product);
    await t.request('POST', `/brandkit/api/brands/${brand}/mockups/${mockup.id}/approve`, { token: user.token });
    const submitted = await t.request('POST', `/brandkit/api/brands/${brand}/submit`, { token: user.token });
    assert.equal(submitted.statusCode, 200, submitted.body);
    assert.equal((await lastJob()).state, 'completed');

    assert.equal(ghl.contacts.size, 1, 'the same contact, never a duplicate');
    const after = await contactRow();
    assert.equal(after!.ghl_contact_id, first.ghl_contact_id);
    assert.equal(after!.sync_data.via, 'updated');
    const updated = ghl.contacts.get(first.ghl_contact_id)!;
    assert.equal(ghl.fieldValue(updated, 'Brandkit brand name'), 'Synced Brand');
    assert.equal(ghl.fieldValue(updated, 'Brandkit status'), 'submitted');
    assert.match(ghl.fieldValue(updated, 'Brandkit logo URL') ?? '', /./);
    assert.ok(updated.tags.includes('brandkit-submitted'));
  });

  it('fails without writing a contact row when GoHighLevel refuses the token', async () => {
    const broken = await startTestPlatform({ apps: [brandkitApp], env: { BRANDKIT_GHL_BASE_URL: ghl.baseUrl, BRANDKIT_GHL_TOKEN: 'wrong-token', BRANDKIT_GHL_LOCATION_ID: ghl.locationId } });
    try {
      const other = await broken.signup('bk-crm-denied');
      const jobId = await broken.platform.ctx.jobs.enqueue(ghlSyncJob, { orgId: other.orgId, userId: other.userId });
      const job = await waitForJobEnd(broken, other.orgId, jobId);
      assert.equal(job.state, 'failed');
      assert.equal(job.attempts, 1, 'a refused token is not retried');
      const row = await brandkitDb.withTenant(broken.platform.ctx, other, (tx) => tx.selectFrom('brandkit_ghl_contacts').select('id').where('user_id', '=', other.userId).executeTakeFirst());
      assert.equal(row, undefined);
    } finally {
      await broken.close();
    }
  });
});
