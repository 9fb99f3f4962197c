import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GenAdsConfig } from '../config.js';
import type { MusicGenerator, MusicRequest } from '../pipeline/types.js';
import { ReplicateClient } from './replicate-client.js';

/**
 * Turns any audio file into the ad's music track: an MP3 exactly `duration` seconds long
 * (looped with a crossfade when the input is shorter, trimmed with a fade-out when longer).
 * Injected so this provider does not depend on the media engine.
 */
export type ConformAudio = (inputPath: string, outputPath: string, duration: number, signal?: AbortSignal) => Promise<void>;

export type MusicGenModelVersion = 'stereo-large' | 'stereo-melody-large' | 'large' | 'melody-large';

export interface ReplicateMusicOptions {
  client: ReplicateClient;
  /** GENADS_REPLICATE_MUSIC_MODEL, e.g. "meta/musicgen:671ac645…". */
  model: string;
  conform: ConformAudio;
  /** GENADS_MUSIC_PRICE_PER_SECOND: USD per second of prediction (GPU) time. */
  pricePerSecond: number;
  /** "stereo-large" by default: the text-only checkpoint, since we give no melody. */
  modelVersion?: MusicGenModelVersion;
  /** Longest piece asked for in one call; MusicGen is trained on 30 s windows. */
  maxSeconds?: number;
  tempDir?: string;
}

/** The MusicGen request for an ad: exported so the job and the tests see exactly what is sent. */
export function musicGenInput(request: Pick<MusicRequest, 'plan' | 'duration'>, modelVersion: MusicGenModelVersion, maxSeconds: number): Record<string, unknown> {
  return {
    prompt: request.plan.prompt,
    model_version: modelVersion,
    // One second of headroom so conforming trims a fade rather than padding silence.
    duration: Math.min(maxSeconds, Math.ceil(request.duration) + 1),
    output_format: 'mp3',
    // Loudness normalisation gives every variation the same perceived level under the voice-free mix.
    normalization_strategy: 'loudness',
    seed: request.plan.seed,
  };
}

/**
 * Background music from Meta's MusicGen hosted on Replicate (seed 000's audio engine).
 *
 * Ads longer than one MusicGen window (30 s) get ONE 30 s piece that the conform step loops
 * with a crossfade to the ad's length. Chosen over generating several segments because
 * separately generated segments do not share a melody or even a tempo (MusicGen's continuation
 * would need the first segment uploaded back to Replicate), so a crossfaded loop of one coherent
 * piece sounds more like one score, costs less, and needs one prediction instead of two.
 *
 * Cost: pricePerSecond x the prediction's billed GPU time (metrics.predict_time).
 */
export class ReplicateMusicGenerator implements MusicGenerator {
  readonly name = 'replicate';

  constructor(private readonly options: ReplicateMusicOptions) {}

  static fromConfig(config: GenAdsConfig, conform: ConformAudio, client = ReplicateClient.fromConfig(config.replicate)): ReplicateMusicGenerator {
    return new ReplicateMusicGenerator({ client, model: config.replicate.musicModel, conform, pricePerSecond: config.musicPricePerSecond });
  }

  async generate(request: MusicRequest): Promise<{ cost: number }> {
    const { signal, onProgress } = request;
    const input = musicGenInput(request, this.options.modelVersion ?? 'stereo-large', this.options.maxSeconds ?? 30);
    const dir = await mkdtemp(path.join(this.options.tempDir ?? os.tmpdir(), 'genads-musicgen-'));
    try {
      const run = await this.options.client.run(this.options.model, input, { signal, onProgress: (f) => onProgress?.(0.85 * f) });
      const raw = path.join(dir, 'music_raw.mp3');
      await this.options.client.download(run.outputUrls[0], raw, signal);
      onProgress?.(0.92);
      await this.options.conform(raw, request.outputPath, request.duration, signal);
      onProgress?.(1);
      return { cost: this.options.pricePerSecond * run.predictTime };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
