import type { FfmpegBinaries } from '../../../platform/media/ffmpeg.js';
import type { GenAdsConfig } from '../config.js';
import { VIDEO_HEIGHT, VIDEO_WIDTH } from '../pipeline/types.js';

/** What the media engine needs from GenAdsConfig: the platform's FFmpeg, at GenAds' own paths. */
export interface FfmpegTools extends FfmpegBinaries {
  /** libx264 preset of final renders (drafts use their own, faster one). */
  x264Preset: string;
  /** Size of the videos written (GENADS_VIDEO_SIZE); absent: VIDEO_WIDTH x VIDEO_HEIGHT, the size layout is designed at. */
  videoSize?: { width: number; height: number };
}

/** How much smaller than the design size (VIDEO_WIDTH x VIDEO_HEIGHT) the videos are written: 1, or the configured width over VIDEO_WIDTH. */
export function outputScale(tools: FfmpegTools): number {
  return tools.videoSize ? tools.videoSize.width / VIDEO_WIDTH : 1;
}

export function outputSize(tools: FfmpegTools): { width: number; height: number } {
  return tools.videoSize ?? { width: VIDEO_WIDTH, height: VIDEO_HEIGHT };
}

export function ffmpegTools(config: Pick<GenAdsConfig, 'ffmpegPath' | 'ffprobePath' | 'x264Preset'> & Partial<Pick<GenAdsConfig, 'videoSize'>>): FfmpegTools {
  return {
    ffmpegPath: config.ffmpegPath,
    ffprobePath: config.ffprobePath,
    pathSettings: { ffmpeg: 'GENADS_FFMPEG_PATH', ffprobe: 'GENADS_FFPROBE_PATH' },
    x264Preset: config.x264Preset,
    ...(config.videoSize && { videoSize: config.videoSize }),
  };
}
