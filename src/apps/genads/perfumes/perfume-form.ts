import { z } from 'zod';
import { multipartForm } from '../uploads/read-form.js';
import { MAX_IMAGE_BYTES } from '../uploads/validate-files.js';
import { ANGLES, OPTIONAL_ANGLES } from './perfumes.service.js';

/** The perfume's multipart forms (create and update): name, gender and one image per angle. */

const perfumeName = z.string().trim().min(2, 'must be at least 2 characters').max(200, 'must be at most 200 characters');
export const perfumeGender = z.enum(['masculine', 'feminine', 'unisex']);
const IMAGE_FILES = Object.fromEntries(
  ANGLES.map((angle) => [`${angle}_image`, { maxBytes: MAX_IMAGE_BYTES, description: `The ${angle} photo of the bottle: PNG, JPEG or WebP${angle === 'front' ? ' (required to create a perfume)' : ''}` }]),
);

/** POST /perfumes: name and gender required; the route answers MISSING_FRONT_IMAGE without a front image. */
export const createPerfumeForm = multipartForm(z.object({ perfume_name: perfumeName.describe('2-200 characters, unique in the brand'), perfume_gender: perfumeGender }), IMAGE_FILES);

/** PUT /perfumes/:id: any field, any image (replacing the stored one), and optional angles to remove. */
export const updatePerfumeForm = multipartForm(
  z.object({
    perfume_name: perfumeName.optional(),
    perfume_gender: perfumeGender.optional(),
    remove_images: z
      .string()
      .optional()
      .describe('Comma-separated optional angles to remove: back,top,left,right')
      .transform((s, c) => {
        const list = (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
        const bad = list.find((a) => !(OPTIONAL_ANGLES as readonly string[]).includes(a));
        if (bad) c.addIssue({ code: 'custom', message: `"${bad}" cannot be removed: use back, top, left or right (the front image is required)` });
        return list as (typeof OPTIONAL_ANGLES)[number][];
      }),
  }),
  IMAGE_FILES,
);
