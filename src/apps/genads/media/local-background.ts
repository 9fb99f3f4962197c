import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VIDEO_FPS, VIDEO_HEIGHT, VIDEO_WIDTH, type BackgroundGenerator, type BackgroundMotion, type BackgroundRequest, type ParticleKind } from '../pipeline/types.js';
import { renderBaseLayer, renderParticleLayer, renderSweepLayer, type RawLayer } from './backdrop-layers.js';
import { draftVideoArgs, RGB_TO_BT709 } from './encoding.js';
import { runFfmpeg } from '../../../platform/media/ffmpeg.js';
import { outputScale, outputSize, type FfmpegTools } from './ffmpeg-tools.js';
import { scaled, shrinkStill } from './expressions.js';

/**
 * Offline scene backgrounds: a palette gradient the camera slowly moves over, a layer of
 * particles drifting across it and, when asked, a band of light sweeping the frame.
 *
 * Cost is what matters here (four scenes per variation, several variations per job, two
 * cores): the pictures are drawn once, and FFmpeg only scales, crops and overlays them per
 * frame. The gradient is drawn at quarter resolution and moved at half resolution (it is
 * smooth: the bilinear upscales lose nothing visible), so the per-frame work is one small
 * resize, one upscale and one or two alpha overlays.
 */

/** The gradient is moved at half the frame resolution. */
const BASE_DOWNSCALE = 2;
/** The gradient is this much larger than the window the camera sees at rest, room for pans. */
const BASE_MARGIN = 1.2;
/** Zoom of push_in / pull_out over a scene. */
const ZOOM_RANGE = 0.12;
/** Particle layers are wider than the frame so they can sway without showing an edge. */
const SWAY_MARGIN = 64;
const SWEEP_WIDTH = 1320;
const SWEEP_BAND = 380;

interface Drift {
  /** Pixels per second; positive is downwards. */
  vy: number;
  vx: number;
  /** Sideways sway amplitude (pixels) and period (seconds). */
  sway: number;
  swayPeriod: number;
}

const drifts: Record<Exclude<ParticleKind, 'none'>, Drift> = {
  bokeh: { vy: -26, vx: 4, sway: 22, swayPeriod: 11 },
  sparkles: { vy: -16, vx: -3, sway: 12, swayPeriod: 7 },
  petals: { vy: 92, vx: 10, sway: 44, swayPeriod: 5.5 },
  dust: { vy: -20, vx: 9, sway: 8, swayPeriod: 6 },
};

/** Eased progress through the scene (0 to 1), as an FFmpeg expression of t: cameras start and stop gently. */
function easeExpr(duration: number): string {
  return `(0.5-0.5*cos(PI*min(1,t/${duration.toFixed(4)})))`;
}

interface CameraMove {
  /** Zoom factor (≥1) over the rest framing. */
  zoom: string;
  /** Offset of the window centre from the gradient centre, in half-resolution pixels. */
  dx: string;
  dy: string;
  /** How far the camera travels vertically over the scene (full-resolution pixels, positive = content moves down), for particle parallax. */
  verticalTravel: number;
}

function cameraMove(motion: BackgroundMotion, duration: number, panRoom: number): CameraMove {
  const e = easeExpr(duration);
  const pan = panRoom * 0.85;
  switch (motion) {
    case 'push_in':
      return { zoom: `(1+${ZOOM_RANGE}*${e})`, dx: '0', dy: '0', verticalTravel: 0 };
    case 'pull_out':
      return { zoom: `(${1 + ZOOM_RANGE}-${ZOOM_RANGE}*${e})`, dx: '0', dy: '0', verticalTravel: 0 };
    case 'pan_up':
      // The camera tilts up: the window moves up the gradient, so the content moves down.
      return { zoom: '1', dx: '0', dy: `(${pan}-${2 * pan}*${e})`, verticalTravel: 2 * pan * BASE_DOWNSCALE };
    case 'pan_down':
      return { zoom: '1', dx: '0', dy: `(${-pan}+${2 * pan}*${e})`, verticalTravel: -2 * pan * BASE_DOWNSCALE };
    case 'drift':
      return { zoom: `(1.03+0.04*${e})`, dx: `(${-pan * 0.5}+${pan}*${e})`, dy: `(${pan * 0.2}-${pan * 0.4}*${e})`, verticalTravel: pan * 0.4 * BASE_DOWNSCALE };
  }
}

function rawInput(file: string, layer: RawLayer): string[] {
  return ['-f', 'rawvideo', '-pixel_format', layer.channels === 4 ? 'rgba' : 'rgb24', '-video_size', `${layer.width}x${layer.height}`, '-framerate', String(VIDEO_FPS), '-i', file];
}

/** Repeats a single decoded picture for the whole scene (decoding it once, unlike `-loop 1`). */
function holdStill(frames: number): string {
  // settb + setpts=N: N/30/TB is computed in floating point and truncates 123 to 122 (a repeated timestamp, a dropped frame).
  return `loop=loop=${frames - 1}:size=1:start=0,settb=1/${VIDEO_FPS},setpts=N`;
}

export class LocalBackgroundGenerator implements BackgroundGenerator {
  readonly name = 'local';

  constructor(private readonly tools: FfmpegTools) {}

