import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { VIDEO_HEIGHT, VIDEO_WIDTH } from '../pipeline/types.js';
import { num } from './expressions.js';
import { runFfmpeg } from '../../../platform/media/ffmpeg.js';
import { type FfmpegTools } from './ffmpeg-tools.js';

/**
 * How bright each scene's backdrop is where text will sit, read from the backdrop video
 * itself (a hosted model may not keep to the palette): light text goes on dark areas, dark
 * text on light ones. One small FFmpeg run samples every scene as a coarse grey grid.
 */

const GRID_W = 27;
const GRID_H = 48;

export class LumaGrid {
  constructor(private readonly cells: Buffer) {}

  /** Mean brightness (0 black - 1 white) of a frame rectangle given in pixels. */
  mean(x: number, y: number, width: number, height: number): number {
    const cx0 = Math.max(0, Math.floor((x / VIDEO_WIDTH) * GRID_W));
    const cy0 = Math.max(0, Math.floor((y / VIDEO_HEIGHT) * GRID_H));
    const cx1 = Math.min(GRID_W, Math.ceil(((x + width) / VIDEO_WIDTH) * GRID_W));
    const cy1 = Math.min(GRID_H, Math.ceil(((y + height) / VIDEO_HEIGHT) * GRID_H));
    let sum = 0;
    let count = 0;
    for (let cy = cy0; cy < cy1; cy++) {
      for (let cx = cx0; cx < cx1; cx++) {
        sum += this.cells[cy * GRID_W + cx];
        count++;
      }
    }
    return count ? sum / count / 255 : 0.5;
  }
}

/** One grid per video, sampled at the given time (seconds) of each. */
export async function sampleBackdrops(tools: FfmpegTools, videos: { path: string; at: number }[], dir: string, signal?: AbortSignal): Promise<LumaGrid[]> {
  if (videos.length === 0) return [];
  const args: string[] = [];
  for (const video of videos) args.push('-ss', num(video.at), '-i', video.path);
  const outputs: string[] = [];
  videos.forEach((_, i) => {
    const file = path.join(dir, `luma_${i}.gray`);
    outputs.push(file);
    // Full-range grey, area-averaged: each cell is the mean of a 40x40 pixel block.
    args.push('-map', `${i}:v:0`, '-frames:v', '1', '-vf', `scale=${GRID_W}:${GRID_H}:flags=area:out_range=full,format=gray`, '-f', 'rawvideo', file);
  });
  await runFfmpeg(tools, args, { signal, label: 'sampling the backdrops' });
  return Promise.all(outputs.map(async (file) => new LumaGrid(await readFile(file))));
}
