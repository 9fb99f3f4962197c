import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { badRequest } from '../../../platform/errors.js';
import { undecodableImageMessage } from '../../../platform/storage/image-decoding.js';
import { exceedsPixelLimit, PIXEL_LIMITS } from '../../../platform/parsing/pixel-limits.js';
import { GUIDELINES_TYPES, type GuidelinesType } from '../storage-layout.js';

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const MAX_GUIDELINES_BYTES = 10 * 1024 * 1024;
/** Larger images are scaled down: 4096 px is far beyond what a 1080x1920 ad can show. */
const MAX_IMAGE_SIDE = 4096;
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

/**
 * A logo or perfume photo: PNG, JPG or WebP by its bytes (not its name), decodable, stored
 * as PNG (the seed's keys end in .png), turned upright by its EXIF orientation.
 */
export async function imageAsPng(bytes: Buffer, field: string): Promise<{ png: Buffer; width: number; height: number }> {
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !IMAGE_TYPES.includes(type.mime)) {
    throw badRequest(`"${field}" must be a PNG, JPG or WebP image${type ? ` (this is ${type.mime})` : ''}`, { field }, 'INVALID_FILE_TYPE');
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: PIXEL_LIMITS.brandImage })
      .rotate()
      .resize({ width: MAX_IMAGE_SIDE, height: MAX_IMAGE_SIDE, fit: 'inside', withoutEnlargement: true })
      .png({ compressionLevel: 6 })
      .toBuffer({ resolveWithObject: true });
    return { png: data, width: info.width, height: info.height };
  } catch (err) {
    if (exceedsPixelLimit(err)) {
      throw badRequest(`"${field}" has more than ${PIXEL_LIMITS.brandImage / 1_000_000} megapixels: scale it down (4096 px on the long side is plenty) and upload it again`, { field }, 'IMAGE_TOO_MANY_PIXELS');
    }
    throw badRequest(`${undecodableImageMessage(err, bytes, `"${field}"`)}: export it again and upload the new file`, { field }, 'INVALID_IMAGE');
  }
}

/** Brand guidelines: a PDF or DOCX by its bytes. */
export async function guidelinesType(bytes: Buffer): Promise<GuidelinesType> {
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !(type.mime in GUIDELINES_TYPES)) {
    throw badRequest(`"guidelines" must be a PDF or DOCX document${type ? ` (this is ${type.mime})` : ''}`, { field: 'guidelines' }, 'INVALID_FILE_TYPE');
  }
  return type.mime as GuidelinesType;
}
