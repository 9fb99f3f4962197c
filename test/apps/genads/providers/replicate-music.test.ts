import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { MusicPlan } from '../../../../src/apps/genads/pipeline/types.js';
import { ReplicateClient, ReplicateError } from '../../../../src/apps/genads/providers/replicate-client.js';
import { ReplicateMusicGenerator, type ConformAudio } from '../../../../src/apps/genads/providers/replicate-music.js';
import { FakeReplicate, makeMp3 } from './fake-replicate.js';

const VERSION = '671ac645ce5e552cc63a54a2bbff63fcf798043055d2dac5fc9e36a837eedcfb';

const plan: MusicPlan = {
  mood: 'tender, romantic, slow',
  key: { root: 'F', mode: 'major' },
  bpm: 68,
  progression: ['Fmaj7', 'Am7', 'Bbmaj7', 'C'],
  prompt: 'tender, romantic, slow instrumental score for a luxury perfume commercial, felt piano, 68 bpm, F major',
  seed: 424242,
};

describe('MusicGen on Replicate (local fake)', () => {
  const fake = new FakeReplicate();
  let dir: string;
  let tempDir: string;
  let mp3: Buffer;
  let conformCalls: Array<{ outputPath: string; duration: number; inputBytes: Buffer }>;
  const conform: ConformAudio = async (inputPath, outputPath, duration) => {
    conformCalls.push({ outputPath, duration, inputBytes: await readFile(inputPath) });
    await copyFile(inputPath, outputPath);
  };
  const generator = (timeoutMs = 5000) =>
    new ReplicateMusicGenerator({
      client: new ReplicateClient({ baseUrl: fake.baseUrl, apiToken: fake.token, pollMs: 10, retryBaseMs: 10, timeoutMs }),
      model: `meta/musicgen:${VERSION}`,
      conform,
      pricePerSecond: 0.0023,
      tempDir,
    });

  before(async () => {
    await fake.start();
    dir = await mkdtemp(path.join(os.tmpdir(), 'genads-musicgen-test-'));
    tempDir = await mkdtemp(path.join(os.tmpdir(), 'genads-musicgen-tmp-'));
    await makeMp3(path.join(dir, 'tone.mp3'));
    mp3 = await readFile(path.join(dir, 'tone.mp3'));
    fake.files.set('music.mp3', { body: mp3, type: 'audio/mpeg' });
  });
  after(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
    await rm(tempDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.reset({ statuses: ['starting', 'processing', 'succeeded'], output: (base) => `${base}/files/music.mp3`, predictTime: 21.5 });
    conformCalls = [];
  });

  it('creates the pinned version with the MusicGen inputs, downloads the MP3 and conforms it; cost from predict_time', async () => {
    const outputPath = path.join(dir, 'music.mp3');
    const { cost } = await generator().generate({ plan, gender: 'feminine', duration: 15, outputPath });

    assert.deepEqual(fake.apiCalls(), ['POST /v1/predictions', 'GET /v1/predictions/p1', 'GET /v1/predictions/p1', 'GET /v1/predictions/p1']);
    assert.deepEqual(fake.requests[0].body, {
      version: VERSION,
      input: { prompt: plan.prompt, model_version: 'stereo-large', duration: 16, output_format: 'mp3', normalization_strategy: 'loudness', seed: 424242 },
    });
    assert.equal(fake.requests[0].headers.authorization, `Bearer ${fake.token}`);
    assert.equal(conformCalls.length, 1);
    assert.equal(conformCalls[0].duration, 15);
    assert.deepEqual(conformCalls[0].inputBytes, mp3);
    assert.deepEqual(await readFile(outputPath), mp3);
    assert.deepEqual(await readdir(tempDir), []);
    assert.ok(Math.abs(cost - 21.5 * 0.0023) < 1e-12, `cost ${cost}`);
  });

  it('asks for one 30 s piece for a longer ad and leaves the length to conform', async () => {
    await generator().generate({ plan, gender: 'feminine', duration: 45, outputPath: path.join(dir, 'long.mp3') });
    assert.equal((fake.requests[0].body as { input: { duration: number } }).input.duration, 30);
    assert.equal(fake.apiCalls().filter((c) => c.startsWith('POST')).length, 1);
    assert.equal(conformCalls[0].duration, 45);
  });

  it('times out by canceling the prediction', async () => {
    fake.reset({ statuses: ['processing'], output: () => null });
    const err = await generator(250)
      .generate({ plan, gender: 'feminine', duration: 15, outputPath: path.join(dir, 'slow.mp3') })
      .catch((e: unknown) => e);
    assert.ok(err instanceof ReplicateError);
    assert.equal(err.kind, 'timeout');
    assert.ok(fake.apiCalls().includes('POST /v1/predictions/p1/cancel'));
    assert.equal(conformCalls.length, 0);
  });
});
