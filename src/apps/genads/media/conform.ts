import { VIDEO_FPS, type OnFraction } from '../pipeline/types.js';
import { draftVideoArgs, MP3_ARGS } from './encoding.js';
import { num } from './expressions.js';
import { FfmpegError, probeMedia, runFfmpeg } from '../../../platform/media/ffmpeg.js';
import { outputSize, type FfmpegTools } from './ffmpeg-tools.js';

/**
 * Hosted models return clips and tracks of their own size, rate and length; these make
 * them interchangeable with the local ones, so the render never has to care where a
 * backdrop or a soundtrack came from.
 */

export interface ConformVideoRequest {
  inputPath: string;
  outputPath: string;
  /** Exactly this many frames at VIDEO_FPS. */
  frames: number;
  signal?: AbortSignal;
  onProgress?: OnFraction;
}

/** Slowing a short clip down beyond this starts to look like slow motion; the rest is held on the last frame. */
const MAX_STRETCH = 1.35;

/**
 * Scales and crops (cover) any clip to the configured size (outputSize) at VIDEO_FPS, yuv420p
 * H.264 with exactly `frames` frames and no audio. A clip that is too short is first slowed
 * down a little (smoother than freezing), then held on its last frame; one too long is cut.
 */
export async function conformVideoClip(tools: FfmpegTools, request: ConformVideoRequest): Promise<void> {
  const { inputPath, outputPath, frames, signal, onProgress } = request;
  if (!Number.isInteger(frames) || frames < 1) throw new Error(`conformVideoClip: frames must be a positive whole number, got ${frames}`);
  const info = await probeMedia(tools, inputPath, signal);
  if (!info.width || !info.height) throw new FfmpegError(`conforming ${inputPath} failed: it has no video stream`, 'ffprobe', 0, '');
  const wanted = frames / VIDEO_FPS;
  const available = info.durationSeconds > 0 ? info.durationSeconds : wanted;
  const stretch = Math.min(MAX_STRETCH, Math.max(1, wanted / available));
  const { width, height } = outputSize(tools);
  const filters = [
    `setpts=(PTS-STARTPTS)*${num(stretch)}`,
    `fps=${VIDEO_FPS}`,
    `scale=${width}:${height}:force_original_aspect_ratio=increase:flags=bicubic:out_color_matrix=bt709:out_range=tv`,
    `crop=${width}:${height}`,
    'setsar=1',
    'format=yuv420p',
    'tpad=stop_mode=clone:stop=-1',
    `trim=end_frame=${frames}`,
  ];
  await runFfmpeg(tools, ['-i', inputPath, '-map', '0:v:0', '-vf', filters.join(','), '-frames:v', String(frames), '-r', String(VIDEO_FPS), ...draftVideoArgs(), outputPath], {
    signal,
    label: `conforming ${inputPath}`,
    expectedDuration: wanted,
    onProgress,
  });
}

export interface ConformMusicRequest {
  inputPath: string;
  outputPath: string;
  /** Seconds. */
  duration: number;
  signal?: AbortSignal;
  onProgress?: OnFraction;
}

/**
 * An MP3 of exactly `duration` seconds that fades out at its end. A track nearly long
 * enough is padded with silence (under its fade-out); a much shorter one is looped.
 */
export async function conformMusic(tools: FfmpegTools, request: ConformMusicRequest): Promise<void> {
  const { inputPath, outputPath, duration, signal, onProgress } = request;
  if (!(duration > 0)) throw new Error(`conformMusic: duration must be positive, got ${duration}`);
  const info = await probeMedia(tools, inputPath, signal);
  if (!info.hasAudio) throw new FfmpegError(`conforming ${inputPath} failed: it has no audio stream`, 'ffprobe', 0, '');
  const available = info.durationSeconds > 0 ? info.durationSeconds : duration;
  const loop = available < duration * 0.8;
  // The music ends where the file ends (padding) or at the requested duration (cut or looped).
  const musicEnd = loop ? duration : Math.min(duration, available);
  const fade = Math.min(3, duration * 0.15);
  const filters = [
    `atrim=0:${num(duration)}`,
    'asetpts=PTS-STARTPTS',
    `afade=t=out:st=${num(Math.max(0, musicEnd - fade))}:d=${num(fade)}`,
    `apad=whole_dur=${num(duration)}`,
    `atrim=0:${num(duration)}`,
  ];
  await runFfmpeg(tools, [...(loop ? ['-stream_loop', '-1'] : []), '-i', inputPath, '-map', '0:a:0', '-af', filters.join(','), ...MP3_ARGS, outputPath], {
    signal,
    label: `conforming ${inputPath}`,
    expectedDuration: duration,
    onProgress,
  });
}
