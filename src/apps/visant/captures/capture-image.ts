import sharp from 'sharp';
import { fileTypeFromBuffer } from 'file-type';
import { payloadTooLarge, unprocessable, unsupportedMediaType, badRequest } from '../../../platform/errors.js';
import { undecodableImageMessage } from '../../../platform/storage/image-decoding.js';
import { exceedsPixelLimit, PIXEL_LIMITS, tooManyPixels } from '../../../platform/parsing/pixel-limits.js';
import { fingerprint } from '../evaluation/fingerprint.js';

export const MAX_CAPTURE_BYTES = 10 * 1024 * 1024;
const ACCEPTED = new Set(['image/jpeg', 'image/png', 'image/webp']);
const THUMB_WIDTH = 320;

export interface PreparedCapture {
  /** The stored image: always JPEG, as the seed's storage layout names it (`{record_id}.jpeg`). */
  jpeg: Buffer;
  thumbnail: Buffer;
  fingerprint: Buffer;
  width: number;
  height: number;
  sourceType: string;
}

/** Decode the seed's `image_base64` strictly: invalid characters are an error, not silently dropped. */
export function decodeBase64Image(value: string): Buffer {
  const cleaned = value.replace(/^data:image\/[a-z+]+;base64,/i, '').replace(/\s+/g, '');
  if (!cleaned || cleaned.length % 4 === 1 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(cleaned)) {
    throw badRequest('image_base64 is not valid base64', undefined, 'INVALID_BASE64');
  }
  const bytes = Buffer.from(cleaned, cleaned.includes('-') || cleaned.includes('_') ? 'base64url' : 'base64');
  if (bytes.length > MAX_CAPTURE_BYTES) throw payloadTooLarge(`The image is larger than ${MAX_CAPTURE_BYTES / 1024 / 1024} MB`, 'IMAGE_TOO_LARGE');
  return bytes;
}

/**
 * Validate a camera image by its bytes (JPEG, PNG or WebP, checked by magic bytes and by
 * decoding it), and derive what the platform keeps: a JPEG, a thumbnail, and the fingerprint
 * the offline evaluator compares.
 */
export async function prepareCapture(bytes: Buffer): Promise<PreparedCapture> {
  if (bytes.length === 0) throw unprocessable('The image is empty', 'EMPTY_IMAGE');
  if (bytes.length > MAX_CAPTURE_BYTES) throw payloadTooLarge(`The image is larger than ${MAX_CAPTURE_BYTES / 1024 / 1024} MB`, 'IMAGE_TOO_LARGE');
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !ACCEPTED.has(type.mime)) {
    throw unsupportedMediaType(`Captures must be JPEG, PNG or WebP images${type ? ` (got ${type.mime})` : ''}`, 'UNSUPPORTED_IMAGE_TYPE');
  }
  try {
    const limitInputPixels = PIXEL_LIMITS.cameraFrame;
    const oriented = sharp(bytes, { failOn: 'error', limitInputPixels }).rotate();
    const jpeg = type.mime === 'image/jpeg' ? bytes : await oriented.clone().jpeg({ quality: 90, mozjpeg: true }).toBuffer();
    const [meta, thumbnail, fp] = await Promise.all([
      sharp(bytes, { limitInputPixels }).metadata(),
      oriented.clone().resize({ width: THUMB_WIDTH, withoutEnlargement: true }).jpeg({ quality: 75 }).toBuffer(),
      fingerprint(bytes, limitInputPixels),
    ]);
    return { jpeg, thumbnail, fingerprint: fp, width: meta.width ?? 0, height: meta.height ?? 0, sourceType: type.mime };
  } catch (err) {
    if (exceedsPixelLimit(err)) throw tooManyPixels('The image', PIXEL_LIMITS.cameraFrame);
    throw unprocessable(`${undecodableImageMessage(err, bytes)}: send the camera's original file again`, 'CORRUPT_IMAGE');
  }
}

/** Every Visant image lives under this prefix; the app owns it (read-only in the generic files API). */
export const DEVICES_PREFIX = 'devices/';

/**
 * Tenant-relative keys; the platform's storage puts every tenant object under "{org_id}/",
 * which gives the seed's layout `{org_id}/devices/{device_id}/captures/{YYYY}/{MM}/{DD}/{record_id}.jpeg`.
 */
export function captureKeys(deviceId: string, recordId: string, capturedAt: Date) {
  const y = capturedAt.getUTCFullYear();
  const m = String(capturedAt.getUTCMonth() + 1).padStart(2, '0');
  const d = String(capturedAt.getUTCDate()).padStart(2, '0');
  const base = `${DEVICES_PREFIX}${deviceId}/captures/${y}/${m}/${d}/${recordId}`;
  return { image: `${base}.jpeg`, thumbnail: `${base}_thumb.jpeg` };
}