  async generate(request: BackgroundRequest): Promise<{ cost: number }> {
    const { scene, outputPath, signal, onProgress } = request;
    const { background } = scene;
    const frames = scene.frames;
    if (!Number.isInteger(frames) || frames < 1) throw new Error(`${scene.sceneId}: frames must be a positive whole number, got ${frames}`);
    const duration = frames / VIDEO_FPS;
    signal?.throwIfAborted();

    const windowW = VIDEO_WIDTH / BASE_DOWNSCALE;
    const windowH = VIDEO_HEIGHT / BASE_DOWNSCALE;
    const baseW = 2 * Math.round((windowW * BASE_MARGIN) / 2);
    const baseH = 2 * Math.round((windowH * BASE_MARGIN) / 2);
    const camera = cameraMove(background.motion, duration, (baseH - windowH) / 2);

    const drift = background.particles === 'none' ? null : drifts[background.particles];
    const parallax = camera.verticalTravel * 1.5; // particles are nearer the lens than the backdrop
    const travelY = drift ? Math.abs(drift.vy * duration) + Math.abs(parallax) : 0;
    const travelX = drift ? Math.abs(drift.vx * duration) : 0;
    const particleW = 2 * Math.ceil((VIDEO_WIDTH + 2 * SWAY_MARGIN + travelX) / 2);
    const particleH = 2 * Math.ceil((VIDEO_HEIGHT + travelY + 8) / 2);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'genads-bg-'));
    try {
      // Drawn at half the size FFmpeg moves it at and upscaled once, before the loop: a smooth gradient loses nothing.
      const base = renderBaseLayer(background, baseW / 2, baseH / 2);
      const [particles, sweep] = await Promise.all([
        renderParticleLayer(background, particleW, particleH),
        background.lightSweep ? renderSweepLayer(background, SWEEP_WIDTH, VIDEO_HEIGHT, SWEEP_BAND) : null,
      ]);
      signal?.throwIfAborted();
      // Raw pixels, not PNG: nothing to compress here or decompress in FFmpeg.
      const inputs: string[] = [];
      const writes: Promise<void>[] = [];
      for (const [name, layer] of [['base', base], ['particles', particles], ['sweep', sweep]] as const) {
        if (!layer) continue;
        const file = path.join(dir, `${name}.raw`);
        writes.push(writeFile(file, layer.data));
        inputs.push(...rawInput(file, layer));
      }
      await Promise.all(writes);
      onProgress?.(0.05);

      const { zoom, dx, dy } = camera;
      // Laid out at the design size; a smaller output (GENADS_VIDEO_SIZE) shrinks the stills once, before they loop, and the moves with them.
      const f = outputScale(this.tools);
      const out = outputSize(this.tools);
      const scaledW = `2*trunc(${baseW}*${zoom}/2)`;
      const scaledH = `2*trunc(${baseH}*${zoom}/2)`;
      const graph = [
        `[0:v]scale=${baseW}:${baseH}:flags=bicubic,${RGB_TO_BT709},format=yuv420p,${holdStill(frames)},` +
          `scale=w='${scaledW}':h='${scaledH}':eval=frame:flags=bilinear,` +
          `crop=w=${windowW}:h=${windowH}:x='(in_w-${windowW})/2+${dx}':y='(in_h-${windowH})/2+${dy}',` +
          `scale=${out.width}:${out.height}:flags=bilinear[bg0]`,
      ];
      let last = 'bg0';
      let next = 1;
      if (particles && drift) {
        const vy = drift.vy + parallax / duration;
        const startY = vy < 0 ? 0 : -(particleH - VIDEO_HEIGHT);
        // Start at the side the drift moves away from, so the layer's edge never enters the frame.
        const startX = -SWAY_MARGIN - (drift.vx > 0 ? travelX : 0);
        const x = `${startX.toFixed(1)}+${drift.vx}*t+${drift.sway}*sin(2*PI*t/${drift.swayPeriod})`;
        const y = `${startY}+${vy.toFixed(3)}*t`;
        graph.push(`[${next}:v]${shrinkStill(particleW, particleH, f)}${RGB_TO_BT709},format=yuva420p,${holdStill(frames)}[particles]`);
        graph.push(`[${last}][particles]overlay=x='${scaled(x, f)}':y='${scaled(y, f)}':format=yuv420[bg1]`);
        last = 'bg1';
        next++;
      }
      if (sweep) {
        const start = duration * 0.08;
        const end = duration * 0.92;
        const progress = `(0.5-0.5*cos(PI*(t-${start.toFixed(3)})/${(end - start).toFixed(3)}))`;
        graph.push(`[${next}:v]${shrinkStill(SWEEP_WIDTH, VIDEO_HEIGHT, f)}${RGB_TO_BT709},format=yuva420p,${holdStill(frames)}[sweep]`);
        // Enabled only while it crosses: outside that window the overlay costs nothing.
        graph.push(`[${last}][sweep]overlay=x='${scaled(`-${SWEEP_WIDTH}+${VIDEO_WIDTH + SWEEP_WIDTH}*${progress}`, f)}':y=0:format=yuv420:enable='between(t,${start.toFixed(3)},${end.toFixed(3)})'[bg2]`);
        last = 'bg2';
      }
      graph.push(`[${last}]setsar=1,format=yuv420p[out]`);

      await runFfmpeg(this.tools, [...inputs, '-filter_complex', graph.join(';'), '-map', '[out]', '-frames:v', String(frames), '-r', String(VIDEO_FPS), ...draftVideoArgs(), outputPath], {
        signal,
        label: `background ${scene.sceneId}`,
        expectedDuration: duration,
        onProgress: onProgress && ((f) => onProgress(0.05 + 0.95 * f)),
      });
      return { cost: 0 };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
