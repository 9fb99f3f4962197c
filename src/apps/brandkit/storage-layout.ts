/**
 * Every Brandkit storage key, in one place. Keys are tenant-relative (the platform stores each
 * under "{org_id}/"). The seed's buckets become prefixes: brand-logos and brand-mockups keep
 * the seed's paths `{user_id}/{brand_id}/logos/{filename}` and `…/mockups/{filename}` under
 * "brandkit/"; product-images and product-masks are the catalog's areas, stored in the
 * superadmin's org (the catalog is platform-wide).
 */

export const UPLOAD_KINDS = {
  /** Logos, mockups and labels: raster images and SVG. */
  brandImage: 'brandkit.image',
  /** Catalog photos and masks. */
  productImage: 'brandkit.product-image',
} as const;

/** Everything of Brandkit lives under this prefix; the app owns it (read-only in the files API). */
export const BRANDKIT_PREFIX = 'brandkit/';

const safeName = (filename: string) => filename.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || 'file';

export const brandFilesPrefix = (userId: string, brandId: string) => `${BRANDKIT_PREFIX}${userId}/${brandId}/`;
/** The seed's brand-logos bucket: `{user_id}/{brand_id}/logos/{filename}`. */
export const logoKey = (userId: string, brandId: string, filename: string) => `${brandFilesPrefix(userId, brandId)}logos/${safeName(filename)}`;
/** The seed's brand-mockups bucket: `{user_id}/{brand_id}/mockups/{filename}`. */
export const mockupKey = (userId: string, brandId: string, filename: string) => `${brandFilesPrefix(userId, brandId)}mockups/${safeName(filename)}`;
/** Deliverables (brand guide PDF, kit ZIP) beside the logos and mockups. */
export const deliverableKey = (userId: string, brandId: string, filename: string) => `${brandFilesPrefix(userId, brandId)}deliverables/${safeName(filename)}`;

/** The seed's product-images and product-masks buckets. */
export const productImageKey = (productId: string, ext: string) => `${BRANDKIT_PREFIX}product-images/${productId}/image.${ext}`;
export const productMaskKey = (productId: string, ext: string) => `${BRANDKIT_PREFIX}product-masks/${productId}/mask.${ext}`;

/** Signed URLs of private files live this long. */
export const SIGNED_URL_TTL_SECONDS = 3600;
