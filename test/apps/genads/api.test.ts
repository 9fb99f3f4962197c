import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { withSystem } from '../../../src/platform/db/tenant.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { assertError } from '../../support/envelope.js';
import { genadsApp } from '../../../src/apps/genads/index.js';
import { GenAdsClient } from './support/genads-client.js';
import { SAMPLE_GUIDELINES } from './support/documents.js';
import { buildPdf } from './support/pdf.js';
import { bottlePhoto, logoPng } from './support/images.js';

const unique = (name: string) => `${name} ${randomBytes(3).toString('hex')}`;

/** Brands, perfumes and campaigns through the API: the seed's shapes, rules and error codes. */
describe('genads API', () => {
  let t: TestPlatform;
  let ana: GenAdsClient;
  let brand: { brand_id: string; brand_name: string };

  before(async () => {
    t = await startTestPlatform({ apps: [genadsApp], env: { WORKERS: 'off' } });
    ana = new GenAdsClient(t, await t.signup('genads-ana'));
  });
  after(() => t.close());

  describe('onboarding', () => {
    it('is mandatory: other routes answer 403 ONBOARDING_REQUIRED and GET /brands/me 404', async () => {
      for (const url of ['/genads/api/perfumes', '/genads/api/campaigns', '/genads/api/brands/me/stats']) {
        const res = await ana.get(url);
        assert.equal(res.statusCode, 403, url);
        assertError(res, 403, 'ONBOARDING_REQUIRED');
      }
      assert.equal((await ana.send('POST', '/genads/api/campaigns', {})).statusCode, 403);
      assertError(await ana.get('/genads/api/brands/me'), 404, 'NOT_FOUND');
    });

    it('refuses bad files with 400 and the reason', async () => {
      const name = unique('Bad Files');
      const pdfAsLogo = await ana.onboardForm(name, { logo: { field: 'logo', filename: 'logo.png', type: 'image/png', data: buildPdf({ pages: [['x']] }) } });
      assert.equal(pdfAsLogo.statusCode, 400);
      assertError(pdfAsLogo, 400, 'INVALID_FILE_TYPE');
      const pngAsGuidelines = await ana.onboardForm(name, { guidelines: { field: 'guidelines', filename: 'g.pdf', type: 'application/pdf', data: await logoPng() } });
      assertError(pngAsGuidelines, 400, 'INVALID_FILE_TYPE');
      const bigLogo = await ana.onboardForm(name, { logo: { field: 'logo', filename: 'big.png', type: 'image/png', data: Buffer.concat([await logoPng(), randomBytes(5 * 1024 * 1024)]) } });
      assert.equal(bigLogo.statusCode, 400);
      assertError(bigLogo, 400, 'FILE_TOO_LARGE');
      assertError(await ana.onboardForm(name, { guidelines: null }), 400, 'MISSING_FILE');
      assertError(await ana.onboardForm('X'), 400, 'VALIDATION_ERROR');
      const truncated = await ana.onboardForm(name, { logo: { field: 'logo', filename: 'cut.png', type: 'image/png', data: (await logoPng()).subarray(0, 200) } });
      const damaged = assertError(truncated, 400, 'INVALID_IMAGE');
      assert.equal(damaged.error, '"logo" is damaged or not a complete PNG: export it again and upload the new file');
      // Nothing was created or stored by the failed attempts.
      assertError(await ana.get('/genads/api/brands/me'), 404, 'NOT_FOUND');
      const objects = await withSystem(t.db, (tx) => tx.selectFrom('storage_objects').select('key').where('org_id', '=', ana.user.orgId).execute());
      assert.deepEqual(objects, []);
    });

    it('creates the brand with its assets at the seed\'s keys and tags', async () => {
      const name = unique('Maison Aurum');
      const res = await ana.onboardForm(name, { logo: { field: 'logo', filename: 'logo.jpg', type: 'image/jpeg', data: await sharp(await logoPng()).flatten({ background: '#fff' }).jpeg().toBuffer() } });
      assert.equal(res.statusCode, 201, res.body);
      brand = res.json();
      assert.equal(brand.brand_name, name);
      assert.equal(res.json().onboarding_completed, true);
      assert.equal(res.json().brand_logo_url, `brands/${brand.brand_id}/brand_logo.png`);
      assert.equal(res.json().brand_guidelines_url, `brands/${brand.brand_id}/brand_guidelines.pdf`);
      const objects = await withSystem(t.db, (tx) => tx.selectFrom('storage_objects').select(['key', 'tags', 'content_type', 'lifecycle_class']).where('org_id', '=', ana.user.orgId).orderBy('key').execute());
      assert.deepEqual(objects.map((o) => [o.key, o.content_type]), [
        [`brands/${brand.brand_id}/brand_guidelines.pdf`, 'application/pdf'],
        [`brands/${brand.brand_id}/brand_logo.png`, 'image/png'], // the JPEG was stored as the PNG the key promises
      ]);
      for (const o of objects) {
        assert.deepEqual(o.tags, { type: 'brand_asset', brand_id: brand.brand_id, lifecycle: 'permanent' });
        assert.equal(o.lifecycle_class, null, 'brand assets are kept forever');
      }
      const me = (await ana.get('/genads/api/brands/me')).json();
      assert.equal(me.brand_id, brand.brand_id);
      assert.ok(me.updated_at);
      const logo = await ana.get('/genads/api/brands/me/logo');
      assert.equal(logo.statusCode, 302);
      assert.ok(logo.headers.location);
    });

    it('allows one brand per org and unique names across orgs, case-insensitively (409)', async () => {
      assertError(await ana.onboardForm(unique('Second Brand')), 409, 'ALREADY_ONBOARDED');
      const ben = new GenAdsClient(t, await t.signup('genads-ben'));
      const clash = await ben.onboardForm(brand.brand_name.toUpperCase());
      assert.equal(clash.statusCode, 409);
      assertError(clash, 409, 'BRAND_NAME_TAKEN');
      assert.equal((await ben.onboardForm(unique('Ben Parfums'))).statusCode, 201);
    });

    it('PUT /brands/me renames and replaces the guidelines, dropping the cached analysis', async () => {
      await withSystem(t.db, (tx) =>
        tx.insertInto('genads_brand_styles' as never).values({ brand_id: brand.brand_id, org_id: ana.user.orgId, guidelines_sha256: 'a'.repeat(64), style: '{}' } as never).execute(),
      );
      const renamed = unique('Maison Or');
      const res = await ana.form('PUT', '/genads/api/brands/me', { brand_name: renamed }, [{ field: 'guidelines', filename: 'g2.pdf', type: 'application/pdf', data: buildPdf({ pages: [[...SAMPLE_GUIDELINES, 'Updated 2026']] }) }]);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().brand_name, renamed);
      brand = res.json();
      const cache = await withSystem(t.db, (tx) => tx.selectFrom('genads_brand_styles' as never).selectAll().where('brand_id' as never, '=', brand.brand_id as never).execute());
      assert.equal(cache.length, 0);
      assertError(await ana.form('PUT', '/genads/api/brands/me', {}, []), 400, 'EMPTY_UPDATE');
    });
  });

  describe('perfumes', () => {
    let perfumeId: string;

    it('creates a perfume with its images as PNGs at the seed\'s keys', async () => {
      const name = unique('Nuit Dorée');
      const res = await ana.perfumeForm(
        { perfume_name: name, perfume_gender: 'feminine' },
        { front: await bottlePhoto({ format: 'jpeg' }), left: await bottlePhoto({ format: 'webp' }) },
      );
      assert.equal(res.statusCode, 201, res.body);
      const p = res.json();
      perfumeId = p.perfume_id;
      assert.equal(p.brand_id, brand.brand_id);
      assert.equal(p.images_count, 2);
      assert.equal(p.front_image_url, `brands/${brand.brand_id}/perfumes/${perfumeId}/front.png`);
      assert.equal(p.left_image_url, `brands/${brand.brand_id}/perfumes/${perfumeId}/left.png`);
      assert.equal(p.back_image_url, undefined);
      const front = await withSystem(t.db, (tx) => tx.selectFrom('storage_objects').select(['tags', 'content_type']).where('key', '=', p.front_image_url).executeTakeFirstOrThrow());
      assert.equal(front.content_type, 'image/png');
      assert.deepEqual(front.tags, { type: 'perfume_image', brand_id: brand.brand_id, perfume_id: perfumeId, angle: 'front', lifecycle: 'permanent' });
    });

    it('enforces the seed\'s rules: front image required (422), names unique per brand (409), types and sizes (400)', async () => {
      const noFront = await ana.perfumeForm({ perfume_name: unique('No Front'), perfume_gender: 'unisex' }, { back: await bottlePhoto() });
      assert.equal(noFront.statusCode, 422);
      assertError(noFront, 422, 'MISSING_FRONT_IMAGE');
      const existing = (await ana.get(`/genads/api/perfumes/${perfumeId}`)).json();
      assertError(await ana.perfumeForm({ perfume_name: existing.perfume_name, perfume_gender: 'unisex' }, { front: await bottlePhoto() }), 409, 'PERFUME_NAME_TAKEN');
      assertError(await ana.perfumeForm({ perfume_name: unique('Gif'), perfume_gender: 'unisex' }, { front: await sharp(await bottlePhoto()).gif().toBuffer() }), 400, 'INVALID_FILE_TYPE');
      assertError(await ana.perfumeForm({ perfume_name: unique('Big'), perfume_gender: 'unisex' }, { front: Buffer.concat([await bottlePhoto(), randomBytes(5 * 1024 * 1024)]) }), 400, 'FILE_TOO_LARGE');
      assertError(await ana.perfumeForm({ perfume_name: unique('Gender'), perfume_gender: 'other' }, { front: await bottlePhoto() }), 400, 'VALIDATION_ERROR');
      assertError(await ana.perfumeForm({ perfume_name: unique('Extra'), perfume_gender: 'unisex' }, { front: await bottlePhoto(), side: await bottlePhoto() }), 400, 'UNEXPECTED_FILE');
    });

    it('lists with filters, sorting, paging and computed counts', async () => {
      const a = await ana.createPerfume(`AAA ${randomBytes(2).toString('hex')}`, 'masculine');
      await ana.createPerfume(`ZZZ ${randomBytes(2).toString('hex')}`, 'masculine');
      await ana.createCampaign(a.perfume_id);
      const list = (await ana.get('/genads/api/perfumes?gender=masculine&sort=name&order=asc')).json();
      assert.equal(list.total, 2);
      assert.equal(list.pages, 1);
      assert.ok(list.perfumes[0].perfume_name.startsWith('AAA'));
      assert.equal(list.perfumes[0].campaigns_count, 1);
      assert.equal(list.perfumes[1].campaigns_count, 0);
      assert.equal(list.perfumes[0].images_count, 1);
      const paged = (await ana.get('/genads/api/perfumes?limit=1&page=2&sort=created_at&order=desc')).json();
      assert.equal(paged.total, 3);
      assert.equal(paged.pages, 3);
      assert.equal(paged.perfumes.length, 1);
      assertError(await ana.get('/genads/api/perfumes?limit=101'), 400, 'VALIDATION_ERROR');
    });

    it('updates names, genders and images, and removes optional images', async () => {
      const res = await ana.form('PUT', `/genads/api/perfumes/${perfumeId}`, { perfume_gender: 'unisex', remove_images: 'left' }, [
        { field: 'top_image', filename: 'top.png', type: 'image/png', data: await bottlePhoto({ tint: '#335577' }) },
      ]);
      assert.equal(res.statusCode, 200, res.body);
      const p = res.json();
      assert.equal(p.perfume_gender, 'unisex');
      assert.equal(p.left_image_url, undefined);
      assert.ok(p.top_image_url.endsWith('/top.png'));
      assert.equal(p.images_count, 2);
      const left = await withSystem(t.db, (tx) => tx.selectFrom('storage_objects').select('id').where('key', '=', `brands/${brand.brand_id}/perfumes/${perfumeId}/left.png`).execute());
      assert.equal(left.length, 0, 'the removed image is deleted from storage');
      assertError(await ana.form('PUT', `/genads/api/perfumes/${perfumeId}`, { remove_images: 'front' }, []), 400, 'VALIDATION_ERROR');
      // Replacing the front image keeps one object at the key, with the new bytes.
      const replaced = await ana.form('PUT', `/genads/api/perfumes/${perfumeId}`, {}, [{ field: 'front_image', filename: 'f.png', type: 'image/png', data: await bottlePhoto({ tint: '#aa0000' }) }]);
      assert.equal(replaced.statusCode, 200);
      const fronts = await withSystem(t.db, (tx) => tx.selectFrom('storage_objects').select(['storage_key', 'key']).where('key', 'like', `brands/${brand.brand_id}/perfumes/${perfumeId}/front%`).execute());
      assert.deepEqual(fronts.map((f) => f.key), [`brands/${brand.brand_id}/perfumes/${perfumeId}/front.png`]);
      assert.equal(fronts[0].storage_key, `${ana.user.orgId}/${fronts[0].key}`);
      const image = await ana.get(`/genads/api/perfumes/${perfumeId}/images/front`);
      assert.equal(image.statusCode, 302);
      assertError(await ana.get(`/genads/api/perfumes/${perfumeId}/images/back`), 404, 'NO_SUCH_IMAGE');
      // The presigned URL as JSON (what the pages load into an <img>): it serves the image without the session.
      const link = await ana.get(`/genads/api/perfumes/${perfumeId}/images/front/link`);
      assert.equal(link.statusCode, 200);
      assert.equal(link.json().expires_in_seconds, 3600);
      const signed = new URL(link.json().url, 'http://localhost');
      const served = await t.server.inject({ method: 'GET', url: signed.pathname + signed.search });
      assert.equal(served.statusCode, 200);
      assert.equal(served.headers['content-type'], 'image/png');
      assert.equal((await sharp(served.rawPayload).metadata()).format, 'png');
      assertError(await ana.get(`/genads/api/perfumes/${perfumeId}/images/back/link`), 404, 'NO_SUCH_IMAGE');
    });

    it('refuses to delete a perfume with campaigns (409), deletes one without (204) with its images', async () => {
      const withCampaign = await ana.createPerfume(unique('Has Campaign'));
      await ana.createCampaign(withCampaign.perfume_id);
      const refused = await ana.send('DELETE', `/genads/api/perfumes/${withCampaign.perfume_id}`);
      assert.equal(refused.statusCode, 409);
      assertError(refused, 409, 'PERFUME_HAS_CAMPAIGNS');
      const lonely = await ana.createPerfume(unique('Lonely'));
      assert.equal((await ana.send('DELETE', `/genads/api/perfumes/${lonely.perfume_id}`)).statusCode, 204);
      assertError(await ana.get(`/genads/api/perfumes/${lonely.perfume_id}`), 404, 'NOT_FOUND');
      const left = await withSystem(t.db, (tx) => tx.selectFrom('storage_objects').select('key').where('key', 'like', `%/perfumes/${lonely.perfume_id}/%`).execute());
      assert.deepEqual(left, []);
    });
  });

  describe('campaigns', () => {
    let perfumeId: string;

    before(async () => {
      perfumeId = (await ana.createPerfume(unique('Campaign Perfume'))).perfume_id;
    });

    it('creates a pending campaign with the seed\'s shape', async () => {
      const c = await ana.createCampaign(perfumeId, { num_variations: 2 });
      assert.equal(c.status, 'pending');
      assert.equal(c.progress, 0);
      assert.equal(c.perfume_id, perfumeId);
      assert.equal(c.brand_id, brand.brand_id);
      const full = (await ana.get(`/genads/api/campaigns/${c.campaign_id}`)).json();
      assert.equal(full.num_variations, 2);
      assert.equal(full.cost, 0);
      assert.equal(full.selected_style, 'gold_luxe');
      assert.deepEqual(full.campaign_json, {});
    });

    it('validates every field and refuses duplicates per perfume', async () => {
      const base = { perfume_id: perfumeId, campaign_name: unique('Valid'), creative_prompt: 'A long enough creative prompt', selected_style: 'dark_elegance', target_duration: 30 };
      for (const bad of [
        { creative_prompt: 'too short' },
        { creative_prompt: 'x'.repeat(2001) },
        { target_duration: 14 },
        { target_duration: 61 },
        { target_duration: 20.5 },
        { num_variations: 4 },
        { num_variations: 0 },
        { selected_style: 'neon' },
        { campaign_name: 'x' },
        { perfume_id: 'not-a-uuid' },
      ]) {
        const res = await ana.send('POST', '/genads/api/campaigns', { ...base, ...bad });
        assert.equal(res.statusCode, 400, JSON.stringify(bad));
        assertError(res, 400, 'VALIDATION_ERROR');
      }
      assertError(await ana.send('POST', '/genads/api/campaigns', { ...base, perfume_id: '00000000-0000-4000-8000-000000000000' }), 404, 'NOT_FOUND');
      assert.equal((await ana.send('POST', '/genads/api/campaigns', base)).statusCode, 201);
      const dup = await ana.send('POST', '/genads/api/campaigns', base);
      assert.equal(dup.statusCode, 409);
      assertError(dup, 409, 'CAMPAIGN_NAME_TAKEN');
      // The same name on another perfume is fine.
      const other = await ana.createPerfume(unique('Other'));
      assert.equal((await ana.send('POST', '/genads/api/campaigns', { ...base, perfume_id: other.perfume_id })).statusCode, 201);
    });

    it('lists by perfume and status, sorted by cost or date, and shows brand stats', async () => {
      const list = (await ana.get(`/genads/api/campaigns?perfume_id=${perfumeId}&status=pending&sort=cost&order=asc`)).json();
      assert.equal(list.total, 2);
      assert.ok(list.campaigns.every((c: { perfume_id: string; status: string }) => c.perfume_id === perfumeId && c.status === 'pending'));
      assert.equal((await ana.get(`/genads/api/campaigns?perfume_id=${perfumeId}&status=completed`)).json().total, 0);
      assertError(await ana.get('/genads/api/campaigns?perfume_id=00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND');
      const stats = (await ana.get('/genads/api/brands/me/stats')).json();
      assert.ok(stats.total_campaigns >= 4);
      assert.ok(stats.total_perfumes >= 4);
      assert.equal(stats.total_cost, 0);
      assert.equal(stats.completed_campaigns, 0);
    });

    it('refuses to delete a processing campaign (409) and selecting before completion; deletes otherwise', async () => {
      const c = await ana.createCampaign(perfumeId, { campaign_name: unique('Busy') });
      // WORKERS=off: the job stays queued, the campaign processing.
      const started = await ana.send('POST', `/genads/api/generation/campaigns/${c.campaign_id}/generate`);
      assert.equal(started.statusCode, 202, started.body);
      assert.equal(started.json().status, 'processing');
      assertError(await ana.send('POST', `/genads/api/generation/campaigns/${c.campaign_id}/generate`), 409, 'GENERATION_IN_PROGRESS');
      const progress = (await ana.get(`/genads/api/generation/campaigns/${c.campaign_id}/progress`)).json();
      assert.equal(progress.status, 'processing');
      assert.equal(progress.stage, 'queued');
      assertError(await ana.send('DELETE', `/genads/api/campaigns/${c.campaign_id}`), 409, 'CAMPAIGN_PROCESSING');
      assertError(await ana.send('POST', `/genads/api/generation/campaigns/${c.campaign_id}/select-variation`, { variation_index: 0 }), 409, 'CAMPAIGN_NOT_COMPLETED');

      // Its job ends without the handler saying so (a worker killed on the last attempt):
      // the campaign is failed when next read, and can be deleted or generated again.
      await withSystem(t.db, (tx) => tx.updateTable('job_runs').set({ state: 'failed', error: 'worker lost' }).where('id', '=', started.json().job_id).execute());
      const stalled = (await ana.get(`/genads/api/generation/campaigns/${c.campaign_id}/progress`)).json();
      assert.equal(stalled.status, 'failed');
      assert.match(stalled.error_message, /worker lost: generate the campaign again/);
      assert.equal((await ana.send('DELETE', `/genads/api/campaigns/${c.campaign_id}`)).statusCode, 204);

      const idle = await ana.createCampaign(perfumeId, { campaign_name: unique('Idle') });
      assert.equal((await ana.send('DELETE', `/genads/api/campaigns/${idle.campaign_id}`)).statusCode, 204);
      assertError(await ana.get(`/genads/api/campaigns/${idle.campaign_id}`), 404, 'NOT_FOUND');
    });
  });
});

