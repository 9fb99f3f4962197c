import type { ProductAngle } from '../pipeline/types.js';

/**
 * The seed's get_perfume_image(perfume, angle): the photo of the wanted angle when the perfume
 * has one, otherwise the front photo, which every perfume has (it is required at creation).
 */
export const PRODUCT_ANGLES: readonly ProductAngle[] = ['front', 'back', 'top', 'left', 'right'];

/** `available`: the angles the perfume has a photo for. Throws when even the front one is missing, since that is a broken perfume record. */
export function chooseAngle(available: Iterable<ProductAngle>, wanted: ProductAngle): ProductAngle {
  const angles = new Set(available);
  if (angles.has(wanted)) return wanted;
  if (!angles.has('front')) throw new Error(`the perfume has no front image (has: ${[...angles].join(', ') || 'none'}); front is required`);
  return 'front';
}

/**
 * The same over a perfume's image references (URLs, storage keys, rows): null or undefined means
 * "no photo for this angle". Returns the reference to use and which angle it is.
 */
export function imageForAngle<T>(images: { front: T } & Partial<Record<Exclude<ProductAngle, 'front'>, T | null>>, wanted: ProductAngle): { angle: ProductAngle; image: T } {
  const available = PRODUCT_ANGLES.filter((a) => images[a] !== null && images[a] !== undefined);
  const angle = chooseAngle(available, wanted);
  return { angle, image: images[angle] as T };
}
