import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { VIDEO_FPS, type OnFraction, type ScenePlan } from '../pipeline/types.js';
import { sampleBackdrops } from './backdrop-sampling.js';
import { FINAL_AUDIO_ARGS, finalVideoArgs, RGB_TO_BT709 } from './encoding.js';
import { num, scaled, shrinkStill } from './expressions.js';
import { probeMedia, runFfmpeg, type MediaInfo } from '../../../platform/media/ffmpeg.js';
import { outputScale, outputSize, type FfmpegTools } from './ffmpeg-tools.js';
import { loudnormFilter, measureLoudness } from './loudness.js';
import { sceneElements } from './scene-elements.js';

/**
 * The final ad of one variation, in one FFmpeg run: each scene's backdrop with the product
 * and its text composited over it, the scenes dissolved into one another, the music trimmed,
 * faded and loudness-normalised, encoded once for delivery.
 *
 * Everything that does not change per frame (product with halo and shadow, text with its
 * shadow, logo) is drawn beforehand as a picture; the FFmpeg graph only fades and moves them.
 */

export interface RenderVariationRequest {
  scenes: ScenePlan[];
  /** One per scene, in order: the output size (outputSize) at VIDEO_FPS, scene.frames frames (others are cropped, held or cut to fit). */
  backgroundPaths: string[];
  /** The product cut-out: a PNG with alpha, trimmed to the product. */
  productPath: string;
  /** Per scene, in order: the cut-out of the angle that scene shows; productPath where absent. */
  sceneProductPaths?: string[];
  /** The brand logo (PNG, transparent background preferred), shown on the call-to-action scene. */
  logoPath?: string | null;
  musicPath: string;
  brandName: string;
  perfumeName: string;
  outputPath: string;
  signal?: AbortSignal;
  onProgress?: OnFraction;
}

/** Dissolve between scenes, at most this long (seconds); shorter between very short scenes. */
const MAX_DISSOLVE = 0.5;

/** Keeps a single decoded picture for `frames` frames, timestamped at VIDEO_FPS. */
function hold(frames: number): string {
  // settb + setpts=N: N/30/TB is computed in floating point and can repeat a timestamp.
  return `loop=loop=${frames - 1}:size=1:start=0,settb=1/${VIDEO_FPS},setpts=N`;
}

