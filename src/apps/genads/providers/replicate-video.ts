import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GenAdsConfig } from '../config.js';
import type { BackgroundGenerator, BackgroundRequest } from '../pipeline/types.js';
import { ReplicateClient } from './replicate-client.js';

/**
 * Turns any clip into the scene's exact format (the configured size, VIDEO_FPS, exactly
 * `frames` frames, H.264, no audio). Injected so this provider does not depend on the media
 * engine; in production it is media/conform.ts: `(i, o, f, s) => conformVideoClip(tools, {inputPath: i, outputPath: o, frames: f, signal: s})`.
 */
export type ConformVideo = (inputPath: string, outputPath: string, frames: number, signal?: AbortSignal) => Promise<void>;

export type WanResolution = '480p' | '720p';

export interface ReplicateBackgroundOptions {
  client: ReplicateClient;
  /** GENADS_REPLICATE_VIDEO_MODEL, e.g. "wan-video/wan-2.2-t2v-fast". */
  model: string;
  conform: ConformVideo;
  /** GENADS_VIDEO_PRICE_PER_SECOND: USD per second of generated video. */
  pricePerSecond: number;
  /** 480p is the model's default and the cheapest; 720p is sharper once scaled to 1080x1920. */
  resolution?: WanResolution;
  /** Where the raw clip is downloaded before conforming; default the OS temp dir. */
  tempDir?: string;
}

/**
 * Frame counts the model takes: its schema says 81 minimum (81 gives the best results) and
 * 100 maximum on the version we checked (later ones allow more); Wan itself wants 4n+1 frames.
 * So 81, 85 … 97.
 */
const MIN_FRAMES = 81;
const MAX_FRAMES = 97;
/** Replicate bills this model by video length at 16 fps, whatever frames_per_second says. */
const BILLING_FPS = 16;
const MIN_FPS = 5;
const MAX_FPS = 24;

/** The Wan request for a scene: exported so the job and the tests see exactly what is sent. */
export function wanInput(request: Pick<BackgroundRequest, 'scene' | 'styleSpec'>, resolution: WanResolution): Record<string, unknown> {
  const { scene, styleSpec } = request;
  // Enough frames to cover the scene at 16 fps, within the model's limits…
  const wanted = Math.ceil(scene.duration * BILLING_FPS);
  const numFrames = Math.max(MIN_FRAMES, Math.min(MAX_FRAMES, 4 * Math.ceil((wanted - 1) / 4) + 1));
  // …played back at the rate that makes the clip as long as the scene (slower playback = more
  // languid motion, which suits perfume ads), so conforming mostly resamples instead of looping.
  const fps = Math.max(MIN_FPS, Math.min(MAX_FPS, Math.round(numFrames / scene.duration)));
  const extras = [styleSpec.lighting && `Lighting: ${styleSpec.lighting}`, styleSpec.mood && `Mood: ${styleSpec.mood}`].filter(Boolean).join('. ');
  return {
    prompt: extras ? `${scene.backgroundPrompt.replace(/[.\s]+$/, '')}. ${extras}.` : scene.backgroundPrompt,
    num_frames: numFrames,
    frames_per_second: fps,
    aspect_ratio: '9:16',
    resolution,
    go_fast: true,
    seed: scene.background.seed,
  };
}

/**
 * Scene backgrounds from the Wan text-to-video model hosted on Replicate (seed 000's video
 * generator): one prediction per scene, the clip downloaded to a temp file, then conformed to
 * the scene's exact frame count.
 *
 * Cost: pricePerSecond x seconds of video generated, counted as Replicate bills this model,
 * num_frames / 16 fps (so a 81-frame clip costs ~5.06 s whatever the scene's length).
 */
export class ReplicateBackgroundGenerator implements BackgroundGenerator {
  readonly name = 'replicate';
  private readonly resolution: WanResolution;

  constructor(private readonly options: ReplicateBackgroundOptions) {
    this.resolution = options.resolution ?? '480p';
  }

  static fromConfig(config: GenAdsConfig, conform: ConformVideo, client = ReplicateClient.fromConfig(config.replicate)): ReplicateBackgroundGenerator {
    return new ReplicateBackgroundGenerator({ client, model: config.replicate.videoModel, conform, pricePerSecond: config.videoPricePerSecond });
  }

  async generate(request: BackgroundRequest): Promise<{ cost: number }> {
    const { scene, signal, onProgress } = request;
    const input = wanInput(request, this.resolution);
    const dir = await mkdtemp(path.join(this.options.tempDir ?? os.tmpdir(), 'genads-wan-'));
    try {
      const run = await this.options.client.run(this.options.model, input, { signal, onProgress: (f) => onProgress?.(0.85 * f) });
      const raw = path.join(dir, `${scene.sceneId}_raw.mp4`);
      await this.options.client.download(run.outputUrls[0], raw, signal);
      onProgress?.(0.92);
      await this.options.conform(raw, request.outputPath, scene.frames, signal);
      onProgress?.(1);
      return { cost: this.options.pricePerSecond * ((input.num_frames as number) / BILLING_FPS) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
