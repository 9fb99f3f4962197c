import sharp from 'sharp';
import { undecodableImageMessage } from '../../../platform/storage/image-decoding.js';
import { ProductImageError } from './errors.js';

/**
 * Product photos as the cut-out code works on them: 8-bit RGBA pixels in memory, upright (EXIF
 * orientation applied), sRGB, and no larger than needed. The composited bottle is at most
 * about 1300 px tall in a 1080x1920 frame, and segmentation time grows with the pixel count,
 * so 1024 px on the long side keeps the cut-out fast without a visible loss.
 */
export const MAX_PRODUCT_SIDE = 1024;

/** Refuse decompression bombs before decoding: far beyond any real product photo (≈ 12k x 8k). */
const MAX_INPUT_PIXELS = 100_000_000;

export interface RgbaImage {
  /** width * height * 4 bytes, row-major, straight (not premultiplied) alpha. */
  data: Buffer;
  width: number;
  height: number;
}

export async function loadProductImage(bytes: Buffer, maxSide = MAX_PRODUCT_SIDE): Promise<RgbaImage> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS, autoOrient: true })
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`decoded to ${info.channels} channels`);
    return { data, width: info.width, height: info.height };
  } catch (err) {
    throw new ProductImageError(`${undecodableImageMessage(err, bytes, 'The product image')}: upload the perfume photo again as PNG, JPEG or WebP`, { cause: err });
  }
}

export function encodePng(image: RgbaImage): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } }).png({ compressionLevel: 6 }).toBuffer();
}

export function cropImage(image: RgbaImage, box: { left: number; top: number; width: number; height: number }): RgbaImage {
  const data = Buffer.alloc(box.width * box.height * 4);
  for (let y = 0; y < box.height; y++) {
    const from = ((box.top + y) * image.width + box.left) * 4;
    image.data.copy(data, y * box.width * 4, from, from + box.width * 4);
  }
  return { data, width: box.width, height: box.height };
}
