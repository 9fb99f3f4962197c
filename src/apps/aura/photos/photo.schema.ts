import { z } from 'zod';
import { pageSchema } from '../../../platform/db/page.js';
import { PHOTO_SOURCE_TYPES } from '../schema.js';

export const photoView = z.object({
  id: z.string(),
  event_id: z.string().nullable(),
  path: z.string().describe('The stored file name inside its folder'),
  full_path: z.string().describe('The original\'s storage key: photos/{org_slug}/{year}/{event_or_folder}/originals/NAME'),
  full_key: z.string().nullable().describe('The 2000 px WebP'),
  thumb_key: z.string().nullable().describe('The 400 px WebP'),
  original_name: z.string(),
  content_type: z.string(),
  size_bytes: z.number(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  content_hash: z.string(),
  source_type: z.enum(PHOTO_SOURCE_TYPES),
  photo_date: z.date().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  created_by: z.string().nullable(),
  created_at: z.date(),
  updated_at: z.date(),
  trashed_at: z.date().nullable().describe('set while the photo is in the trash'),
  kept_permanently: z.boolean().describe('an event_temp photo an admin kept for good'),
  urls: z.object({ thumb: z.string(), full: z.string(), original: z.string() }),
});
export const photoPage = pageSchema(photoView);

export const uploadOutcome = z.object({
  file: z.string().describe('The uploaded file\'s name'),
  status: z.enum(['stored', 'duplicate', 'failed']).describe('"duplicate": the same bytes are already a photo of this studio, which is answered'),
  photo: photoView.optional(),
  error: z.object({ status: z.number().int(), code: z.string(), message: z.string() }).optional(),
});
export const uploadResult = z.object({
  stored: z.number().int(),
  duplicates: z.number().int(),
  failed: z.number().int(),
  files: z.array(uploadOutcome),
});

export const uploadFields = z.strictObject({
  event_id: z.uuid({ message: 'must be a UUID' }).optional(),
  source_type: z.enum(PHOTO_SOURCE_TYPES).default('cloud'),
});

export const photoListQuery = z.strictObject({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  event_id: z.uuid({ message: 'must be a UUID' }).optional(),
  source_type: z.enum(PHOTO_SOURCE_TYPES).optional(),
});

export const updatePhotoBody = z.strictObject({
  event_id: z.uuid({ message: 'must be a UUID' }).nullable().optional().describe('The event the photo belongs to; its files keep their paths'),
  source_type: z.enum(PHOTO_SOURCE_TYPES).optional(),
  photo_date: z.iso.datetime({ offset: true }).nullable().optional(),
  metadata: z
    .record(z.string().max(64), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]))
    .refine((m) => Object.keys(m).length <= 50, 'at most 50 entries')
    .refine((m) => !('exif' in m), '"exif" is read from the photo\'s file and cannot be set')
    .optional()
    .describe('Replaces the photo\'s metadata, except `exif` (read from the file at upload), which stays'),
});
