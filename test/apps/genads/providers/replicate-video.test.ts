import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BackgroundRequest, ScenePlan, StyleSpec } from '../../../../src/apps/genads/pipeline/types.js';
import { ReplicateClient, ReplicateError } from '../../../../src/apps/genads/providers/replicate-client.js';
import { ReplicateBackgroundGenerator, wanInput, type ConformVideo } from '../../../../src/apps/genads/providers/replicate-video.js';
import { FakeReplicate, makeMp4 } from './fake-replicate.js';

const styleSpec: StyleSpec = { lighting: 'warm golden key light', camera: 'slow dolly', mood: 'opulent, radiant', colors: ['#160e05', '#b8862f'] };

function scene(frames: number): ScenePlan {
  return {
    sceneId: 'scene_2',
    role: 'product_reveal',
    frames,
    duration: frames / 30,
    backgroundPrompt: 'Vertical 9:16 medium hero shot: a warm marble pedestal in low golden sunlight. No text, no people.',
    camera: 'medium hero shot, slow push-in',
    background: { palette: ['#160e05', '#b8862f'], motion: 'push_in', lightSweep: true, particles: 'sparkles', seed: 123456789 },
    product: { motion: 'rise', scale: 0.5, x: 0.5, y: 0.46 },
    overlay: null,
  };
}

describe('Wan backgrounds on Replicate (local fake)', () => {
  const fake = new FakeReplicate();
  let dir: string;
  let clip: Buffer;
  let tempDir: string;
  let conformCalls: Array<{ inputPath: string; outputPath: string; frames: number; hadSignal: boolean; inputBytes: Buffer }>;
  // The provider protocol is what is tested: the conform stand-in copies the clip and records its arguments.
  const conform: ConformVideo = async (inputPath, outputPath, frames, signal) => {
    conformCalls.push({ inputPath, outputPath, frames, hadSignal: signal !== undefined, inputBytes: await readFile(inputPath) });
    await copyFile(inputPath, outputPath);
  };
  const generator = (over: Partial<ConstructorParameters<typeof ReplicateBackgroundGenerator>[0]> = {}) =>
    new ReplicateBackgroundGenerator({
      client: new ReplicateClient({ baseUrl: fake.baseUrl, apiToken: fake.token, pollMs: 10, retryBaseMs: 10, timeoutMs: 5000 }),
      model: 'wan-video/wan-2.2-t2v-fast',
      conform,
      pricePerSecond: 0.05,
      tempDir,
      ...over,
    });

  before(async () => {
    await fake.start();
    dir = await mkdtemp(path.join(os.tmpdir(), 'genads-wan-test-'));
    tempDir = await mkdtemp(path.join(os.tmpdir(), 'genads-wan-tmp-'));
    await makeMp4(path.join(dir, 'clip.mp4'));
    clip = await readFile(path.join(dir, 'clip.mp4'));
    fake.files.set('wan.mp4', { body: clip, type: 'video/mp4' });
  });
  after(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
    await rm(tempDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.reset({ statuses: ['starting', 'processing', 'succeeded'], output: (base) => `${base}/files/wan.mp4`, predictTime: 38 });
    conformCalls = [];
  });

  it('sends the scene to the Wan model, downloads the clip and conforms it to the scene\'s frames', async () => {
    const outputPath = path.join(dir, 'scene_2_bg.mp4');
    const progress: number[] = [];
    const request: BackgroundRequest = { scene: scene(135), styleSpec, outputPath, onProgress: (f) => progress.push(f) };
    const { cost } = await generator().generate(request);

    assert.deepEqual(fake.apiCalls(), ['POST /v1/models/wan-video/wan-2.2-t2v-fast/predictions', 'GET /v1/predictions/p1', 'GET /v1/predictions/p1', 'GET /v1/predictions/p1']);
    const create = fake.requests[0];
    assert.equal(create.headers.authorization, `Bearer ${fake.token}`);
    const input = (create.body as { input: Record<string, unknown> }).input;
    assert.deepEqual(Object.keys(create.body as object), ['input']);
    assert.match(String(input.prompt), /^Vertical 9:16 medium hero shot: a warm marble pedestal/);
    assert.match(String(input.prompt), /Lighting: warm golden key light\. Mood: opulent, radiant\.$/);
    assert.equal(input.aspect_ratio, '9:16');
    assert.equal(input.resolution, '480p');
    // 4.5 s at the model's 16 fps = 72 frames, raised to the model's minimum of 81, played at 18 fps (81 / 4.5).
    assert.equal(input.num_frames, 81);
    assert.equal(input.frames_per_second, 18);
    assert.equal(input.seed, 123456789);
    assert.equal(input.go_fast, true);

    assert.equal(fake.requests.filter((r) => r.path === '/files/wan.mp4').length, 1);
    assert.equal(conformCalls.length, 1);
    assert.equal(conformCalls[0].frames, 135);
    assert.equal(conformCalls[0].outputPath, outputPath);
    assert.deepEqual(conformCalls[0].inputBytes, clip, 'conform got the downloaded clip');
    assert.deepEqual(await readFile(outputPath), clip);
    assert.deepEqual(await readdir(tempDir), [], 'the raw download is cleaned up');

    // Billed as generated video seconds at 16 fps: 81 / 16 s x $0.05.
    assert.ok(Math.abs(cost - (0.05 * 81) / 16) < 1e-12, `cost ${cost}`);
    assert.equal(progress.at(-1), 1);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i] >= progress[i - 1], progress.join(', '));
  });

  it('asks for more frames played slower for longer scenes, within the model\'s limits', () => {
    const long = wanInput({ scene: scene(300), styleSpec }, '720p');
    assert.equal(long.num_frames, 97);
    assert.equal(long.frames_per_second, 10);
    assert.equal(long.resolution, '720p');
    const mid = wanInput({ scene: scene(165), styleSpec }, '480p');
    assert.equal(mid.num_frames, 89, '5.5 s x 16 = 88, to the next 4n+1');
    const veryLong = wanInput({ scene: scene(630), styleSpec }, '480p');
    assert.equal(veryLong.frames_per_second, 5, 'never under the model\'s minimum rate');
    for (const i of [long, mid, veryLong]) assert.equal(((i.num_frames as number) - 1) % 4, 0);
  });

  it('passes a failed prediction\'s error on, does not conform, and cleans up', async () => {
    fake.reset({ statuses: ['processing', 'failed'], error: 'NSFW content detected', output: () => null });
    const err = await generator()
      .generate({ scene: scene(135), styleSpec, outputPath: path.join(dir, 'failed.mp4') })
      .catch((e: unknown) => e);
    assert.ok(err instanceof ReplicateError);
    assert.match(err.message, /failed: NSFW content detected/);
    assert.equal(conformCalls.length, 0);
    assert.deepEqual(await readdir(tempDir), []);
  });

  it('stops on abort: cancels the prediction and never conforms', async () => {
    fake.reset({ statuses: ['processing'], output: () => null });
    const ac = new AbortController();
    fake.onRequest = (r) => {
      if (r.method === 'GET') ac.abort();
    };
    const err = await generator()
      .generate({ scene: scene(135), styleSpec, outputPath: path.join(dir, 'aborted.mp4'), signal: ac.signal })
      .catch((e: unknown) => e);
    assert.equal((err as Error).name, 'AbortError');
    assert.ok(fake.apiCalls().includes('POST /v1/predictions/p1/cancel'));
    assert.equal(conformCalls.length, 0);
    assert.deepEqual(await readdir(tempDir), []);
  });
});
