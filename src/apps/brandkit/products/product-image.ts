import sharp from 'sharp';
import { unprocessable, unsupportedMediaType } from '../../../platform/errors.js';

/**
 * Catalog photos and masks are checked by decoding them (not by their name or Content-Type)
 * and stored as PNG: the mockup renderer reads one format, and a mask keeps its exact pixels.
 * A mask is one channel: white where the label goes, black elsewhere.
 */
const READABLE = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif']);
const MAX_PIXELS = 40_000_000;

export interface PreparedImage {
  png: Buffer;
  width: number;
  height: number;
}

export async function prepareProductImage(bytes: Buffer, kind: 'image' | 'mask'): Promise<PreparedImage> {
  let format: string | undefined;
  try {
    format = (await sharp(bytes, { limitInputPixels: MAX_PIXELS }).metadata()).format;
  } catch {
    throw unsupportedMediaType(`The ${kind === 'mask' ? 'mask' : 'product image'} is not an image: send a PNG, JPEG or WebP`, 'NOT_AN_IMAGE');
  }
  if (!format || !READABLE.has(format)) throw unsupportedMediaType(`A ${format ?? 'unknown'} file is not accepted: send a PNG, JPEG or WebP`, 'NOT_AN_IMAGE');
  try {
    let pipeline = sharp(bytes, { limitInputPixels: MAX_PIXELS }).rotate();
    if (kind === 'mask') pipeline = pipeline.flatten({ background: '#000000' }).greyscale();
    const { data, info } = await pipeline.png().toBuffer({ resolveWithObject: true });
    return { png: data, width: info.width, height: info.height };
  } catch {
    throw unprocessable('The image could not be decoded: it may be truncated or corrupt', 'IMAGE_UNREADABLE');
  }
}
