import { unprocessable } from '../errors.js';

/**
 * Pixel budgets for decoding untrusted images with sharp (its limitInputPixels option). A PNG
 * of a few hundred bytes can declare 30000 x 30000 pixels, and decoding allocates for what
 * the header declares; sharp's own default (about 268 MP) is far more than any use here needs,
 * so each use sets the budget it needs and refuses the rest before decoding.
 */
export const PIXEL_LIMITS = {
  /** Photos kept by the platform (derivatives): up to a 100 MP medium-format camera. */
  storedPhoto: 100_000_000,
  /** Fixed cameras (Visant captures): 8K video frames are 33 MP. */
  cameraFrame: 40_000_000,
  /** Logos and product photos (GenAds): scaled to 4096 px at upload, so anything past 40 MP is a bomb. */
  brandImage: 40_000_000,
} as const;

/** libvips' message when an input is over limitInputPixels. */
export function exceedsPixelLimit(err: unknown): boolean {
  return /exceeds pixel limit/i.test((err as Error)?.message ?? '');
}

export function tooManyPixels(what: string, limit: number) {
  return unprocessable(`${what} has more than ${limit / 1_000_000} megapixels: scale it down and send it again`, 'IMAGE_TOO_MANY_PIXELS');
}
