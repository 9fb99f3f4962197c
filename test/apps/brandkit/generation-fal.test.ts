import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { waitForJobEnd } from '../../support/jobs.js';
import { brandkitApp } from '../../../src/apps/brandkit/index.js';
import { FakeFal } from './fakes/fake-fal.js';
import { pngOf, superadmin } from './helpers.js';

/**
 * Logo and mockup generation through Fal.ai's queue protocol (submit, poll, fetch), against a
 * local fake queue: its answers, its errors and its slowness.
 */
describe('brandkit generation through Fal.ai', () => {
  const fal = new FakeFal();
  let t: TestPlatform;
  let user: TestUser;
  let brandId: string;
  before(async () => {
    await fal.start();
    t = await startTestPlatform({
      apps: [brandkitApp],
      env: { BRANDKIT_IMAGE_ENGINE: 'fal', BRANDKIT_FAL_BASE_URL: fal.baseUrl, BRANDKIT_FAL_API_KEY: fal.key, BRANDKIT_FAL_POLL_MS: '5', BRANDKIT_FAL_TIMEOUT_MS: '5000' },
    });
    user = await t.signup('bk-fal');
    brandId = (await t.request('POST', '/brandkit/api/brands', { token: user.token, body: { name: 'Queue Coffee' } })).json().id;
    await t.request('PUT', `/brandkit/api/brands/${brandId}/steps/palette`, { token: user.token, body: { color_palette: [{ hex: '#6d4c41', role: 'primary' }, { hex: '#fff8f0', role: 'background' }] } });
  });
  after(async () => {
    await t.close();
    await fal.close();
  });

  const generate = async (count: number) => {
    const res = await t.request('POST', `/brandkit/api/brands/${brandId}/logos/generate`, { token: user.token, body: { layout: 'monogram', count } });
    assert.equal(res.statusCode, 202, res.body);
    return waitForJobEnd(t, user.orgId, res.json().job_id);
  };
  const logos = async () => (await t.request('GET', `/brandkit/api/brands/${brandId}/assets?type=logo`, { token: user.token })).json().items;
  const used = async (kind = 'logo') => (await t.request('GET', '/brandkit/api/usage', { token: user.token })).json().items.find((i: { kind: string }) => i.kind === kind).used;

  it('submits, polls and stores the model\'s images as logo assets, counting them', async () => {
    const job = await generate(2);
    assert.equal(job.state, 'completed', job.error ?? '');
    const items = await logos();
    assert.equal(items.length, 2);
    for (const l of items) {
      assert.equal(l.metadata.mime_type, 'image/png');
      assert.match(l.file_name, /^monogram-.+\.png$/);
      assert.match(l.metadata.prompt_used, /monogram logo of the initials/);
      assert.match(l.metadata.prompt_used, /Queue Coffee/);
    }
    assert.ok(fal.requests.size >= 1, 'the fake queue received the request');
    assert.equal(await used(), 2);
  });

  it('fails the job when the model fails, storing and counting nothing', async () => {
    fal.script = { ...fal.script, error: 'NSFW content detected' };
    try {
      const job = await generate(2);
      assert.equal(job.state, 'failed');
      assert.match(job.error ?? '', /NSFW content detected/);
    } finally {
      fal.script = { ...fal.script, error: undefined };
    }
    assert.equal((await logos()).length, 2, 'no new assets');
    assert.equal(await used(), 2, 'no generations counted');
    const files = await t.platform.ctx.database.db.selectFrom('storage_objects').select('key').where('org_id', '=', user.orgId).execute();
    assert.equal(files.length, 2, 'no orphaned files');
  });

  it('cannot vary a hosted model\'s logo', async () => {
    const [first] = await logos();
    const res = await t.request('POST', `/brandkit/api/brands/${brandId}/logos/${first.id}/vary`, { token: user.token, body: {} });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'NOT_VARIABLE');
  });

  describe('mockups', () => {
    let productId: string;
    before(async () => {
      const root = await superadmin(t);
      productId = (await t.request('POST', '/brandkit/api/products', { token: root.token, body: { sku: `FAL-${Math.random().toString(36).slice(2, 8)}`, name: 'Tin can', category: 'tins' } })).json().id;
      for (const [kind, png] of [['image', await pngOf('#e0e0e0', 256, '#b0b0b0')], ['mask', await pngOf('#000000', 256, '#ffffff')]] as const) {
        const res = await t.request('PUT', `/brandkit/api/products/${productId}/${kind}`, { token: root.token, raw: png, headers: { 'content-type': 'image/png' } });
        assert.equal(res.statusCode, 200, res.body);
      }
      assert.equal((await t.request('POST', `/brandkit/api/brands/${brandId}/products`, { token: user.token, body: { product_id: productId } })).statusCode, 201);
      await t.request('PUT', `/brandkit/api/brands/${brandId}/steps/mockups`, { token: user.token, body: { label_design: 'bold dark label with a frame' } });
    });
    afterEach(() => {
      fal.script = { queued: 1, running: 2, required: ['prompt'] };
    });

    const generateMockups = async (count: number) => {
      const res = await t.request('POST', `/brandkit/api/brands/${brandId}/mockups/generate`, { token: user.token, body: { product_ids: [productId], count } });
      assert.equal(res.statusCode, 202, res.body);
      return waitForJobEnd(t, user.orgId, res.json().job_id);
    };
    const mockups = async () => (await t.request('GET', `/brandkit/api/brands/${brandId}/mockups`, { token: user.token })).json().items as Array<{ id: string; prompt_used: string; generation_params: Record<string, unknown> }>;
    const mockupFiles = async () => (await t.platform.ctx.database.db.selectFrom('storage_objects').select('key').where('org_id', '=', user.orgId).where('key', 'like', `brandkit/${user.userId}/${brandId}/mockups/%`).execute()).length;
    /** What a failed generation must leave: the mockups, their files and the count as they were. */
    const assertNothingWritten = async (before: { rows: number; files: number; used: number }) => {
      assert.equal((await mockups()).length, before.rows, 'no mockup row');
      assert.equal(await mockupFiles(), before.files, 'no mockup file');
      assert.equal(await used('mockup'), before.used, 'no generation counted');
    };
    const snapshot = async () => ({ rows: (await mockups()).length, files: await mockupFiles(), used: await used('mockup') });

    it('sends the photo and mask to the inpainting model, polls, stores each answer as a mockup, counting them', async () => {
      fal.http.calls.length = 0;
      const job = await generateMockups(2);
      assert.equal(job.state, 'completed', job.error ?? '');
      const submitted = fal.submitted().filter((r) => r.model === 'fal-ai/flux-pro/v1/fill');
      assert.equal(submitted.length, 2, 'one request per variation');
      for (const r of submitted) {
        assert.match(String(r.input.image_url), /^data:image\/jpeg;base64,/);
        assert.match(String(r.input.mask_url), /^data:image\/png;base64,/);
        assert.match(String(r.input.prompt), /Tin can/);
      }
      assert.ok(fal.http.callsTo(/\/fal-ai\/flux-pro\/requests\/[\w-]+\/status$/, 'GET').length >= 2 * 4, 'each request polled through IN_QUEUE, IN_PROGRESS, COMPLETED');
      const items = await mockups();
      assert.equal(items.length, 2);
      for (const m of items) {
        assert.match(m.prompt_used, /printed label for the brand "Queue Coffee"/);
        assert.equal(m.generation_params.engine, 'fal');
        assert.equal(m.generation_params.model, 'fal-ai/flux-pro/v1/fill');
        assert.ok(submitted.some((r) => r.id === m.generation_params.requestId), 'the row names its Fal request');
      }
      assert.equal(await mockupFiles(), 2);
      assert.equal(await used('mockup'), 2);
    });

    it('retries the queue\'s 429 and 5xx answers and still finishes', async () => {
      const before = await snapshot();
      fal.http.rateLimitNext({ 'retry-after': '0' }, /^\/fal-ai\/flux-pro\/v1\/fill$/);
      fal.http.failNext(503, /\/status$/, { detail: 'upstream busy' }, 2);
      fal.http.failNext(502, /^\/fal-ai\/flux-pro\/requests\/[\w-]+$/, { detail: 'bad gateway' });
      const job = await generateMockups(1);
      assert.equal(job.state, 'completed', job.error ?? '');
      assert.equal(job.attempts, 1, 'the client retried the calls; the job did not need its own retry');
      assert.equal((await mockups()).length, before.rows + 1);
      assert.equal(await used('mockup'), before.used + 1);
    });

    it('fails the job with the model\'s error, leaving no row, no file and no count', async () => {
      const before = await snapshot();
      fal.script = { ...fal.script, error: 'Inpainting failed: mask is empty' };
      const job = await generateMockups(2);
      assert.equal(job.state, 'failed');
      assert.match(job.error ?? '', /Inpainting failed: mask is empty/);
      await assertNothingWritten(before);
    });

    it('fails when the second variation\'s answer is not an image, keeping none of the first', async () => {
      const before = await snapshot();
      // The first request answers real images; every later one answers HTML.
      const answered = fal.submitted().length;
      const original = fal.script;
      fal.script = new Proxy(original, { get: (target, key) => (key === 'garbageImages' ? fal.submitted().length > answered + 1 : target[key as keyof typeof target]) });
      const job = await generateMockups(2);
      assert.equal(job.state, 'failed');
      assert.match(job.error ?? '', /not a PNG, JPEG or WebP image/);
      assert.equal(fal.submitted().length - answered, 2, 'the first variation was answered (and dropped), the second was not an image');
      await assertNothingWritten(before);
    });

    it('cancels a request that outlives the timeout on Fal, retries the job, then reports it', async () => {
      const before = await snapshot();
      const submittedBefore = fal.submitted().length;
      fal.script = { queued: 1_000_000, running: 1, required: [] };
      const job = await generateMockups(1);
      assert.equal(job.state, 'failed');
      assert.match(job.error ?? '', /did not finish within 5 s and was canceled/);
      const timedOut = fal.submitted().slice(submittedBefore);
      assert.equal(job.attempts, 2, 'a timeout is worth one more try');
      assert.equal(timedOut.length, 2, 'one request per attempt');
      assert.ok(timedOut.every((r) => r.canceled), 'each timed-out request was canceled on Fal');
      await assertNothingWritten(before);
    });
  });
});

