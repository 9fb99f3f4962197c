import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { brandkitApp } from '../../../src/apps/brandkit/index.js';
import { brandkitDb } from '../../../src/apps/brandkit/db.js';
import { pngOf, storedMockup, superadmin } from './helpers.js';

describe('brandkit wizard', () => {
  let t: TestPlatform;
  let user: TestUser;
  let root: Awaited<ReturnType<typeof superadmin>>;
  let productA: string;
  let productB: string;
  let inactive: string;
  before(async () => {
    t = await startTestPlatform({ apps: [brandkitApp] });
    user = await t.signup('brand-owner');
    root = await superadmin(t);
    const make = async (sku: string, is_active = true) => {
      const res = await t.request('POST', '/brandkit/api/products', { token: root.token, body: { sku, name: `Product ${sku}`, category: 'bottles', is_active } });
      assert.equal(res.statusCode, 201, res.body);
      return res.json().id as string;
    };
    const suffix = Math.random().toString(36).slice(2, 8);
    productA = await make(`BOT-A-${suffix}`);
    productB = await make(`BOT-B-${suffix}`);
    inactive = await make(`BOT-OLD-${suffix}`, false);
  });
  after(() => t.close());

  const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, token = user.token) => t.request(method, `/brandkit/api${url}`, { token, body });

  it('saves each step partially, advances only when the step is complete, and resumes at step_url', async () => {
    const created = await api('POST', '/brands', { name: 'Sea Salt Co' });
    assert.equal(created.statusCode, 201, created.body);
    const brand = created.json();
    assert.equal(brand.status, 'draft');
    assert.equal(brand.wizard_step, 1);
    assert.equal(brand.step_url, `/brandkit/brands/${brand.id}/wizard/social`);

    const social = await api('PUT', `/brands/${brand.id}/steps/social`, {});
    assert.equal(social.json().current_step, 'identity');

    // Partial identity: saved, but the wizard stays on the step and says what is missing.
    const partial = await api('PUT', `/brands/${brand.id}/steps/identity`, { brand_values: ['sustainability', 'craft'] });
    assert.equal(partial.statusCode, 200, partial.body);
    const p = partial.json();
    assert.equal(p.status, 'in_progress');
    assert.equal(p.name, 'Sea Salt Co');
    assert.deepEqual(p.brand_values, ['sustainability', 'craft']);
    assert.equal(p.current_step, 'identity');
    assert.deepEqual(p.steps.find((s: { step: string }) => s.step === 'identity').missing, ['target_audience', 'brand_archetype']);

    const done = await api('PUT', `/brands/${brand.id}/steps/identity`, { target_audience: 'coastal home cooks', brand_archetype: 'caregiver' });
    assert.equal(done.json().current_step, 'palette');
    assert.equal(done.json().wizard_step, 3);
    assert.deepEqual(done.json().brand_values, ['sustainability', 'craft'], 'a later partial save keeps the earlier fields');

    // Another device reads the brand and resumes at the same place.
    const elsewhere = await api('GET', `/brands/${brand.id}`);
    assert.equal(elsewhere.json().step_url, `/brandkit/brands/${brand.id}/wizard/palette`);

    // Revisit an earlier step, then come back.
    const back = await api('POST', `/brands/${brand.id}/go-to`, { step: 'identity' });
    assert.equal(back.json().step_url, `/brandkit/brands/${brand.id}/wizard/identity`);
    const list = await api('GET', '/brands');
    assert.equal(list.json().items.find((b: { id: string }) => b.id === brand.id).current_step, 'identity');
  });

  it('validates each step: bad colours, no primary, unknown archetype, unknown pairing, unknown fields', async () => {
    const brand = (await api('POST', '/brands', {})).json();
    const cases: Array<[string, unknown, RegExp]> = [
      ['palette', { color_palette: [{ hex: 'blue', role: 'primary' }] }, /#rrggbb/],
      ['palette', { color_palette: [{ hex: '#12345', role: 'primary' }] }, /#rrggbb/],
      ['palette', { color_palette: [{ hex: '#123456', role: 'secondary' }, { hex: '#ffffff', role: 'background' }] }, /no primary/],
      ['palette', { color_palette: [{ hex: '#123456', role: 'primary' }, { hex: '#654321', role: 'primary' }] }, /appears twice/],
      ['palette', { color_palette: [{ hex: '#123456', role: 'headline' }] }, /not one of primary/],
      ['identity', { brand_archetype: 'wizard' }, /twelve archetypes/],
      ['identity', { name: 'x', colour: 'red' }, /colour|Unrecognized|unknown/i],
      ['logo', { logo_style: 'graffiti' }, /wordmark/],
    ];
    for (const [step, body, message] of cases) {
      const res = await api('PUT', `/brands/${brand.id}/steps/${step}`, body);
      assert.equal(res.statusCode, 400, `${step} ${JSON.stringify(body)} → ${res.body}`);
      assert.match(JSON.stringify(res.json()), message, `${step} ${JSON.stringify(body)}`);
    }
    const noSuchStep = await api('PUT', `/brands/${brand.id}/steps/branding`, { name: 'x' });
    assert.equal(noSuchStep.statusCode, 400, noSuchStep.body);
    assert.match(noSuchStep.json().error, /identity/, 'the answer names the steps there are');
    const noBody = await api('PUT', `/brands/${brand.id}/steps/palette`);
    assert.equal(noBody.statusCode, 400, 'the palette step needs its palette');
    const pairing = await api('PUT', `/brands/${brand.id}/steps/fonts`, { pairing: 'comic-sans-forever' });
    assert.equal(pairing.statusCode, 400);
    assert.equal(pairing.json().code, 'UNKNOWN_FONT_PAIRING');
    const untouched = (await api('GET', `/brands/${brand.id}`)).json();
    assert.deepEqual(untouched.color_palette, []);
    assert.equal(untouched.brand_archetype, null);
    assert.equal(untouched.status, 'draft', 'refused saves change nothing');
  });

  it('declares each step\'s body in the OpenAPI description', async () => {
    const spec = (await t.request('GET', '/openapi.json')).json();
    const body = (step: string) => spec.paths[`/brandkit/api/brands/{brandId}/steps/${step}`]?.put?.requestBody?.content?.['application/json']?.schema;
    assert.deepEqual(Object.keys(body('identity').properties).sort(), ['brand_archetype', 'brand_values', 'description', 'name', 'target_audience', 'vision']);
    assert.deepEqual(body('palette').required, ['color_palette']);
    assert.deepEqual(body('fonts').required, ['pairing']);
    assert.deepEqual(body('logo').properties.logo_style.enum, ['wordmark', 'monogram', 'icon-wordmark', 'stacked', 'badge']);
    assert.equal(body('review').additionalProperties, false);
    assert.equal(spec.paths['/brandkit/api/brands/{brandId}/steps/{step}'], undefined, 'the catch-all for unknown steps is not described');
  });

  it('submits only when every required step is complete, naming what is missing', async () => {
    const brand = (await api('POST', '/brands', { name: 'Half Done' })).json();
    const early = await api('POST', `/brands/${brand.id}/submit`);
    assert.equal(early.statusCode, 409);
    assert.equal(early.json().code, 'STEPS_INCOMPLETE');
    const missing = early.json().details.missing.map((m: { step: string }) => m.step);
    assert.deepEqual(missing, ['identity', 'palette', 'fonts', 'logo', 'products', 'mockups']);
    assert.match(early.json().error, /identity \(brand_values, target_audience, brand_archetype\)/);

    await api('PUT', `/brands/${brand.id}/steps/identity`, { brand_values: ['adventure'], target_audience: 'hikers', brand_archetype: 'explorer' });
    const palette = await api('POST', '/identity/palette', { base_color: '#2e7d32', harmony: 'analogous' });
    assert.equal((await api('PUT', `/brands/${brand.id}/steps/palette`, { color_palette: palette.json().colors })).statusCode, 200);
    const fonts = (await api('GET', '/fonts')).json().items;
    const savedFonts = await api('PUT', `/brands/${brand.id}/steps/fonts`, { pairing: fonts[0].id });
    assert.equal(savedFonts.json().fonts.heading, fonts[0].heading.family);
    await api('PUT', `/brands/${brand.id}/steps/logo`, { logo_style: 'wordmark' });

    const stillMissing = await api('POST', `/brands/${brand.id}/submit`);
    assert.deepEqual(stillMissing.json().details.missing, [
      { step: 'logo', missing: ['a chosen (primary) logo'] },
      { step: 'products', missing: ['at least one selected product'] },
      { step: 'mockups', missing: ['label_design', 'at least one approved mockup'] },
    ]);

    // Logo: not an image is refused; a real one becomes the primary logo.
    const notImage = await t.request('POST', `/brandkit/api/brands/${brand.id}/assets/logo`, { token: user.token, raw: Buffer.from('this is not a png'), headers: { 'content-type': 'image/png' } });
    assert.equal(notImage.statusCode, 415, notImage.body);
    assert.equal(notImage.json().code, 'NOT_AN_IMAGE');
    const logo = await t.request('POST', `/brandkit/api/brands/${brand.id}/assets/logo`, { token: user.token, raw: await pngOf('#2e7d32'), headers: { 'content-type': 'image/png' } });
    assert.equal(logo.statusCode, 201, logo.body);
    assert.equal(logo.json().is_primary, true);
    assert.match(logo.json().file_url, /./);
    const [{ key }] = await brandkitDb.withTenant(t.platform.ctx, user, (tx) => tx.selectFrom('storage_objects').select('key').where('org_id', '=', user.orgId).where('key', 'like', `brandkit/${user.userId}/${brand.id}/logos/%`).execute());
    assert.match(key, new RegExp(`^brandkit/${user.userId}/${brand.id}/logos/uploaded-[0-9a-f]+\\.png$`), 'the seed\'s {user_id}/{brand_id}/logos/{filename}');

    // Products: inactive refused, twice refused, unknown 404.
    const inactiveRes = await api('POST', `/brands/${brand.id}/products`, { product_id: inactive });
    assert.equal(inactiveRes.statusCode, 409);
    assert.equal(inactiveRes.json().code, 'PRODUCT_INACTIVE');
    assert.equal((await api('POST', `/brands/${brand.id}/products`, { product_id: productA, quantity: 50, notes: 'amber glass' })).statusCode, 201);
    const twice = await api('POST', `/brands/${brand.id}/products`, { product_id: productA });
    assert.equal(twice.statusCode, 409);
    assert.equal(twice.json().code, 'PRODUCT_ALREADY_SELECTED');
    assert.equal((await api('POST', `/brands/${brand.id}/products`, { product_id: '00000000-0000-4000-8000-000000000000' })).statusCode, 404);
    assert.equal((await api('POST', `/brands/${brand.id}/products`, { product_id: productB, quantity: 0 })).statusCode, 400);
    assert.equal((await api('POST', `/brands/${brand.id}/products`, { product_id: productB, quantity: 10 })).statusCode, 201);
    const selected = (await api('GET', `/brands/${brand.id}/products`)).json().items;
    assert.deepEqual(selected.map((s: { product_id: string; quantity: number }) => [s.product_id, s.quantity]), [[productA, 50], [productB, 10]]);

    // Mockups: approve one; it becomes an asset; reject another.
    await api('PUT', `/brands/${brand.id}/steps/mockups`, { label_design: 'minimal white label, green logo' });
    const m1 = await storedMockup(t, user, brand.id, productA);
    const m2 = await storedMockup(t, user, brand.id, productB);
    const approved = await api('POST', `/brands/${brand.id}/mockups/${m1.id}/approve`);
    assert.equal(approved.json().status, 'approved');
    assert.equal((await api('POST', `/brands/${brand.id}/mockups/${m2.id}/reject`)).json().status, 'rejected');
    const mockupAssets = (await api('GET', `/brands/${brand.id}/assets?type=mockup`)).json().items;
    assert.equal(mockupAssets.length, 1);
    assert.equal(mockupAssets[0].metadata.mockup_id, m1.id);

    const submitted = await api('POST', `/brands/${brand.id}/submit`);
    assert.equal(submitted.statusCode, 200, submitted.body);
    assert.equal(submitted.json().status, 'submitted');
    const again = await api('PUT', `/brands/${brand.id}/steps/identity`, { name: 'Renamed' });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'BRAND_SUBMITTED');
  });

  it('deletes a brand with its files', async () => {
    const brand = (await api('POST', '/brands', { name: 'Short Lived' })).json();
    await t.request('POST', `/brandkit/api/brands/${brand.id}/assets/logo`, { token: user.token, raw: await pngOf('#654321'), headers: { 'content-type': 'image/png' } });
    const files = () => brandkitDb.withTenant(t.platform.ctx, user, (tx) => tx.selectFrom('storage_objects').select('id').where('org_id', '=', user.orgId).where('key', 'like', `brandkit/${user.userId}/${brand.id}/%`).execute());
    assert.equal((await files()).length, 1);
    assert.equal((await api('DELETE', `/brands/${brand.id}`)).statusCode, 204);
    assert.equal((await files()).length, 0);
    assert.equal((await api('GET', `/brands/${brand.id}`)).statusCode, 404);
  });

  it('keeps one primary asset per type and brand', async () => {
    const brand = (await api('POST', '/brands', { name: 'Two Logos' })).json();
    const upload = async () => (await t.request('POST', `/brandkit/api/brands/${brand.id}/assets/logo?primary=true`, { token: user.token, raw: await pngOf('#aa3355'), headers: { 'content-type': 'image/png' } })).json();
    const first = await upload();
    const second = await upload();
    let logos = (await api('GET', `/brands/${brand.id}/assets?type=logo`)).json().items;
    assert.deepEqual(logos.filter((l: { is_primary: boolean }) => l.is_primary).map((l: { id: string }) => l.id), [second.id], 'the newest chosen logo is the primary');
    const chosen = await api('POST', `/brands/${brand.id}/assets/${first.id}/primary`);
    assert.equal(chosen.json().is_primary, true);
    logos = (await api('GET', `/brands/${brand.id}/assets?type=logo`)).json().items;
    assert.deepEqual(logos.filter((l: { is_primary: boolean }) => l.is_primary).map((l: { id: string }) => l.id), [first.id]);
    // The database itself refuses a second primary, whoever writes.
    await assert.rejects(
      brandkitDb.withTenant(t.platform.ctx, user, (tx) => tx.updateTable('brandkit_brand_assets').set({ is_primary: true }).where('id', '=', second.id).execute()),
      (err: { code?: string }) => err.code === '23505',
    );
  });

  it('lets only the superadmin manage the catalog, with unique SKUs and real images', async () => {
    const sku = `JAR-${Math.random().toString(36).slice(2, 8)}`;
    const denied = await api('POST', '/products', { sku, name: 'Jar', category: 'jars' });
    assert.equal(denied.statusCode, 403);
    const created = await api('POST', '/products', { sku, name: 'Jar', category: 'jars' }, root.token);
    assert.equal(created.statusCode, 201, created.body);
    const dup = await api('POST', '/products', { sku: sku.toLowerCase(), name: 'Other jar', category: 'jars' }, root.token);
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().code, 'SKU_EXISTS');
    assert.equal((await api('POST', '/products', { sku: 'bad sku!', name: 'x', category: 'y' }, root.token)).statusCode, 400);

    const id = created.json().id;
    const bad = await t.request('PUT', `/brandkit/api/products/${id}/image`, { token: root.token, raw: Buffer.from('%PDF-1.4 not an image'), headers: { 'content-type': 'image/png' } });
    assert.equal(bad.statusCode, 415);
    assert.equal((await t.request('PUT', `/brandkit/api/products/${id}/image`, { token: user.token, raw: await pngOf('#ffffff'), headers: { 'content-type': 'image/png' } })).statusCode, 403);
    const image = await t.request('PUT', `/brandkit/api/products/${id}/image`, { token: root.token, raw: await pngOf('#ffffff', 300), headers: { 'content-type': 'image/png' } });
    assert.equal(image.statusCode, 200, image.body);
    const mask = await t.request('PUT', `/brandkit/api/products/${id}/mask`, { token: root.token, raw: await pngOf('#000000', 300, '#ffffff'), headers: { 'content-type': 'image/png' } });
    assert.equal(mask.statusCode, 200, mask.body);
    assert.deepEqual(mask.json().image_meta.mask, { width: 300, height: 300, bytes: mask.json().image_meta.mask.bytes, content_type: 'image/png' });

    // Every tenant reads it, with a signed URL to the photo, but not the mask.
    const seen = await api('GET', `/products/${id}`);
    assert.equal(seen.statusCode, 200);
    assert.equal(seen.json().has_image, true);
    assert.match(seen.json().image_url, /./);
    assert.equal(seen.json().mask_url, null);
    const keys = await brandkitDb.withSystem(t.platform.ctx, (tx) => tx.selectFrom('brandkit_products').select(['image_key', 'mask_key']).where('id', '=', id).executeTakeFirstOrThrow());
    assert.equal(keys.image_key, `${root.orgId}/brandkit/product-images/${id}/image.png`);
    assert.equal(keys.mask_key, `${root.orgId}/brandkit/product-masks/${id}/mask.png`);

    // Withdrawn: hidden from tenants, still there for the superadmin.
    await api('PATCH', `/products/${id}`, { is_active: false }, root.token);
    assert.equal((await api('GET', `/products/${id}`)).statusCode, 404);
    assert.equal((await api('GET', `/products/${id}`, undefined, root.token)).statusCode, 200);
    const listed = (await api('GET', '/products?limit=100')).json().items.map((p: { id: string }) => p.id);
    assert.ok(!listed.includes(id));
    // A tenant cannot write the catalog through the database either.
    await assert.rejects(brandkitDb.withTenant(t.platform.ctx, user, (tx) => tx.updateTable('brandkit_products').set({ is_active: true }).where('id', '=', id).execute()));
  });
});
