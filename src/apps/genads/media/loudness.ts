import { num } from './expressions.js';
import { runFfmpeg } from '../../../platform/media/ffmpeg.js';
import { type FfmpegTools } from './ffmpeg-tools.js';

/**
 * Loudness normalisation of the soundtrack to the level social platforms play at
 * (-14 LUFS integrated, -1.5 dBTP). Two passes: the track is measured first, then the
 * render applies loudnorm with the measurement in linear mode, one constant gain. A single
 * pass would run loudnorm's dynamic mode, which rides the gain and undoes the music's own
 * fade-in and swells.
 */

export const TARGET_LUFS = -14;
export const TARGET_TRUE_PEAK = -1.5;
const TARGET_LRA = 11;

export interface LoudnessMeasurement {
  inputI: number;
  inputTp: number;
  inputLra: number;
  inputThresh: number;
  targetOffset: number;
}

/** Measures `filterPrefix` (the same trimming the render applies) over the music file. */
export async function measureLoudness(tools: FfmpegTools, musicPath: string, filterPrefix: string, signal?: AbortSignal): Promise<LoudnessMeasurement | null> {
  const { stderr } = await runFfmpeg(
    tools,
    ['-i', musicPath, '-af', `${filterPrefix},loudnorm=I=${TARGET_LUFS}:TP=${TARGET_TRUE_PEAK}:LRA=${TARGET_LRA}:print_format=json`, '-f', 'null', '-'],
    { signal, label: 'measuring the music loudness', logLevel: 'info' },
  );
  const json = stderr.slice(stderr.lastIndexOf('{'), stderr.lastIndexOf('}') + 1);
  try {
    const m = JSON.parse(json) as Record<string, string>;
    const values = {
      inputI: Number(m.input_i),
      inputTp: Number(m.input_tp),
      inputLra: Number(m.input_lra),
      inputThresh: Number(m.input_thresh),
      targetOffset: Number(m.target_offset),
    };
    // Silence measures -inf: there is nothing to normalise.
    return Object.values(values).every(Number.isFinite) && values.inputI > -70 ? values : null;
  } catch {
    return null;
  }
}

/** The second-pass filter; without a measurement, the dynamic single-pass mode. */
export function loudnormFilter(measured: LoudnessMeasurement | null): string {
  const target = `loudnorm=I=${TARGET_LUFS}:TP=${TARGET_TRUE_PEAK}:LRA=${TARGET_LRA}`;
  if (!measured) return target;
  return `${target}:measured_I=${num(measured.inputI)}:measured_TP=${num(measured.inputTp)}:measured_LRA=${num(measured.inputLra)}:measured_thresh=${num(measured.inputThresh)}:offset=${num(measured.targetOffset)}:linear=true`;
}
