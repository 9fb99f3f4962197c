import { z } from 'zod';
import { pageQuery, uuid } from '../../../platform/http/schemas.js';

export const personParams = z.strictObject({ id: uuid });

export const peopleQuery = pageQuery.extend({
  include_hidden: z.enum(['true', 'false']).default('false').transform((v) => v === 'true').describe('also list the people an admin hid'),
});

const box = z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() });

export const personView = z.object({
  id: z.uuid(),
  name: z.string().nullable(),
  hidden: z.boolean(),
  face_count: z.number().int(),
  /** Photos (not in the trash) the person appears in. */
  photo_count: z.number().int(),
  cover: z.object({ face_id: z.uuid(), photo_id: z.uuid(), box, thumb_url: z.string().describe('the face cropped from the photo, WebP') }).nullable(),
  created_at: z.date(),
  updated_at: z.date(),
});

export const faceView = z.object({ id: z.uuid(), photo_id: z.uuid(), box, quality: z.number(), url: z.string().describe('the face cropped from the photo, WebP') });

/** A face found in one photo, placed on the picture and named by its person. */
export const photoFaceView = z.object({
  id: z.uuid(),
  box: box.describe('in pixels of the photo\'s 2000 px variant, where detection ran'),
  fraction: box.nullable().describe('the same box as fractions (0-1) of the upright picture, to draw it over any size of it; null when the photo\'s size is unknown'),
  person: z.object({ id: z.uuid(), name: z.string().nullable(), hidden: z.boolean() }).nullable().describe('null until the face is grouped into a person'),
  url: z.string().describe('the face cropped from the photo, WebP'),
});

export const updatePersonBody = z.strictObject({
  name: z.string().trim().min(1).max(200).nullable().optional().describe('null forgets the name (the person may then be rebuilt by a recluster)'),
  hidden: z.boolean().optional(),
  cover_face_id: uuid.nullable().optional().describe('one of the person\'s faces; null: their best one'),
});

export const mergeBody = z.strictObject({
  person_ids: z.array(uuid).min(1).max(100).describe('people merged into this one (their faces move, they go)'),
});

export const splitBody = z.strictObject({
  face_ids: z.array(uuid).min(1).max(1000).describe('faces of this person that are someone else: they become a new person'),
  name: z.string().trim().min(1).max(200).optional(),
});
