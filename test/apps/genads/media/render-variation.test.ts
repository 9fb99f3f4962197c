import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import sharp from 'sharp';
import path from 'node:path';
import type { MediaInfo } from '../../../../src/platform/media/ffmpeg.js';
import { LocalBackgroundGenerator } from '../../../../src/apps/genads/media/local-background.js';
import { LocalMusicGenerator } from '../../../../src/apps/genads/media/local-music.js';
import { renderVariation, type RenderVariationRequest } from '../../../../src/apps/genads/media/render-variation.js';
import type { ScenePlan } from '../../../../src/apps/genads/pipeline/types.js';
import { frameAt, makeLogo, makeProduct, meanColour, meanDifference, meanVolume, PALETTES, run, scene, tempDir, tools, type Frame } from './helpers.js';

/** Mean difference between two frames inside a rectangle. */
function regionDifference(a: Frame, b: Frame, x: number, y: number, w: number, h: number): number {
  let sum = 0;
  for (let row = y; row < y + h; row++) {
    for (let col = x; col < x + w; col++) {
      const i = (row * a.width + col) * 3;
      sum += Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]);
    }
  }
  return sum / (w * h * 3);
}

/** The largest mean difference of any 30x30 block of two frames of the same size: a thing drawn in the wrong place stands out in its block. */
function worstBlock(a: Frame, b: Frame): number {
  let worst = 0;
  for (let y = 0; y + 30 <= a.height; y += 30) for (let x = 0; x + 30 <= a.width; x += 30) worst = Math.max(worst, regionDifference(a, b, x, y, 30, 30));
  return worst;
}

/** A frame shrunk to `width` x `height`, as the smaller video size would show it. */
async function shrunk(frame: Frame, width: number, height: number): Promise<Frame> {
  const data = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).resize(width, height).raw().toBuffer();
  return { data, width, height };
}

function isRed([r, g, b]: [number, number, number]): boolean {
  return r > 150 && g < 90 && b < 90;
}

function isBlue([r, g, b]: [number, number, number]): boolean {
  return b > 150 && r < 90 && g < 90;
}

