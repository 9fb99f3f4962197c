import { z } from 'zod';

export const tagList = z.array(z.string().trim().min(1).max(50)).max(50);

export const mediaView = z.object({
  id: z.string(),
  name: z.string(),
  mime_type: z.string(),
  media_type: z.enum(['image', 'video']),
  size_bytes: z.number().int(),
  width: z.number().int().nullable().describe('Pixels, as shown (a video upright by its rotation); a video is measured by a job after its upload, null until then'),
  height: z.number().int().nullable(),
  duration_seconds: z.number().nullable().describe('Length of a video in seconds, measured by a job after its upload; null for images'),
  tags: z.array(z.string()),
  alt_text: z.string().nullable(),
  uploaded_by: z.string().nullable(),
  created_at: z.date(),
  updated_at: z.date(),
  thumbnail_ready: z.boolean().describe('GET /media/{id}/thumbnail answers (a 400 px WebP of an image, or of a frame of a video, made by a job within moments of the upload)'),
});

export const mediaDetail = mediaView.extend({
  used_in: z.array(z.object({ post_id: z.string(), title: z.string().nullable(), status: z.string(), network: z.string() })).describe('Posts whose current version shows this file'),
});

export const mediaChanges = z
  .strictObject({ name: z.string().trim().min(1).max(255).optional(), tags: tagList.optional(), alt_text: z.string().max(1500).nullable().optional() })
  .refine((c) => Object.keys(c).length > 0, 'send at least one field to change');

/** The form fields that come before the file in an upload. */
export const uploadFields = z.strictObject({
  name: z.string().trim().min(1).max(255).optional(),
  tags: tagList.optional(),
  alt_text: z.string().max(1500).optional(),
});
