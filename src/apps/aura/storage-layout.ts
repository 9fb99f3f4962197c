/**
 * The seed's "Cloud Storage Path Convention", every key of Aura in one place. Keys are
 * tenant-relative: the platform stores each under "{org_id}/", so the full key on S3 is
 * "{org_id}/photos/{org_slug}/{year}/{event_or_folder}/originals/IMG_0001.jpg".
 */

export const PHOTOS_PREFIX = 'photos/';

/** Where photos without an event go (the seed's "folder" when there is no event). */
export const UNSORTED_FOLDER = 'unsorted';

export const folderPrefix = (orgSlug: string, year: number, folder: string) => `${PHOTOS_PREFIX}${orgSlug}/${year}/${folder}/`;
export const originalKey = (orgSlug: string, year: number, folder: string, name: string) => `${folderPrefix(orgSlug, year, folder)}originals/${name}`;

/** The optimised variants are WebP whatever the original was: IMG_0001.jpg → IMG_0001.webp. */
const webpName = (name: string) => `${name.replace(/\.[^./]*$/, '')}.webp`;
export const fullKey = (orgSlug: string, year: number, folder: string, name: string) => `${folderPrefix(orgSlug, year, folder)}optimized/full/${webpName(name)}`;
export const thumbKey = (orgSlug: string, year: number, folder: string, name: string) => `${folderPrefix(orgSlug, year, folder)}optimized/thumbs/${webpName(name)}`;

/** The seed's longest side of each variant, in pixels. */
export const FULL_MAX_PX = 2000;
export const THUMB_MAX_PX = 400;

// ---- Trash (seed "Deletion Handling": a deleted photo's objects move to the org's trash) -----
// The seed names the folder ".trash/", but the platform refuses key segments that start with
// "." (platform/storage/keys.ts: dot-segments are the local driver's own, e.g. ".incoming/"),
// so the cloud trash is "_trash/". A trashed object's key is its original key with
// "_trash/{photo_id}/" after the org's slug:
//   photos/{org_slug}/2026/wedding/originals/IMG_0001.jpg
//   photos/{org_slug}/_trash/{photo_id}/2026/wedding/originals/IMG_0001.jpg
// The photo id keeps two trashed photos of the same name apart; stripping the segment gives the
// original key back. No year (digits) or event folder (starts with a letter or digit) is "_trash".

export const TRASH_SEGMENT = '_trash';

export const trashPrefix = (orgSlug: string) => `${PHOTOS_PREFIX}${orgSlug}/${TRASH_SEGMENT}/`;

/** The key a photo's object moves to in trash; null for a key outside the org's photos (not ours to move). */
export function trashKeyFor(orgSlug: string, photoId: string, key: string): string | null {
  const base = `${PHOTOS_PREFIX}${orgSlug}/`;
  if (!key.startsWith(base) || key.startsWith(trashPrefix(orgSlug))) return null;
  return `${trashPrefix(orgSlug)}${photoId}/${key.slice(base.length)}`;
}

/** The original key of a trashed object's key (whatever slug the org had when it was trashed). */
export function keyFromTrash(trashKey: string): string | null {
  const m = /^photos\/([^/]+)\/_trash\/[0-9a-f-]{36}\/(.+)$/.exec(trashKey);
  return m ? `${PHOTOS_PREFIX}${m[1]}/${m[2]}` : null;
}

/**
 * The seed's "Conflict on restore: rename restored file with timestamp suffix":
 * IMG_0001.jpg restored at 2026-11-30 18:15:02 UTC becomes IMG_0001_20261130-181502.jpg.
 */
export function withTimestampSuffix(key: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const slash = key.lastIndexOf('/');
  const name = key.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const renamed = dot > 0 ? `${name.slice(0, dot)}_${stamp}${name.slice(dot)}` : `${name}_${stamp}`;
  return key.slice(0, slash + 1) + renamed;
}
