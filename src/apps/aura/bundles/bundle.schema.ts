import { z } from 'zod';
import { uuid } from '../../../platform/http/schemas.js';
import { SHARE_PASSWORD_MIN_LENGTH } from '../../../platform/sharing/share-links.service.js';
import { MAX_BUNDLE_PHOTOS } from './bundles.service.js';

export const bundleName = z.string().trim().min(1, 'give the bundle a name').max(200);
export const photoIds = z.array(uuid).max(MAX_BUNDLE_PHOTOS);

export const createBundleBody = z.strictObject({ name: bundleName, photo_ids: photoIds.default([]) });
export const renameBundleBody = z.strictObject({ name: bundleName });
export const addPhotosBody = z.strictObject({ photo_ids: photoIds.min(1, 'name at least one photo') });
export const bundlePhotoParams = z.strictObject({ id: uuid, photoId: uuid });

export const shareBundleBody = z.strictObject({
  expires_in_days: z.number().int().min(1).max(365).default(7),
  max_views: z.number().int().min(1).max(1_000_000).optional().describe('Each page view and each ZIP download counts as one'),
  password: z.string().min(SHARE_PASSWORD_MIN_LENGTH, `must be at least ${SHARE_PASSWORD_MIN_LENGTH} characters`).max(200).optional(),
});

export const bundleSummary = z.object({
  id: z.string(),
  name: z.string(),
  created_by: z.string().nullable(),
  created_at: z.date(),
  updated_at: z.date(),
  photo_count: z.number().int(),
});

export const bundleDetail = bundleSummary.extend({
  photos: z.array(z.object({ id: z.string(), original_name: z.string(), path: z.string(), event_id: z.string().nullable(), size_bytes: z.number().int(), added_at: z.date() })),
});

export const createdBundleShare = z.object({
  id: z.string(),
  token: z.string().describe('Shown once'),
  url: z.string(),
  qr_url: z.string(),
  zip_url: z.string().describe('Download of the bundle as a ZIP (x-share-password header, or ?unlock= from the page, for a password link)'),
  expires_at: z.date(),
  max_views: z.number().int().nullable(),
  has_password: z.boolean(),
});

/** What /api/s/{token} answers for a bundle link. */
export const publicBundle = z.object({
  app: z.literal('aura'),
  bundle: z.object({ name: z.string(), photo_count: z.number().int() }),
  photos: z.array(z.object({ name: z.string(), thumb_url: z.string().nullable(), full_url: z.string().nullable() })),
  zip_url: z.string(),
  expires_at: z.date(),
  view_count: z.number().int(),
  max_views: z.number().int().nullable(),
});
