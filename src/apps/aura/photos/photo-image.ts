import exifReader from 'exif-reader';
import { fileTypeFromBuffer } from 'file-type';
import sharp, { type Metadata } from 'sharp';
import { unprocessable, unsupportedMediaType } from '../../../platform/errors.js';
import { exceedsPixelLimit, PIXEL_LIMITS, tooManyPixels } from '../../../platform/parsing/pixel-limits.js';
import { undecodableImageMessage } from '../../../platform/storage/image-decoding.js';
import { FULL_MAX_PX, THUMB_MAX_PX } from '../storage-layout.js';

/** What sharp decodes here, by the bytes' type: the extension an original keeps. */
export const PHOTO_TYPES = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/tiff': 'tif', 'image/avif': 'avif', 'image/gif': 'gif' } as const;
export type PhotoType = keyof typeof PHOTO_TYPES;

const HEIC = /^image\/hei[cf]/;
/** file-type's names for camera RAW formats (CR2, CR3, NEF, ARW, ORF, RW2, RAF, DNG…). */
const RAW = /^image\/x-(canon|nikon|sony|olympus|panasonic|fujifilm|adobe-dng|pentax|samsung|sigma|leica|hasselblad|kodak|minolta|epson|raw)/;

export interface InspectedPhoto {
  contentType: PhotoType;
  extension: string;
  /** Upright size (EXIF orientation applied). */
  width: number;
  height: number;
  /** When the picture was taken, by its EXIF; null when it does not say. */
  photoDate: Date | null;
  /** A few EXIF facts worth searching by, never GPS (privacy: guests see these photos). */
  exif: Record<string, string | number>;
}

/**
 * Check that the bytes are a photo this server can decode and read what the catalog keeps.
 * The type comes from the bytes, never the name; HEIC and RAW are refused with what to do
 * (sharp here has no HEVC or RAW decoder).
 */
export async function inspectPhoto(bytes: Buffer): Promise<InspectedPhoto> {
  const type = await fileTypeFromBuffer(bytes);
  if (type && HEIC.test(type.mime)) {
    throw unsupportedMediaType('HEIC/HEIF photos cannot be decoded here: export them as JPEG (on an iPhone: Settings → Camera → Formats → Most Compatible) and upload again', 'HEIC_NOT_SUPPORTED');
  }
  if (type && (RAW.test(type.mime) || ['cr2', 'cr3', 'nef', 'arw', 'orf', 'rw2', 'raf', 'dng'].includes(type.ext))) {
    throw unsupportedMediaType(`Camera RAW files (${type.ext.toUpperCase()}) cannot be decoded here: export them as JPEG or TIFF and upload again`, 'RAW_NOT_SUPPORTED');
  }
  if (!type || !(type.mime in PHOTO_TYPES)) {
    throw unsupportedMediaType(`This file is not a photo${type ? ` (it is ${type.mime})` : ''}: upload JPEG, PNG, WebP, TIFF, AVIF or GIF images`, 'NOT_AN_IMAGE');
  }
  const contentType = type.mime as PhotoType;
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: PIXEL_LIMITS.storedPhoto }).metadata();
  } catch (err) {
    throw unreadable(err, bytes);
  }
  if (!meta.width || !meta.height) throw unprocessable('The photo has no size: export it again and upload the new file', 'IMAGE_UNREADABLE');
  if (meta.width * meta.height > PIXEL_LIMITS.storedPhoto) throw tooManyPixels('The photo', PIXEL_LIMITS.storedPhoto);
  // Orientations 5–8 turn the picture by 90°: the upright width is the stored height.
  const turned = (meta.orientation ?? 1) >= 5;
  const { photoDate, exif } = readExif(meta.exif);
  return {
    contentType,
    extension: PHOTO_TYPES[contentType],
    width: turned ? meta.height : meta.width,
    height: turned ? meta.width : meta.height,
    photoDate,
    exif,
  };
}

/** The seed's optimised variants: WebP, upright (EXIF orientation applied), no metadata kept. */
export async function makeVariants(bytes: Buffer): Promise<{ full: Buffer; thumb: Buffer }> {
  const resize = (px: number) =>
    sharp(bytes, { failOn: 'error', limitInputPixels: PIXEL_LIMITS.storedPhoto })
      .rotate()
      .resize({ width: px, height: px, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 82 })
      .toBuffer();
  try {
    const full = await resize(FULL_MAX_PX);
    const thumb = await resize(THUMB_MAX_PX);
    return { full, thumb };
  } catch (err) {
    throw unreadable(err, bytes);
  }
}

function unreadable(err: unknown, bytes: Buffer) {
  if (exceedsPixelLimit(err)) return tooManyPixels('The photo', PIXEL_LIMITS.storedPhoto);
  return unprocessable(`${undecodableImageMessage(err, bytes, 'The photo')}: export it again and upload the new file`, 'IMAGE_UNREADABLE');
}

/** EXIF's capture time and camera; a broken EXIF block is ignored (the photo is still a photo). */
function readExif(block: Buffer | undefined): { photoDate: Date | null; exif: Record<string, string | number> } {
  if (!block) return { photoDate: null, exif: {} };
  let tags: ReturnType<typeof exifReader>;
  try {
    tags = exifReader(block);
  } catch {
    return { photoDate: null, exif: {} };
  }
  const taken = tags.Photo?.DateTimeOriginal ?? tags.Photo?.DateTimeDigitized ?? tags.Image?.DateTime;
  const photoDate = taken instanceof Date && !Number.isNaN(taken.getTime()) ? taken : null;
  const exif: Record<string, string | number> = {};
  const text = (v: unknown) => (typeof v === 'string' ? v.replace(/\0+$/, '').trim().slice(0, 100) : undefined);
  const make = text(tags.Image?.Make);
  const model = text(tags.Image?.Model);
  if (make) exif.camera_make = make;
  if (model) exif.camera_model = model;
  if (typeof tags.Photo?.ISOSpeedRatings === 'number') exif.iso = tags.Photo.ISOSpeedRatings;
  if (typeof tags.Photo?.FNumber === 'number') exif.f_number = tags.Photo.FNumber;
  if (typeof tags.Photo?.ExposureTime === 'number') exif.exposure_time = tags.Photo.ExposureTime;
  if (typeof tags.Photo?.FocalLength === 'number') exif.focal_length = tags.Photo.FocalLength;
  return { photoDate, exif };
}