export async function renderVariation(tools: FfmpegTools, request: RenderVariationRequest): Promise<MediaInfo> {
  const { scenes, backgroundPaths, signal, onProgress } = request;
  if (scenes.length === 0) throw new Error('renderVariation: no scenes');
  if (backgroundPaths.length !== scenes.length) throw new Error(`renderVariation: ${scenes.length} scenes but ${backgroundPaths.length} backgrounds`);
  for (const scene of scenes) {
    if (!Number.isInteger(scene.frames) || scene.frames < 1) throw new Error(`renderVariation: ${scene.sceneId} has ${scene.frames} frames`);
  }
  signal?.throwIfAborted();
  const totalFrames = scenes.reduce((sum, s) => sum + s.frames, 0);
  const duration = totalFrames / VIDEO_FPS;
  /*
   * Scene changes dissolve from the outgoing scene's last frame into the incoming scene.
   * FFmpeg's xfade would keep both scenes moving but overlaps them (the total shrinks unless
   * scenes are padded) and, in FFmpeg 5.1, costs about as much as all the overlays together;
   * a still fading out over half a second reads the same.
   */
  const shortest = Math.min(...scenes.map((s) => s.frames));
  const dissolveFrames = scenes.length > 1 ? Math.max(1, Math.min(Math.round(MAX_DISSOLVE * VIDEO_FPS), Math.floor(shortest * 0.3))) : 0;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'genads-render-'));
  try {
    const musicWindow = `atrim=0:${num(duration)},asetpts=PTS-STARTPTS,apad=whole_dur=${num(duration)}`;
    // The loudness pass (FFmpeg, audio only) runs while the pictures are drawn (Node and sharp).
    const loudnessMeasured = measureLoudness(tools, request.musicPath, musicWindow, signal);
    const layersDrawn = (async () => {
      const productPaths = scenes.map((_, i) => request.sceneProductPaths?.[i] ?? request.productPath);
      const distinct = [...new Set(productPaths)];
      const [grids, products] = await Promise.all([
        // Sampled early in each scene, when the text appears; also cheap: no seeking far from the first keyframe.
        sampleBackdrops(tools, backgroundPaths.map((p, i) => ({ path: p, at: Math.min(0.8, scenes[i].frames / VIDEO_FPS / 2) })), dir, signal),
        Promise.all(distinct.map((p) => sharp(p).ensureAlpha().png().toBuffer())),
      ]);
      signal?.throwIfAborted();
      onProgress?.(0.04);
      return Promise.all(
        scenes.map((scene, i) =>
          sceneElements(scene, {
            grid: grids[i], product: products[distinct.indexOf(productPaths[i])], isLast: i === scenes.length - 1,
            logoPath: request.logoPath, brandName: request.brandName, perfumeName: request.perfumeName,
          }),
        ),
      );
    })();
    const [perScene, loudness] = await Promise.all([layersDrawn, loudnessMeasured]);
    signal?.throwIfAborted();
    onProgress?.(0.1);

    // Elements are laid out at the design size; a smaller output (GENADS_VIDEO_SIZE) shrinks each still once, before it is held, and its moves with it.
    const f = outputScale(tools);
    const out = outputSize(tools);
    const inputs: string[] = [];
    backgroundPaths.forEach((p) => inputs.push('-i', p));
    let nextInput = backgroundPaths.length;
    const graph: string[] = [];
    const sceneLabels: string[] = [];
    for (let i = 0; i < scenes.length; i++) {
      const frames = scenes[i].frames;
      // Backdrops are normalised defensively (size, timestamps), then held on their last frame or cut to length.
      let label = `s${i}`;
      graph.push(
        `[${i}:v]settb=1/${VIDEO_FPS},setpts=N,fps=${VIDEO_FPS},scale=${out.width}:${out.height}:force_original_aspect_ratio=increase,crop=${out.width}:${out.height},setsar=1,format=yuv420p,` +
          `tpad=stop_mode=clone:stop=-1,trim=end_frame=${frames}[${label}]`,
      );
      for (const [j, element] of perScene[i].entries()) {
        const file = path.join(dir, `scene${i}_layer${j}.png`);
        await writeFile(file, element.layer.png);
        inputs.push('-i', file);
        const chain = [`${shrinkStill(element.layer.width, element.layer.height, f)}${RGB_TO_BT709}`, 'format=yuva420p', hold(frames)];
        chain.push(`fade=t=in:st=${num(element.fadeIn.start)}:d=${num(element.fadeIn.duration)}:alpha=1`);
        if (element.fadeOut) chain.push(`fade=t=out:st=${num(element.fadeOut.start)}:d=${num(element.fadeOut.duration)}:alpha=1`);
        if (element.scale) {
          chain.push(`scale=w='2*trunc(${num(element.layer.width * f)}*${element.scale}/2)':h='2*trunc(${num(element.layer.height * f)}*${element.scale}/2)':eval=frame`);
        }
        const layerLabel = `l${i}_${j}`;
        graph.push(`[${nextInput}:v]${chain.join(',')}[${layerLabel}]`);
        nextInput++;
        const out = `s${i}_${j}`;
        graph.push(`[${label}][${layerLabel}]overlay=x='${scaled(element.x, f)}':y='${scaled(element.y, f)}':format=yuv420:eval=frame[${out}]`);
        label = out;
      }
      if (i > 0 && dissolveFrames > 0) {
        // The dissolve: the previous scene's last frame, fading out over the start of this one.
        const out = `d${i}`;
        graph.push(`[${label}][f${i - 1}]overlay=eof_action=pass:format=yuv420[${out}]`);
        label = out;
      }
      if (i < scenes.length - 1 && dissolveFrames > 0) {
        graph.push(`[${label}]split[c${i}][t${i}]`);
        graph.push(
          `[t${i}]trim=start_frame=${frames - 1},setpts=PTS-STARTPTS,format=yuva420p,${hold(dissolveFrames)},` +
            `fade=t=out:st=0:d=${num(dissolveFrames / VIDEO_FPS)}:alpha=1[f${i}]`,
        );
        label = `c${i}`;
      }
      sceneLabels.push(label);
    }
    // Scenes follow one another back to back (the dissolve lies over the incoming scene), so the total is exactly the sum of the scenes.
    graph.push(`${sceneLabels.map((l) => `[${l}]`).join('')}concat=n=${scenes.length}:v=1:a=0,format=yuv420p[vout]`);

    const musicInput = nextInput;
    inputs.push('-i', request.musicPath);
    const fadeOut = Math.min(2.5, duration * 0.15);
    graph.push(
      `[${musicInput}:a]${musicWindow},${loudnormFilter(loudness)},aresample=48000,` +
        `afade=t=in:d=0.05,afade=t=out:st=${num(duration - fadeOut)}:d=${num(fadeOut)},atrim=0:${num(duration)},` +
        `aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo[aout]`,
    );

    await runFfmpeg(
      tools,
      [...inputs, '-filter_complex', graph.join(';'), '-map', '[vout]', '-map', '[aout]', '-frames:v', String(totalFrames), '-r', String(VIDEO_FPS), ...finalVideoArgs(tools.x264Preset), ...FINAL_AUDIO_ARGS, '-movflags', '+faststart', request.outputPath],
      { signal, label: 'rendering the variation', expectedDuration: duration, onProgress: onProgress && ((f) => onProgress(0.1 + 0.88 * f)) },
    );
    const info = await probeMedia(tools, request.outputPath, signal);
    onProgress?.(1);
    return info;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
