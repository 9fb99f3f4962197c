import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { waitForJobEnd } from '../../support/jobs.js';
import { brandkitApp } from '../../../src/apps/brandkit/index.js';
import { sampleProduct } from '../../../src/apps/brandkit/engines/mockup/sample-products.js';
import { superadmin } from './helpers.js';

/** The wizard's generation steps end to end: logos, "vary this one", mockups of selected products, approval, submission. */
describe('brandkit generation', () => {
  let t: TestPlatform;
  let user: TestUser;
  let products: Record<'bottle' | 'box' | 'jar', string>;
  before(async () => {
    t = await startTestPlatform({ apps: [brandkitApp], env: { BRANDKIT_LOGO_GENERATIONS_FREE: '8', BRANDKIT_MOCKUP_GENERATIONS_FREE: '6' } });
    user = await t.signup('bk-gen');
    const root = await superadmin(t);
    const suffix = Math.random().toString(36).slice(2, 8);
    const entries: Array<[string, string]> = [];
    for (const kind of ['bottle', 'box', 'jar'] as const) {
      const sample = await sampleProduct(kind, 512);
      const id = (await t.request('POST', '/brandkit/api/products', { token: root.token, body: { sku: `${kind}-${suffix}`, name: `Sample ${kind}`, category: kind === 'box' ? 'boxes' : `${kind}s` } })).json().id;
      for (const [part, bytes] of [['image', sample.image], ['mask', sample.mask]] as const) {
        const res = await t.request('PUT', `/brandkit/api/products/${id}/${part}`, { token: root.token, raw: bytes, headers: { 'content-type': 'image/png' } });
        assert.equal(res.statusCode, 200, res.body);
      }
      entries.push([kind, id]);
    }
    products = Object.fromEntries(entries) as typeof products;
  });
  after(() => t.close());

  const api = (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) => t.request(method, `/brandkit/api${url}`, { token: user.token, body });
  const finish = async (res: { statusCode: number; body: string; json(): { job_id: string } }) => {
    assert.equal(res.statusCode, 202, res.body);
    const job = await waitForJobEnd(t, user.orgId, res.json().job_id);
    assert.equal(job.state, 'completed', job.error ?? '');
    return job;
  };

  it('generates logos, varies one, makes mockups of selected products only, and submits', async () => {
    const brand = (await api('POST', '/brands', { name: 'Harbor Light' })).json();
    const early = await api('POST', `/brands/${brand.id}/logos/generate`, { count: 2 });
    assert.equal(early.statusCode, 409, 'no palette yet');
    assert.equal(early.json().code, 'BRAND_NOT_READY');

    await api('PUT', `/brands/${brand.id}/steps/identity`, { brand_values: ['calm', 'craft'], target_audience: 'home cooks', brand_archetype: 'caregiver' });
    await api('PUT', `/brands/${brand.id}/steps/palette`, { color_palette: (await api('POST', '/identity/palette', { base_color: '#0d47a1' })).json().colors });
    await api('PUT', `/brands/${brand.id}/steps/fonts`, { pairing: 'classic-editorial' });
    await api('PUT', `/brands/${brand.id}/steps/logo`, { logo_style: 'badge' });

    // A name the shipped fonts cannot draw is refused before any work, saying why.
    const cjk = (await api('POST', '/brands', { name: '漢字ブランド' })).json();
    await api('PUT', `/brands/${cjk.id}/steps/palette`, { color_palette: [{ hex: '#0d47a1', role: 'primary' }] });
    const undrawable = await api('POST', `/brands/${cjk.id}/logos/generate`, { count: 1 });
    assert.equal(undrawable.statusCode, 409, undrawable.body);
    assert.equal(undrawable.json().code, 'BRAND_NOT_READY');

    await finish(await api('POST', `/brands/${brand.id}/logos/generate`, { count: 4 }));
    const logos = (await api('GET', `/brands/${brand.id}/assets?type=logo`)).json().items;
    assert.equal(logos.length, 4);
    for (const l of logos) {
      assert.equal(l.metadata.mime_type, 'image/svg+xml');
      assert.equal(l.metadata.params.spec.layout, 'badge', 'the brand\'s logo_style is the default layout');
      assert.match(l.file_name, /^badge-.+\.svg$/);
      assert.equal(l.is_primary, false);
    }
    // Vary the third: close relatives of its spec.
    await finish(await api('POST', `/brands/${brand.id}/logos/${logos[2].id}/vary`, { count: 2 }));
    const all = (await api('GET', `/brands/${brand.id}/assets?type=logo`)).json().items;
    assert.equal(all.length, 6);
    const varied = all.filter((l: { metadata: { params: { varied_from?: string } } }) => l.metadata.params.varied_from === logos[2].id);
    assert.equal(varied.length, 2);
    assert.equal(varied[0].metadata.params.spec.icon, logos[2].metadata.params.spec.icon);
    assert.equal((await api('POST', `/brands/${brand.id}/assets/${varied[0].id}/primary`)).json().is_primary, true);

    // The allowance: 8 logos a month, 6 used.
    const over = await api('POST', `/brands/${brand.id}/logos/generate`, { count: 3 });
    assert.equal(over.statusCode, 429);
    assert.equal(over.json().code, 'GENERATION_LIMIT_REACHED');
    assert.match(over.json().error, /only 2 of 8 logo generations are left/);

    // Mockups: only of selected products, within the allowance.
    await api('POST', `/brands/${brand.id}/products`, { product_id: products.bottle });
    await api('POST', `/brands/${brand.id}/products`, { product_id: products.box });
    const unselected = await api('POST', `/brands/${brand.id}/mockups/generate`, { product_ids: [products.jar], count: 1 });
    assert.equal(unselected.statusCode, 409);
    assert.equal(unselected.json().code, 'PRODUCT_NOT_SELECTED');
    assert.equal((await api('POST', `/brands/${brand.id}/mockups/generate`, { count: 4 })).statusCode, 429, '2 products × 4 > 6');
    await api('PUT', `/brands/${brand.id}/steps/mockups`, { label_design: 'classic label with a border' });
    await finish(await api('POST', `/brands/${brand.id}/mockups/generate`, { count: 2 }));
    const mockups = (await api('GET', `/brands/${brand.id}/mockups`)).json().items;
    assert.equal(mockups.length, 4);
    assert.deepEqual(new Set(mockups.map((m: { product_id: string }) => m.product_id)), new Set([products.bottle, products.box]));
    const stored = await t.request('GET', new URL(mockups[0].mockup_url, 'http://x').pathname + new URL(mockups[0].mockup_url, 'http://x').search);
    assert.equal(stored.statusCode, 200);
    const meta = await sharp(stored.rawPayload).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.equal(Math.max(meta.width!, meta.height!), 2048);

    const usage = (await api('GET', '/usage')).json().items;
    assert.deepEqual(usage.map((u: { used: number }) => u.used), [6, 4]);

    await api('POST', `/brands/${brand.id}/mockups/${mockups[0].id}/approve`);

    // The brand guide PDF: none yet, then built, then downloadable through a signed URL.
    assert.equal((await api('GET', `/brands/${brand.id}/guide`)).statusCode, 404);
    await finish(await api('POST', `/brands/${brand.id}/guide`));
    await finish(await api('POST', `/brands/${brand.id}/guide`));
    const guides = (await api('GET', `/brands/${brand.id}/assets?type=brand_guide`)).json().items;
    assert.equal(guides.length, 1, 'a rebuilt guide replaces the previous one');
    assert.equal(guides[0].is_primary, true);
    const redirect = await api('GET', `/brands/${brand.id}/guide`);
    assert.equal(redirect.statusCode, 302);
    const location = new URL(redirect.headers.location as string, 'http://x');
    const pdf = await t.request('GET', location.pathname + location.search);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
    assert.ok(pdf.rawPayload.length > 20_000, `a guide with logo, palette, fonts and a mockup: ${pdf.rawPayload.length} bytes`);

    // The kit ZIP, streamed: the central directory names its entries.
    const zip = await api('GET', `/brands/${brand.id}/kit`);
    assert.equal(zip.statusCode, 200, zip.body.slice(0, 300));
    assert.equal(zip.headers['content-type'], 'application/zip');
    assert.match(zip.headers['content-disposition'] as string, /harbor-light-kit\.zip/);
    assert.equal(zip.rawPayload.subarray(0, 4).toString('binary'), 'PK\x03\x04');
    const names = zip.rawPayload.toString('latin1');
    for (const entry of ['.svg', 'favicon.ico', '.css', '.json', '.pdf']) assert.ok(names.includes(entry), `the kit has a ${entry} entry`);

    const submitted = await api('POST', `/brands/${brand.id}/submit`);
    assert.equal(submitted.statusCode, 200, submitted.body);
  });

  it('builds the mockups, the guide and the kit around a logo the user uploaded', async () => {
    const owner = await t.signup('bk-upload');
    const as = (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) => t.request(method, `/brandkit/api${url}`, { token: owner.token, body });
    const done = async (res: { statusCode: number; body: string; json(): { job_id: string } }) => {
      assert.equal(res.statusCode, 202, res.body);
      assert.equal((await waitForJobEnd(t, owner.orgId, res.json().job_id)).state, 'completed');
    };
    const brand = (await as('POST', '/brands', { name: 'Own Mark' })).json();
    await as('PUT', `/brands/${brand.id}/steps/palette`, { color_palette: (await as('POST', '/identity/palette', { base_color: '#0d47a1' })).json().colors });
    await as('PUT', `/brands/${brand.id}/steps/fonts`, { pairing: 'classic-editorial' });
    await as('PUT', `/brands/${brand.id}/steps/mockups`, { label_design: 'classic label with a border' });
    await as('POST', `/brands/${brand.id}/products`, { product_id: products.bottle });
    /** How many pixels of the newest mockup are the uploaded logo's magenta, which nothing else in the brand uses. */
    const magentaInNewestMockup = async () => {
      const newest = (await as('GET', `/brands/${brand.id}/mockups`)).json().items.sort((a: { created_at: string }, b: { created_at: string }) => b.created_at.localeCompare(a.created_at))[0];
      const url = new URL(newest.mockup_url, 'http://x');
      const { data, info } = await sharp((await t.request('GET', url.pathname + url.search)).rawPayload).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      let n = 0;
      for (let i = 0; i < data.length; i += info.channels) if (data[i]! > 180 && data[i + 1]! < 90 && data[i + 2]! > 180) n++;
      return n;
    };

    // Control: with a generated logo chosen, the label has no magenta.
    await done(await as('POST', `/brands/${brand.id}/logos/generate`, { count: 1 }));
    const generated = (await as('GET', `/brands/${brand.id}/assets?type=logo`)).json().items[0];
    await as('POST', `/brands/${brand.id}/assets/${generated.id}/primary`);
    await done(await as('POST', `/brands/${brand.id}/mockups/generate`, { count: 1 }));
    assert.equal(await magentaInNewestMockup(), 0);

    // The user's own logo (600×400, magenta), uploaded: chosen at once, and on the next label.
    const upload = await t.request('POST', `/brandkit/api/brands/${brand.id}/assets/logo`, {
      token: owner.token, headers: { 'content-type': 'image/png' },
      raw: await sharp({ create: { width: 600, height: 400, channels: 4, background: '#ff00ff' } }).png().toBuffer(),
    });
    assert.equal(upload.statusCode, 201, upload.body);
    assert.equal(upload.json().is_primary, true);
    await done(await as('POST', `/brands/${brand.id}/mockups/generate`, { count: 1 }));
    assert.ok((await magentaInNewestMockup()) > 2_000, 'the uploaded logo is printed on the label');

    // The guide shows it; the kit has it as PNG up to its own size, and no SVG pretending to be a vector.
    await done(await as('POST', `/brands/${brand.id}/guide`));
    const kit = await as('GET', `/brands/${brand.id}/kit`);
    assert.equal(kit.statusCode, 200, kit.body.slice(0, 300));
    const entries = kit.rawPayload.toString('latin1');
    assert.ok(entries.includes('logos/png/own-mark-primary-512.png'));
    assert.ok(!entries.includes('own-mark-primary-1024.png'), 'not enlarged past the uploaded 600 px');
    assert.ok(!entries.includes('own-mark-primary.svg'));
    assert.ok(entries.includes('.svg'), 'the generated logo is still in the kit as a vector');
    assert.ok(entries.includes('favicons/favicon.ico'));
  });

  it('says how many products one mockup generation takes when the brand selected more', async () => {
    const root = await superadmin(t);
    const brand = (await api('POST', '/brands', { name: 'Many Things' })).json();
    await api('PUT', `/brands/${brand.id}/steps/palette`, { color_palette: [{ hex: '#0d47a1', role: 'primary' }] });
    const suffix = Math.random().toString(36).slice(2, 8);
    for (let i = 0; i < 21; i++) {
      const id = (await t.request('POST', '/brandkit/api/products', { token: root.token, body: { sku: `MANY-${suffix}-${i}`, name: `Thing ${i}`, category: 'things' } })).json().id;
      assert.equal((await api('POST', `/brands/${brand.id}/products`, { product_id: id })).statusCode, 201);
    }
    const res = await api('POST', `/brands/${brand.id}/mockups/generate`, { count: 1 });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().code, 'TOO_MANY_PRODUCTS');
    assert.match(res.json().error, /up to 20 products at a time and this brand has 21 selected: send product_ids/);
  });
});
