import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { FfmpegTools } from '../../../../src/apps/genads/media/ffmpeg-tools.js';
import type { ScenePlan, SceneBackground, ProductPlacement, SceneOverlay, SceneRole } from '../../../../src/apps/genads/pipeline/types.js';

/**
 * Real FFmpeg for every media test: these tests are about what FFmpeg really produces. The
 * final encode's preset is `superfast`, the fastest that still uses High-profile tools (which
 * render-variation.test.ts checks the ad is; `ultrafast` gives Constrained Baseline): a preset
 * otherwise trades only encoding time for bits.
 */
export const tools: FfmpegTools = {
  ffmpegPath: process.env.GENADS_FFMPEG_PATH ?? 'ffmpeg',
  ffprobePath: process.env.GENADS_FFPROBE_PATH ?? 'ffprobe',
  x264Preset: 'superfast',
};

export const run = promisify(execFile);

export function tempDir(name: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `genads-test-${name}-`));
}

export const PALETTES = {
  gold_luxe: ['#120b06', '#3b2612', '#8a6427', '#e9c77b'],
  dark_elegance: ['#050506', '#1d1b22', '#3a2440', '#b9b6c4'],
  romantic_floral: ['#8c5a66', '#d89ca6', '#f3d1cf', '#fff6ef'],
};

export function scene(options: {
  id?: string;
  role?: SceneRole;
  frames: number;
  background?: Partial<SceneBackground>;
  product?: Partial<ProductPlacement>;
  overlay?: SceneOverlay | null;
}): ScenePlan {
  return {
    sceneId: options.id ?? 'scene_1',
    role: options.role ?? 'hook',
    frames: options.frames,
    duration: options.frames / 30,
    backgroundPrompt: 'luxury perfume backdrop',
    camera: 'slow push-in',
    background: { palette: PALETTES.gold_luxe, motion: 'push_in', lightSweep: false, particles: 'none', seed: 1, ...options.background },
    product: { motion: 'hidden', scale: 0.5, x: 0.5, y: 0.5, ...options.product },
    overlay: options.overlay ?? null,
  };
}

export interface Frame {
  data: Buffer;
  width: number;
  height: number;
}

/** One decoded frame (RGB) of a video, at `seconds`. */
export async function frameAt(video: string, seconds: number, dir: string): Promise<Frame> {
  const png = path.join(dir, `frame-${path.basename(video)}-${seconds}.png`);
  await run(tools.ffmpegPath, ['-v', 'error', '-y', '-ss', String(seconds), '-i', video, '-frames:v', '1', png]);
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Mean absolute difference per channel value between two frames (0-255). */
export function meanDifference(a: Frame, b: Frame): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / a.data.length;
}

/** Mean RGB of a rectangle of a frame. */
export function meanColour(frame: Frame, x: number, y: number, w: number, h: number): [number, number, number] {
  const sum = [0, 0, 0];
  for (let row = y; row < y + h; row++) {
    for (let col = x; col < x + w; col++) {
      const i = (row * frame.width + col) * 3;
      sum[0] += frame.data[i];
      sum[1] += frame.data[i + 1];
      sum[2] += frame.data[i + 2];
    }
  }
  return sum.map((v) => v / (w * h)) as [number, number, number];
}

/** A synthetic product cut-out: a bright red bottle with a white cap on a transparent background, trimmed. */
export async function makeProduct(file: string, body = '#ff0000'): Promise<void> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="560"><rect x="105" y="0" width="90" height="110" rx="8" fill="#ffffff"/><rect x="0" y="120" width="300" height="440" rx="36" fill="${body}"/></svg>`;
  await sharp(Buffer.from(svg)).png().toFile(file);
}

/** A synthetic logo: white wordmark-like bars on transparency. */
export async function makeLogo(file: string): Promise<void> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="120"><rect x="0" y="40" width="400" height="40" rx="20" fill="#f5e6c8"/></svg>`;
  await sharp(Buffer.from(svg)).png().toFile(file);
}

/** Mean volume (dB) reported by FFmpeg's volumedetect, of the whole file or a window of it. */
export async function meanVolume(file: string, window?: { start: number; duration: number }): Promise<number> {
  const range = window ? ['-ss', String(window.start), '-t', String(window.duration)] : [];
  const { stderr } = await run(tools.ffmpegPath, ['-hide_banner', ...range, '-i', file, '-map', '0:a:0', '-af', 'volumedetect', '-f', 'null', '-']);
  const m = /mean_volume: (-?[\d.]+|-inf) dB/.exec(stderr);
  if (!m) throw new Error(`no volumedetect output:\n${stderr.slice(-500)}`);
  return m[1] === '-inf' ? -Infinity : Number(m[1]);
}
