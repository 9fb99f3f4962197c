import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import sharp from 'sharp';
import { FalLogoEngine, FalMockupEngine } from '../../../../src/apps/brandkit/engines/fal/fal-image-engines.js';
import { FalError, FalQueueClient } from '../../../../src/apps/brandkit/engines/fal/fal-queue-client.js';
import { sampleProduct } from '../../../../src/apps/brandkit/engines/mockup/sample-products.js';
import { FakeHttpServer } from '../../social/fakes/fake-server.js';
import { FakeFal } from '../fakes/fake-fal.js';
import { BRAND } from './brand-fixture.js';

describe('Fal queue client against a fake Fal queue', () => {
  const fal = new FakeFal();
  let client: FalQueueClient;
  before(async () => {
    await fal.start();
  });
  after(() => fal.close());
  beforeEach(() => {
    fal.script = { queued: 1, running: 2, required: ['prompt'] };
    fal.http.calls.length = 0;
    client = new FalQueueClient({ baseUrl: fal.baseUrl, apiKey: fal.key, pollMs: 5, retryBaseMs: 5, maxRetries: 3 });
  });

  it('submits, polls the status under the app id, fetches the result', async () => {
    const progress: number[] = [];
    const { handle, result } = await client.run<{ images: unknown[]; prompt: string }>('fal-ai/flux/schnell', { prompt: 'a logo', num_images: 2 }, { onProgress: (f) => progress.push(f) });
    assert.equal(result.images.length, 2);
    assert.equal(result.prompt, 'a logo');
    assert.match(handle.statusUrl, /\/fal-ai\/flux\/requests\/[\w-]+\/status$/, 'no subpath in the queue URLs');
    const calls = fal.http.calls;
    assert.deepEqual([calls[0].method, calls[0].path], ['POST', '/fal-ai/flux/schnell']);
    assert.ok(calls.every((c) => c.headers.authorization === `Key ${fal.key}`));
    const polls = calls.filter((c) => c.path.endsWith('/status'));
    assert.equal(polls.length, 4, 'IN_QUEUE, IN_PROGRESS ×2, COMPLETED');
    assert.equal(calls.at(-1)!.path, `/fal-ai/flux/requests/${handle.requestId}`);
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b), 'progress only grows');
    assert.equal(progress.at(-1), 1);
  });

  it('maps errors to what the user should do', async () => {
    const bad = new FalQueueClient({ baseUrl: fal.baseUrl, apiKey: 'wrong', pollMs: 5, retryBaseMs: 5 });
    await assert.rejects(bad.run('fal-ai/flux/schnell', { prompt: 'x' }), (e: FalError) => e.kind === 'auth' && /check the Fal key/.test(e.message) && !e.retryable);
    await assert.rejects(client.run('fal-ai/flux/schnell', { num_images: 1 }), (e: FalError) => e.kind === 'invalid_input' && /prompt: field required/.test(e.message));
    await assert.rejects(client.run('not a model', { prompt: 'x' }), (e: FalError) => e.kind === 'invalid_input' && /not a Fal model id/.test(e.message));
    fal.script.error = 'CUDA out of memory';
    await assert.rejects(client.run('fal-ai/flux/schnell', { prompt: 'x' }), (e: FalError) => e.kind === 'failed' && /CUDA out of memory/.test(e.message));
  });

  it('retries 429 and 5xx, honouring Retry-After, and gives up with a clear error', async () => {
    fal.http.rateLimitNext({ 'retry-after': '0' }, /^\/fal-ai\/flux\/schnell$/);
    fal.http.failNext(503, /\/status$/, { detail: 'upstream busy' }, 2);
    const { result } = await client.run<{ images: unknown[] }>('fal-ai/flux/schnell', { prompt: 'x' });
    assert.equal(result.images.length, 1);
    assert.equal(fal.http.callsTo(/^\/fal-ai\/flux\/schnell$/, 'POST').length, 2);
    fal.http.failNext(502, /^\/fal-ai\/flux\/schnell$/, { detail: 'bad gateway' }, 4); // maxRetries 3: four attempts
    await assert.rejects(client.run('fal-ai/flux/schnell', { prompt: 'x' }), (e: FalError) => e.kind === 'server' && e.retryable && /retry later/.test(e.message));
  });

  it('does not resubmit a submit lost in flight', async () => {
    const dead = new FalQueueClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k', retryBaseMs: 1 });
    let attempts = 0;
    const counting = new FalQueueClient({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'k',
      retryBaseMs: 1,
      fetch: (...args) => {
        attempts++;
        return fetch(...args);
      },
    });
    await assert.rejects(dead.submit('fal-ai/flux/schnell', { prompt: 'x' }), (e: FalError) => e.kind === 'network' && /not resubmitted/.test(e.message));
    await assert.rejects(counting.submit('fal-ai/flux/schnell', { prompt: 'x' }), FalError);
    assert.equal(attempts, 1);
  });

  it('cancels the request on Fal when it times out or is aborted', async () => {
    fal.script = { queued: 1000, running: 1, required: [] };
    await assert.rejects(client.run('fal-ai/flux/dev', { prompt: 'slow' }, { timeoutMs: 80 }), (e: FalError) => e.kind === 'timeout' && /was canceled/.test(e.message));
    const timedOut = fal.submitted().at(-1)!;
    assert.equal(timedOut.canceled, true);
    assert.equal(fal.http.callsTo(/\/cancel$/, 'PUT').length, 1);

    const ac = new AbortController();
    const running = client.run('fal-ai/flux/dev', { prompt: 'slow' }, { signal: ac.signal, onProgress: () => ac.abort(new Error('user left')) });
    await assert.rejects(running, /user left/);
    assert.equal(fal.submitted().at(-1)!.canceled, true);

    fal.script = { queued: 0, running: 0, required: [] };
    const done = await client.run('fal-ai/flux/dev', { prompt: 'quick' });
    assert.equal(await client.cancel(done.handle), false, 'already completed');
  });

  it('logo engine: batches of four, real images downloaded, prompt from the brand', async () => {
    const engine = new FalLogoEngine(client);
    const progress: number[] = [];
    const logos = await engine.logos({ brand: BRAND, layout: 'badge', count: 6, seed: 100, style: 'vintage, hand-made' }, { onProgress: (f) => progress.push(f) });
    assert.equal(logos.length, 6);
    assert.deepEqual(logos.map((l) => l.variation), [1, 2, 3, 4, 5, 6]);
    const submits = fal.submitted().slice(-2);
    assert.deepEqual(submits.map((s) => s.input.num_images), [4, 2]);
    assert.match(String(submits[0].input.prompt), /badge .*"Blue Harbor Coffee".*vintage, hand-made.*#1d4e89/);
    for (const l of logos) {
      assert.equal(l.contentType, 'image/png');
      assert.equal((await sharp(l.bytes).metadata()).width, 64);
      assert.equal(l.params.engine, 'fal');
    }
    assert.equal(progress.at(-1), 1);
    fal.script.garbageImages = true;
    await assert.rejects(engine.logos({ brand: BRAND, layout: 'wordmark', count: 1 }), (e: FalError) => e.kind === 'bad_output' && /not a PNG, JPEG or WebP/.test(e.message));
  });

  it('mockup engine: product photo and mask sent as data URIs, one request per variation', async () => {
    fal.script.required = ['prompt', 'image_url', 'mask_url'];
    const product = await sampleProduct('jar', 256);
    const mockups = await new FalMockupEngine(client).mockups({ brand: BRAND, labels: [], product, count: 2, seed: 5 });
    assert.equal(mockups.length, 2);
    const [a, b] = fal.submitted().slice(-2);
    assert.equal(a.model, 'fal-ai/flux-pro/v1/fill');
    assert.match(String(a.input.image_url), /^data:image\/jpeg;base64,/);
    assert.match(String(a.input.mask_url), /^data:image\/png;base64,/);
    assert.notEqual(a.input.seed, b.input.seed);
    assert.match(mockups[0].prompt, /Cosmetic jar 250 ml.*Blue Harbor Coffee/);
  });

  it("never sends the key to another origin (Fal's CDN)", async () => {
    const cdn = new FakeHttpServer('cdn');
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).png().toBuffer();
    cdn.route('GET', '/x.png', () => ({ body: png, headers: { 'content-type': 'image/png' } }));
    await cdn.start();
    try {
      const got = await client.download(`${cdn.baseUrl}/x.png`);
      assert.deepEqual(got.bytes, png);
      assert.equal(cdn.calls[0].headers.authorization, undefined);
      const capped = new FalQueueClient({ baseUrl: fal.baseUrl, apiKey: fal.key, maxDownloadBytes: 10 });
      await assert.rejects(capped.download(`${cdn.baseUrl}/x.png`), (e: FalError) => e.kind === 'download' && /limit/.test(e.message));
    } finally {
      await cdn.close();
    }
  });

  it('reads data-URI results without a request', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).png().toBuffer();
    const got = await client.download(`data:image/png;base64,${png.toString('base64')}`);
    assert.deepEqual(got.bytes, png);
  });
});
