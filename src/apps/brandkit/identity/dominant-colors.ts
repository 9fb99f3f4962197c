import sharp from 'sharp';
import { rgbToHsl, toHex } from './color.js';
import { unprocessable, unsupportedMediaType } from '../../../platform/errors.js';

/**
 * The dominant colours of an image: downscaled to 64×64, pixels quantised to 4 bits per
 * channel, buckets counted, and the most frequent buckets that are far enough apart kept
 * (their mean colour, not the bucket's corner). Near-white and near-black pixels count less,
 * since they are usually background and outlines rather than the brand's colour.
 */
export interface DominantColor {
  hex: string;
  /** Share of the (weighted) pixels, 0…1. */
  share: number;
}

const IMAGE_TYPES = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif']);

export async function dominantColors(image: Buffer, count = 5): Promise<DominantColor[]> {
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(image, { limitInputPixels: 50_000_000 }).metadata();
  } catch {
    throw unsupportedMediaType('The file is not an image: send a PNG, JPEG or WebP', 'NOT_AN_IMAGE');
  }
  if (!meta.format || !IMAGE_TYPES.has(meta.format)) throw unsupportedMediaType(`A ${meta.format ?? 'unknown'} file is not an image we read: send a PNG, JPEG or WebP`, 'NOT_AN_IMAGE');
  let data: Buffer;
  try {
    data = await sharp(image, { limitInputPixels: 50_000_000 }).flatten({ background: '#ffffff' }).resize(64, 64, { fit: 'inside' }).removeAlpha().raw().toBuffer();
  } catch {
    throw unprocessable('The image could not be decoded: it may be truncated or corrupt', 'IMAGE_UNREADABLE');
  }
  const buckets = new Map<number, { n: number; r: number; g: number; b: number }>();
  let total = 0;
  for (let i = 0; i + 2 < data.length; i += 3) {
    const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
    const { s, l } = rgbToHsl({ r, g, b });
    const weight = l > 0.94 || l < 0.06 ? 0.15 : s < 0.12 ? 0.5 : 1;
    const key = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
    const bucket = buckets.get(key) ?? { n: 0, r: 0, g: 0, b: 0 };
    bucket.n += weight;
    bucket.r += r * weight;
    bucket.g += g * weight;
    bucket.b += b * weight;
    buckets.set(key, bucket);
    total += weight;
  }
  const ranked = [...buckets.values()].sort((a, b) => b.n - a.n).map((b) => ({ rgb: { r: b.r / b.n, g: b.g / b.n, b: b.b / b.n }, n: b.n }));
  const picked: Array<{ rgb: { r: number; g: number; b: number }; n: number }> = [];
  for (const c of ranked) {
    const near = picked.find((p) => Math.hypot(p.rgb.r - c.rgb.r, p.rgb.g - c.rgb.g, p.rgb.b - c.rgb.b) < 48);
    if (near) near.n += c.n;
    else picked.push({ ...c });
    if (picked.length >= count * 3) break;
  }
  return picked
    .sort((a, b) => b.n - a.n)
    .slice(0, count)
    .map((p) => ({ hex: toHex(p.rgb), share: Math.round((p.n / total) * 1000) / 1000 }));
}

/** The colour a palette should start from: the most dominant one with some saturation, else the first. */
export function baseColorOf(colors: DominantColor[]): string {
  const vivid = colors.find((c) => {
    const { r, g, b } = { r: parseInt(c.hex.slice(1, 3), 16), g: parseInt(c.hex.slice(3, 5), 16), b: parseInt(c.hex.slice(5, 7), 16) };
    const { s, l } = rgbToHsl({ r, g, b });
    return s >= 0.2 && l > 0.1 && l < 0.9;
  });
  return (vivid ?? colors[0]).hex;
}
