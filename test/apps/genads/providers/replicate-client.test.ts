import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseModelRef, ReplicateClient, ReplicateError, type ReplicateClientOptions } from '../../../../src/apps/genads/providers/replicate-client.js';
import { FakeReplicate, makeMp4 } from './fake-replicate.js';

const MODEL = 'wan-video/wan-2.2-t2v-fast';
const VERSIONED = `meta/musicgen:${'a'.repeat(64)}`;

describe('Replicate client against a local fake of the prediction API', () => {
  const fake = new FakeReplicate();
  const other = new FakeReplicate(); // a second origin, standing in for Replicate's file CDN
  let dir: string;
  let clip: Buffer;

  const client = (opts: Partial<ReplicateClientOptions> = {}) =>
    new ReplicateClient({ baseUrl: fake.baseUrl, apiToken: fake.token, pollMs: 10, retryBaseMs: 10, timeoutMs: 10_000, ...opts });

  before(async () => {
    await fake.start();
    await other.start();
    dir = await mkdtemp(path.join(os.tmpdir(), 'genads-replicate-test-'));
    await makeMp4(path.join(dir, 'clip.mp4'));
    clip = await readFile(path.join(dir, 'clip.mp4'));
    fake.files.set('out.bin', { body: clip, type: 'video/mp4' });
    fake.files.set('second.bin', { body: Buffer.from('second output'), type: 'application/octet-stream' });
    other.files.set('cdn.mp4', { body: clip, type: 'video/mp4' });
  });
  after(async () => {
    await fake.close();
    await other.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.reset();
    other.reset();
  });

  it('parses model references and refuses malformed ones', () => {
    assert.deepEqual(parseModelRef(MODEL), { owner: 'wan-video', name: 'wan-2.2-t2v-fast', version: undefined });
    assert.equal(parseModelRef(VERSIONED).version, 'a'.repeat(64));
    assert.throws(() => parseModelRef('not a model'), /owner\/name/);
  });

  it('creates on the official-model endpoint, polls starting → processing → succeeded, reports progress and predict_time', async () => {
    fake.reset({ statuses: ['starting', 'processing', 'processing', 'succeeded'], predictTime: 4.25 });
    const progress: number[] = [];
    const r = await client().run(MODEL, { prompt: 'gold silk', seed: 7 }, { onProgress: (f) => progress.push(f) });

    assert.deepEqual(fake.apiCalls(), [
      'POST /v1/models/wan-video/wan-2.2-t2v-fast/predictions',
      'GET /v1/predictions/p1',
      'GET /v1/predictions/p1',
      'GET /v1/predictions/p1',
      'GET /v1/predictions/p1',
    ]);
    const create = fake.requests[0];
    assert.equal(create.headers.authorization, `Bearer ${fake.token}`);
    assert.match(String(create.headers['content-type']), /^application\/json/);
    assert.deepEqual(create.body, { input: { prompt: 'gold silk', seed: 7 } });
    for (const poll of fake.requests.slice(1)) assert.equal(poll.headers.authorization, `Bearer ${fake.token}`);

    assert.equal(r.prediction.status, 'succeeded');
    assert.deepEqual(r.outputUrls, [`${fake.baseUrl}/files/out.bin`]);
    assert.equal(r.predictTime, 4.25);
    assert.equal(progress.at(-1), 1);
    assert.ok(progress.some((f) => f > 0.05 && f < 1), `a processing step read the log percentage: ${progress.join(', ')}`);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i] >= progress[i - 1], `progress never goes back: ${progress.join(', ')}`);
  });

  it('creates a pinned "owner/name:version" with POST /v1/predictions {version, input}', async () => {
    const r = await client().run(VERSIONED, { prompt: 'piano' });
    assert.equal(fake.apiCalls()[0], 'POST /v1/predictions');
    assert.deepEqual(fake.requests[0].body, { version: 'a'.repeat(64), input: { prompt: 'piano' } });
    assert.equal(r.prediction.status, 'succeeded');
  });

  it('follows the urls.get link Replicate returns for polling', async () => {
    fake.reset({ getUrl: (base, id) => `${base}/v1/predictions/${id}?via=urls.get` });
    await client().run(MODEL, { prompt: 'x' });
    assert.deepEqual(fake.apiCalls().slice(1), ['GET /v1/predictions/p1?via=urls.get', 'GET /v1/predictions/p1?via=urls.get']);
  });

  it('takes the started→completed time as predict time when metrics are missing', async () => {
    fake.reset({ predictTime: null });
    const r = await client().run(MODEL, { prompt: 'x' });
    assert.equal(r.predictTime, 7.25);
  });

  it('returns every URL of an array output', async () => {
    fake.reset({ output: (base) => [`${base}/files/out.bin`, `${base}/files/second.bin`] });
    const r = await client().run(MODEL, { prompt: 'x' });
    assert.deepEqual(r.outputUrls, [`${fake.baseUrl}/files/out.bin`, `${fake.baseUrl}/files/second.bin`]);
  });

  it('rejects a bad token at once, naming the setting to check, without retrying', async () => {
    const err = await client({ apiToken: 'r8_wrong' }).run(MODEL, { prompt: 'x' }).catch((e: unknown) => e);
    assert.ok(err instanceof ReplicateError);
    assert.equal(err.kind, 'auth');
    assert.equal(err.details.status, 401);
    assert.match(err.message, /GENADS_REPLICATE_API_TOKEN/);
    assert.match(err.message, /valid authentication token/);
    assert.equal(fake.requests.length, 1);
  });

  it('waits for Retry-After on 429, then goes on', async () => {
    fake.failures.create.push({ status: 429, headers: { 'retry-after': '1' }, body: JSON.stringify({ detail: 'Request was throttled.' }) });
    // A backoff of 5 s would show if Retry-After were ignored.
    const r = await client({ retryBaseMs: 5000 }).run(MODEL, { prompt: 'x' });
    assert.equal(r.prediction.status, 'succeeded');
    const creates = fake.requests.filter((q) => q.method === 'POST');
    assert.equal(creates.length, 2);
    const waited = creates[1].at - creates[0].at;
    assert.ok(waited >= 950 && waited < 4000, `waited ${waited} ms`);
  });

  it('retries 5xx answers and dropped connections with backoff, on create and on polls', async () => {
    fake.failures.create.push({ status: 500 }, 'drop');
    fake.failures.get.push({ status: 503 });
    const r = await client().run(MODEL, { prompt: 'x' });
    assert.equal(r.prediction.status, 'succeeded');
    assert.equal(fake.requests.filter((q) => q.method === 'POST').length, 3);
    // One failed poll, then the two steps of the script.
    assert.equal(fake.requests.filter((q) => q.method === 'GET').length, 3);
  });

  it('gives up on a server that keeps failing, saying to retry later', async () => {
    for (let i = 0; i < 10; i++) fake.failures.create.push({ status: 502 });
    const err = await client({ maxRetries: 2 }).run(MODEL, { prompt: 'x' }).catch((e: unknown) => e);
    assert.ok(err instanceof ReplicateError);
    assert.equal(err.kind, 'server');
    assert.match(err.message, /HTTP 502 3 times.*retry later/);
    assert.equal(fake.requests.length, 3);
  });

  it('reports refused input with Replicate\'s detail', async () => {
    fake.failures.create.push({ status: 422, body: JSON.stringify({ title: 'Input validation failed', detail: '- input.num_frames: Must be greater than or equal to 81', status: 422 }) });
    const err = await client().run(MODEL, { prompt: 'x', num_frames: 10 }).catch((e: unknown) => e);
    assert.ok(err instanceof ReplicateError);
    assert.equal(err.kind, 'invalid_input');
    assert.match(err.message, /num_frames: Must be greater than or equal to 81/);
  });

  it('reports a failed prediction with its own error text', async () => {
    fake.reset({ statuses: ['processing', 'failed'], error: 'CUDA out of memory. Tried to allocate 2.00 GiB' });
    const err = await client().run(MODEL, { prompt: 'x' }).catch((e: unknown) => e);
    assert.ok(err instanceof ReplicateError);
    assert.equal(err.kind, 'failed');
    assert.equal(err.details.predictionId, 'p1');
    assert.match(err.message, /prediction p1 .* failed: CUDA out of memory/);
  });

  it('cancels the prediction on Replicate when the overall timeout passes, then throws', async () => {
    fake.reset({ statuses: ['processing'] });
    const started = Date.now();
    const err = await client().run(MODEL, { prompt: 'x' }, { timeoutMs: 300 }).catch((e: unknown) => e);
    const took = Date.now() - started;
    assert.ok(err instanceof ReplicateError);
    assert.equal(err.kind, 'timeout');
    assert.match(err.message, /prediction p1 \(processing\) .* did not finish within 300 ms and was canceled/);
    assert.match(err.message, /GENADS_PROVIDER_TIMEOUT_MS/);
    assert.ok(took >= 280 && took < 2000, `took ${took} ms`);
    assert.ok(fake.apiCalls().includes('POST /v1/predictions/p1/cancel'), fake.apiCalls().join('\n'));
    const polls = fake.apiCalls().filter((c) => c.startsWith('GET')).length;
    await sleep(100);
    assert.equal(fake.apiCalls().filter((c) => c.startsWith('GET')).length, polls, 'no polling after the cancel');
  });

  it('on abort while polling, cancels on Replicate and rejects with the abort reason', async () => {
    fake.reset({ statuses: ['processing'] });
    const ac = new AbortController();
    fake.onRequest = (r) => {
      if (r.method === 'GET' && fake.requests.filter((q) => q.method === 'GET').length === 2) ac.abort();
    };
    const err = await client().run(MODEL, { prompt: 'x' }, { signal: ac.signal }).catch((e: unknown) => e);
    assert.equal((err as Error).name, 'AbortError');
    assert.ok(fake.apiCalls().includes('POST /v1/predictions/p1/cancel'), fake.apiCalls().join('\n'));
  });

  it('on abort while the create is in flight, returns at once and cancels the prediction when it appears', async () => {
    fake.reset({ statuses: ['processing'], createDelayMs: 300 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const started = Date.now();
    const err = await client().run(MODEL, { prompt: 'x' }, { signal: ac.signal }).catch((e: unknown) => e);
    assert.equal((err as Error).name, 'AbortError');
    assert.ok(Date.now() - started < 250, 'did not wait for the create answer');
    for (let i = 0; i < 50 && !fake.apiCalls().includes('POST /v1/predictions/p1/cancel'); i++) await sleep(20);
    assert.ok(fake.apiCalls().includes('POST /v1/predictions/p1/cancel'), fake.apiCalls().join('\n'));
    assert.ok(!fake.apiCalls().some((c) => c.startsWith('GET')), 'never polled');
  });

  it('does nothing for an already aborted signal', async () => {
    const err = await client().run(MODEL, { prompt: 'x' }, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    assert.equal((err as Error).name, 'AbortError');
    await sleep(30);
    assert.equal(fake.requests.length, 0);
  });

  it('streams a download to disk, retrying a 5xx, with the token on Replicate\'s origin', async () => {
    fake.failures.file.push({ status: 500 });
    const dest = path.join(dir, 'download.mp4');
    const bytes = await client().download(`${fake.baseUrl}/files/out.bin`, dest);
    assert.equal(bytes, clip.length);
    assert.deepEqual(await readFile(dest), clip);
    await assert.rejects(stat(`${dest}.part`), /ENOENT/);
    const gets = fake.requests.filter((r) => r.path === '/files/out.bin');
    assert.equal(gets.length, 2);
    assert.equal(gets[1].headers.authorization, `Bearer ${fake.token}`);
  });

  it('never sends the token to another origin (the file CDN)', async () => {
    const dest = path.join(dir, 'cdn.mp4');
    await client().download(`${other.baseUrl}/files/cdn.mp4`, dest);
    assert.deepEqual(await readFile(dest), clip);
    assert.equal(other.requests.length, 1);
    assert.equal(other.requests[0].headers.authorization, undefined);
  });

  it('fails a download of a missing file without retrying', async () => {
    const err = await client().download(`${fake.baseUrl}/files/missing.bin`, path.join(dir, 'missing.bin')).catch((e: unknown) => e);
    assert.ok(err instanceof ReplicateError);
    assert.equal(err.kind, 'download');
    assert.match(err.message, /HTTP 404/);
    assert.equal(fake.requests.length, 1);
  });
});
