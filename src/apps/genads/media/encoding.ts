/**
 * The encoder settings of the media engine in one place, so drafts, conformed clips and the
 * final render agree on what "a GenAds video" is: 1080x1920, 30 fps, yuv420p, BT.709.
 */

/**
 * Colour tags of every video written. Without them players guess, and the same gold looks
 * different in a browser and on a phone.
 */
const BT709_TAGS = ['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'];

/**
 * Filter that turns RGB(A) pictures (PNG layers from sharp) into limited-range BT.709 YUV,
 * matching the tags above. FFmpeg's automatic conversion would use BT.601 and shift the hues.
 */
export const RGB_TO_BT709 = 'scale=out_color_matrix=bt709:out_range=tv';

/**
 * Drafts (scene backgrounds, conformed clips) are intermediate files that the final render
 * decodes once and re-encodes: the fastest preset, with a low CRF so the second encode does
 * not compound visible losses. At CRF 20 ultrafast spends a third of the time of veryfast and
 * the files stay a few MB per scene.
 */
export function draftVideoArgs(): string[] {
  return ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '20', '-pix_fmt', 'yuv420p', ...BT709_TAGS, '-an', '-movflags', '+faststart'];
}

/**
 * The delivered ad: H.264 High, the configured preset, CRF 20 (visually clean gradients at a few
 * Mbit/s). `-profile:v high` is a ceiling: `ultrafast` uses none of High's tools, and x264 then
 * signals Constrained Baseline (test/apps/genads/media/render-variation.test.ts).
 */
export function finalVideoArgs(preset: string): string[] {
  return ['-c:v', 'libx264', '-preset', preset, '-crf', '20', '-profile:v', 'high', '-pix_fmt', 'yuv420p', ...BT709_TAGS];
}

/** AAC 48 kHz stereo: what every social platform ingests without resampling. */
export const FINAL_AUDIO_ARGS = ['-c:a', 'aac', '-b:a', '192k', '-ar', '48000', '-ac', '2'];

/** The music files handed between stages. */
export const MP3_ARGS = ['-c:a', 'libmp3lame', '-b:a', '192k', '-ar', '44100', '-ac', '2'];
