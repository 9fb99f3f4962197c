import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { probeMedia } from '../../../../src/platform/media/ffmpeg.js';
import { LocalBackgroundGenerator } from '../../../../src/apps/genads/media/local-background.js';
import type { BackgroundMotion, ParticleKind, SceneBackground } from '../../../../src/apps/genads/pipeline/types.js';
import { frameAt, meanColour, meanDifference, PALETTES, scene, tempDir, tools, type Frame } from './helpers.js';

const styleSpec = { lighting: 'soft', camera: 'slow', mood: 'luxurious', colors: [] };

describe('local scene backgrounds', () => {
  let dir: string;
  const generator = new LocalBackgroundGenerator(tools);
  let counter = 0;

  async function generate(frames: number, background: Partial<SceneBackground>, onProgress?: (f: number) => void): Promise<string> {
    const outputPath = path.join(dir, `bg-${counter++}.mp4`);
    const result = await generator.generate({ scene: scene({ frames, background }), styleSpec, outputPath, onProgress });
    assert.equal(result.cost, 0);
    return outputPath;
  }

  before(async () => {
    dir = await tempDir('background');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes exactly scene.frames frames of 1080x1920 30 fps H.264 yuv420p without audio', async () => {
    const fractions: number[] = [];
    const video = await generate(37, { particles: 'bokeh', lightSweep: true }, (f) => fractions.push(f));
    const info = await probeMedia(tools, video);
    assert.equal(info.width, 1080);
    assert.equal(info.height, 1920);
    assert.equal(info.fps, 30);
    assert.equal(info.frames, 37);
    assert.equal(info.videoCodec, 'h264');
    assert.equal(info.pixelFormat, 'yuv420p');
    assert.equal(info.hasAudio, false);
    assert.equal(fractions.at(-1), 1);
    assert.ok(fractions.length >= 2);
  });

  it('is deterministic for a seed, and differs between seeds and between styles', async () => {
    const base = { particles: 'sparkles' as const, lightSweep: false };
    const [a, again, otherSeed, dark, floral] = await Promise.all([
      generate(6, { ...base, seed: 11 }).then((v) => frameAt(v, 0.1, dir)),
      generate(6, { ...base, seed: 11 }).then((v) => frameAt(v, 0.1, dir)),
      generate(6, { ...base, seed: 12 }).then((v) => frameAt(v, 0.1, dir)),
      generate(6, { ...base, seed: 11, palette: PALETTES.dark_elegance }).then((v) => frameAt(v, 0.1, dir)),
      generate(6, { ...base, seed: 11, palette: PALETTES.romantic_floral }).then((v) => frameAt(v, 0.1, dir)),
    ]);
    assert.equal(meanDifference(a, again), 0, 'same plan, same pixels');
    assert.ok(meanDifference(a, otherSeed) > 1, `another seed moves the light and the particles (${meanDifference(a, otherSeed)})`);
    assert.ok(meanDifference(a, dark) > 10, 'another palette, another picture');

    const whole = (f: Frame) => meanColour(f, 0, 0, f.width, f.height);
    const [r, g, b] = whole(a);
    assert.ok(r > b + 15 && r < 160, `gold_luxe is warm and deep (${[r, g, b].map(Math.round)})`);
    const darkMean = whole(dark);
    assert.ok(Math.max(...darkMean) < 70, `dark_elegance is dark (${darkMean.map(Math.round)})`);
    const floralMean = whole(floral);
    assert.ok(Math.min(...floralMean) > 140 && floralMean[0] > floralMean[1], `romantic_floral is light and rosy (${floralMean.map(Math.round)})`);
    // The key light sits in the middle; the corners fall off into the deepest colour.
    const centre = meanColour(a, 440, 700, 200, 200);
    const corner = meanColour(a, 0, 0, 120, 120);
    assert.ok(centre[0] > corner[0] + 40, 'a lit centre and a vignette');
  });

  it('moves the camera for every motion', async () => {
    const motions: BackgroundMotion[] = ['push_in', 'pull_out', 'pan_up', 'pan_down', 'drift'];
    const diffs = await Promise.all(
      motions.map(async (motion) => {
        const video = await generate(30, { motion, particles: 'none', lightSweep: false, seed: 3 });
        return meanDifference(await frameAt(video, 0, dir), await frameAt(video, 29 / 30, dir));
      }),
    );
    for (const [i, diff] of diffs.entries()) assert.ok(diff > 0.5, `${motions[i]}: first and last frames differ (${diff.toFixed(2)})`);
  });

  it('draws and drifts each kind of particle, and sweeps the light across', async () => {
    const kinds: ParticleKind[] = ['none', 'bokeh', 'sparkles', 'petals', 'dust'];
    const frames = await Promise.all(
      kinds.map(async (particles) => {
        const video = await generate(20, { particles, lightSweep: false, motion: 'pan_up', seed: 5 });
        return [await frameAt(video, 0, dir), await frameAt(video, 19 / 30, dir)] as const;
      }),
    );
    const [plainFirst, plainLast] = frames[0];
    const cameraOnly = meanDifference(plainFirst, plainLast);
    for (let k = 1; k < kinds.length; k++) {
      const [first, last] = frames[k];
      assert.ok(meanDifference(first, plainFirst) > 0.1, `${kinds[k]} are visible (${meanDifference(first, plainFirst).toFixed(2)})`);
      assert.ok(meanDifference(first, last) > cameraOnly, `${kinds[k]} drift over the scene`);
    }
    const swept = await generate(30, { particles: 'none', lightSweep: true, motion: 'pan_up', seed: 5 });
    const unswept = await generate(30, { particles: 'none', lightSweep: false, motion: 'pan_up', seed: 5 });
    assert.ok(meanDifference(await frameAt(swept, 0.5, dir), await frameAt(unswept, 0.5, dir)) > 0.5, 'the light sweep shows mid-scene');
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const outputPath = path.join(dir, 'aborted.mp4');
    const running = generator.generate({
      scene: scene({ frames: 900, background: { particles: 'dust' } }),
      styleSpec,
      outputPath,
      signal: controller.signal,
      onProgress: (f) => f > 0.05 && controller.abort(reason),
    });
    await assert.rejects(running, (error) => error === reason);
  });
});