describe('genads OpenAPI description', () => {
  let t: TestPlatform;
  before(async () => {
    t = await startTestPlatform({ apps: [genadsApp], env: { WORKERS: 'off' } });
  });
  after(() => t.close());

  it('describes the multipart bodies of brands and perfumes, files as binary parts', async () => {
    const doc = (await t.request('GET', '/openapi.json')).json();
    const forms: Array<[string, string, string[], string[]]> = [
      ['/genads/api/brands/onboard', 'post', ['brand_name'], ['logo', 'guidelines']],
      ['/genads/api/brands/me', 'put', [], ['logo', 'guidelines']],
      ['/genads/api/perfumes', 'post', ['perfume_name', 'perfume_gender'], ['front_image', 'back_image', 'top_image', 'left_image', 'right_image']],
      ['/genads/api/perfumes/{perfumeId}', 'put', [], ['front_image', 'back_image', 'top_image', 'left_image', 'right_image']],
    ];
    for (const [path, method, required, files] of forms) {
      const body = doc.paths[path]?.[method]?.requestBody;
      assert.ok(body, `${method} ${path} declares its body`);
      const schema = body.content['multipart/form-data']?.schema;
      assert.ok(schema, `${method} ${path} is multipart/form-data`);
      for (const file of files) assert.deepEqual([schema.properties[file]?.type, schema.properties[file]?.format], ['string', 'binary'], `${path} ${file}`);
      assert.deepEqual([...(schema.required ?? [])].sort(), [...required].sort(), `${path} required fields`);
    }
    assert.deepEqual(doc.paths['/genads/api/perfumes'].post.requestBody.content['multipart/form-data'].schema.properties.perfume_gender.enum, ['masculine', 'feminine', 'unisex']);
  });

  it('declares the body of every JSON answer, so the web client does not see `unknown`', async () => {
    const doc = (await t.request('GET', '/openapi.json')).json();
    // Answers without a body: deletions (204) and downloads (302 to a presigned URL).
    const bodiless = new Set(['delete /genads/api/perfumes/{perfumeId}', 'delete /genads/api/campaigns/{campaignId}', 'get /genads/api/brands/me/logo', 'get /genads/api/brands/me/guidelines', 'get /genads/api/perfumes/{perfumeId}/images/{angle}']);
    // Answers that are not JSON, declared with their own type.
    const notJson: Record<string, string> = { 'get /genads/api/campaigns/{campaignId}/variations/{variationIndex}/captions.vtt': 'text/vtt' };
    const undeclared: string[] = [];
    let declared = 0;
    for (const [path, operations] of Object.entries<Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>(doc.paths)) {
      if (!path.startsWith('/genads/')) continue;
      for (const [method, op] of Object.entries(operations)) {
        if (bodiless.has(`${method} ${path}`)) continue;
        const ok = Object.entries(op.responses ?? {}).find(([status]) => status.startsWith('2'));
        const type = notJson[`${method} ${path}`];
        if (type) {
          assert.ok(ok?.[1].content?.[type], `${method} ${path} declares its ${type} answer`);
          continue;
        }
        if (ok?.[1].content?.['application/json']?.schema) declared++;
        else undeclared.push(`${method} ${path}`);
      }
    }
    assert.deepEqual(undeclared, []);
    assert.equal(declared, 16);
    const progress = doc.paths['/genads/api/generation/campaigns/{id}/progress'].get.responses['200'].content['application/json'].schema;
    assert.ok(['status', 'progress', 'stage', 'variations_completed', 'num_variations', 'cost', 'error_message'].every((k) => k in progress.properties));
  });
});