describe('rendering a variation', () => {
  let dir: string;
  let scenes: ScenePlan[];
  let request: RenderVariationRequest;
  let info: MediaInfo;
  const fractions: number[] = [];
  // Odd scene lengths on purpose: the total must still be exact.
  const frames = [55, 62, 58, 65];
  const total = frames.reduce((a, b) => a + b, 0);
  const starts = frames.map((_, i) => frames.slice(0, i).reduce((a, b) => a + b, 0) / 30);

  before(async () => {
    dir = await tempDir('render');
    scenes = [
      scene({ id: 'scene_1', role: 'hook', frames: frames[0], background: { motion: 'push_in', particles: 'bokeh', lightSweep: true, seed: 1 }, overlay: { text: `Éclat d'Or: "100%" \\ l'essence`, position: 'top', font: 'serif', size: 'large', animation: 'fade' } }),
      scene({ id: 'scene_2', role: 'product_reveal', frames: frames[1], background: { motion: 'pull_out', particles: 'sparkles', seed: 2 }, product: { motion: 'reveal_scale', scale: 0.5, x: 0.5, y: 0.5 }, overlay: { text: 'The new fragrance', position: 'bottom', font: 'sans', size: 'small', animation: 'rise' } }),
      scene({ id: 'scene_3', role: 'mood', frames: frames[2], background: { motion: 'pan_up', particles: 'petals', palette: PALETTES.romantic_floral, seed: 3 }, product: { motion: 'slide_in_left', scale: 0.4, x: 0.35, y: 0.5 }, overlay: null }),
      scene({ id: 'scene_4', role: 'call_to_action', frames: frames[3], background: { motion: 'drift', particles: 'dust', lightSweep: true, seed: 4 }, product: { motion: 'settle', scale: 0.4, x: 0.5, y: 0.52 }, overlay: { text: 'Discover: now', position: 'bottom', font: 'sans', size: 'medium', animation: 'fade' } }),
    ];
    const backgrounds = new LocalBackgroundGenerator(tools);
    const backgroundPaths = scenes.map((s) => path.join(dir, `${s.sceneId}_bg.mp4`));
    const musicPath = path.join(dir, 'music.mp3');
    await Promise.all([
      ...scenes.map((s, i) => backgrounds.generate({ scene: s, styleSpec: { lighting: '', camera: '', mood: '', colors: [] }, outputPath: backgroundPaths[i] })),
      new LocalMusicGenerator(tools).generate({ plan: { mood: 'warm', key: { root: 'D', mode: 'major' }, bpm: 80, progression: ['Dmaj7', 'Bm7', 'Gmaj7', 'A'], prompt: '', seed: 9 }, gender: 'feminine', duration: total / 30, outputPath: musicPath }),
      makeProduct(path.join(dir, 'product.png')),
      // The side photo (another angle of the bottle), shown by the mood scene.
      makeProduct(path.join(dir, 'product_left.png'), '#0000ff'),
      makeLogo(path.join(dir, 'logo.png')),
    ]);
    request = {
      scenes,
      backgroundPaths,
      productPath: path.join(dir, 'product.png'),
      sceneProductPaths: scenes.map((s) => path.join(dir, s.role === 'mood' ? 'product_left.png' : 'product.png')),
      logoPath: path.join(dir, 'logo.png'),
      musicPath,
      brandName: 'Maison Lumière',
      perfumeName: "Éclat d'Or",
      outputPath: path.join(dir, 'ad.mp4'),
      onProgress: (f) => fractions.push(f),
    };
    info = await renderVariation(tools, request);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers 1080x1920 30 fps H.264 High + AAC 48 kHz stereo of exactly the planned length', () => {
    assert.equal(info.width, 1080);
    assert.equal(info.height, 1920);
    assert.equal(info.fps, 30);
    assert.equal(info.videoCodec, 'h264');
    assert.equal(info.videoProfile, 'High');
    assert.equal(info.pixelFormat, 'yuv420p');
    assert.equal(info.audioCodec, 'aac');
    assert.equal(info.audioSampleRate, 48000);
    assert.equal(info.audioChannels, 2);
    assert.equal(info.frames, total);
    assert.ok(Math.abs(info.durationSeconds - total / 30) < 0.1, `duration ${info.durationSeconds} for ${total / 30}`);
    assert.equal(fractions.at(-1), 1);
    for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i] >= fractions[i - 1]);
  });

  it('shows the product where and when the plan says', async () => {
    const out = request.outputPath;
    const centre = (f: Frame, cx = 540, cy = 1060) => meanColour(f, cx - 60, cy - 60, 120, 120);
    // Hook: hidden. End of the reveal: full size at the centre. End of the slide: at x = 0.35.
    assert.ok(!isRed(centre(await frameAt(out, starts[0] + 1, dir))), 'no product in the hook');
    assert.ok(isRed(centre(await frameAt(out, starts[1] + 1.9, dir))), 'product revealed at the centre');
    const slid = await frameAt(out, starts[2] + 1.85, dir);
    assert.ok(isBlue(centre(slid, 378)), 'product slid in to x = 0.35, from the angle the mood scene shows');
    assert.ok(!isBlue(centre(slid, 800)) && !isRed(centre(slid, 800)), 'and not elsewhere');
    assert.ok(isRed(centre(await frameAt(out, starts[3] + 1.8, dir), 540, 1100)), 'the call to action shows the front again');
    // Early in the reveal it is still small: the centre is red but the edge of its final size is not yet.
    const early = await frameAt(out, starts[1] + 0.45, dir);
    const late = await frameAt(out, starts[1] + 1.9, dir);
    assert.ok(meanColour(late, 540 - 120, 1060 + 300, 40, 40)[0] > meanColour(early, 540 - 120, 1060 + 300, 40, 40)[0] + 40, 'it scales up');
  });

  it('overlays the text and the logo on the backdrop, leaving the rest of it untouched', async () => {
    const out = request.outputPath;
    const t = 1.2;
    const [rendered, backdrop] = await Promise.all([frameAt(out, starts[0] + t, dir), frameAt(request.backgroundPaths[0], t, dir)]);
    const textBand = regionDifference(rendered, backdrop, 100, 200, 880, 220);
    const emptyBand = regionDifference(rendered, backdrop, 100, 1100, 880, 220);
    assert.ok(textBand > 12, `text drawn at the top (${textBand.toFixed(1)})`);
    assert.ok(emptyBand < 4, `nothing drawn mid-frame in the hook (${emptyBand.toFixed(1)})`);
    const [cta, ctaBackdrop] = await Promise.all([frameAt(out, starts[3] + 1.8, dir), frameAt(request.backgroundPaths[3], 1.8, dir)]);
    assert.ok(regionDifference(cta, ctaBackdrop, 340, 200, 400, 130) > 12, 'logo at the top of the call to action');
    assert.ok(regionDifference(cta, ctaBackdrop, 140, 1480, 800, 100) > 6, 'call-to-action text at the bottom');
    assert.ok(meanDifference(cta, ctaBackdrop) > 2);
  });

  it('carries the music, loudness-normalised', async () => {
    assert.ok((await meanVolume(request.outputPath)) > -35, 'not silent');
    const { stderr } = await run(tools.ffmpegPath, ['-hide_banner', '-i', request.outputPath, '-map', '0:a', '-af', 'ebur128', '-f', 'null', '-']);
    const integrated = Number(/I:\s+(-?[\d.]+) LUFS\s*\n\s*Threshold/.exec(stderr)?.[1]);
    assert.ok(integrated > -17.5 && integrated < -11, `integrated loudness ${integrated} LUFS`);
  });

  it('at a smaller GENADS_VIDEO_SIZE, draws the same backdrop and the same ad, scaled', async () => {
    const small = { ...tools, videoSize: { width: 540, height: 960 } };
    const backdrop = path.join(dir, 'small_bg.mp4');
    await new LocalBackgroundGenerator(small).generate({ scene: scenes[0], styleSpec: { lighting: '', camera: '', mood: '', colors: [] }, outputPath: backdrop });
    const ad = path.join(dir, 'small.mp4');
    const rendered = await renderVariation(small, { ...request, outputPath: ad, onProgress: undefined });
    assert.deepEqual([rendered.width, rendered.height, rendered.fps, rendered.frames], [540, 960, 30, total]);
    // Scene 1's particles and light sweep; the text; the product sliding in; the product, text and logo of the call to action: each where the full size has them.
    const pairs: Array<[string, string, number]> = [[backdrop, request.backgroundPaths[0], 1.2], [ad, request.outputPath, starts[0] + 1.2], [ad, request.outputPath, starts[2] + 1], [ad, request.outputPath, starts[3] + 1.8]];
    for (const [smallVideo, fullVideo, t] of pairs) {
      const [got, full] = await Promise.all([frameAt(smallVideo, t, dir), frameAt(fullVideo, t, dir)]);
      const expected = await shrunk(full, 540, 960);
      const worst = worstBlock(got, expected);
      // Measured: 2-12 (glyph and particle edges: FFmpeg's scaler against sharp's); a particle layer moved at the design size's pace, 25; a text or product layer left at its design size, 60 and more.
      assert.ok(worst < 18, `${path.basename(smallVideo)} at ${t} s: a block differs by ${worst.toFixed(1)} from the full size shrunk (mean ${meanDifference(got, expected).toFixed(2)})`);
    }
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await assert.rejects(renderVariation(tools, { ...request, outputPath: path.join(dir, 'aborted.mp4'), signal: controller.signal }), /cancelled/);
  });
});
