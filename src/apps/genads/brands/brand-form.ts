import { z } from 'zod';
import { multipartForm } from '../uploads/read-form.js';
import { MAX_GUIDELINES_BYTES, MAX_IMAGE_BYTES } from '../uploads/validate-files.js';

/** The brand's multipart forms (onboarding and update): brand_name, logo and guidelines. */

const brandName = z.string().trim().min(2, 'must be at least 2 characters').max(100, 'must be at most 100 characters');
const BRAND_FILES = {
  logo: { maxBytes: MAX_IMAGE_BYTES, description: 'The brand logo: PNG, JPEG or WebP' },
  guidelines: { maxBytes: MAX_GUIDELINES_BYTES, description: 'The brand guidelines: PDF or DOCX' },
};

/** POST /brands/onboard: every part required (the route answers MISSING_FILE for a missing file). */
export const onboardBrandForm = multipartForm(z.object({ brand_name: brandName.describe('2-100 characters, unique across all brands') }), BRAND_FILES);

/** PUT /brands/me: any of the parts. */
export const updateBrandForm = multipartForm(z.object({ brand_name: brandName.optional() }), BRAND_FILES);
