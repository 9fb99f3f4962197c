import type { FfmpegBinaries } from '../../../platform/media/ffmpeg.js';
import type { GenAdsConfig } from '../config.js';

/** What the media engine needs from GenAdsConfig: the platform's FFmpeg, at GenAds' own paths. */
export interface FfmpegTools extends FfmpegBinaries {
  /** libx264 preset of final renders (drafts use their own, faster one). */
  x264Preset: string;
}

export function ffmpegTools(config: Pick<GenAdsConfig, 'ffmpegPath' | 'ffprobePath' | 'x264Preset'>): FfmpegTools {
  return {
    ffmpegPath: config.ffmpegPath,
    ffprobePath: config.ffprobePath,
    pathSettings: { ffmpeg: 'GENADS_FFMPEG_PATH', ffprobe: 'GENADS_FFPROBE_PATH' },
    x264Preset: config.x264Preset,
  };
}
