import { AppError } from '../../../platform/errors.js';

/**
 * The perfume photo itself cannot be used (not an image, corrupt, too large): no extractor can
 * do better, so this is not a reason to fall back; it goes back to whoever uploaded the photo.
 * A 422 AppError, so an HTTP route that surfaces it shows the fix.
 */
export class ProductImageError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(422, 'PRODUCT_IMAGE_UNREADABLE', message);
    this.name = 'ProductImageError';
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** One extractor could not cut this photo out (busy backdrop, nothing found, model failure): another may. */
export class ProductExtractionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProductExtractionError';
  }
}
