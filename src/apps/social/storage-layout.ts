/**
 * Where Social keeps its files. Keys are tenant-relative: the platform stores each under
 * "{org_id}/", so the full key is "{org_id}/social/media/{asset_id}/{name}". This module is
 * the one place the path is spelled.
 */

export const UPLOAD_KINDS = { image: 'social.image', video: 'social.video' } as const;

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;
export const VIDEO_TYPES = ['video/mp4'] as const;

/** Every Social file lives under this prefix; the app owns it (read-only in the generic files API). */
export const SOCIAL_PREFIX = 'social/';

export function mediaKey(assetId: string, fileName: string): string {
  const safe = fileName.normalize('NFKC').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(-100) || 'file';
  return `${SOCIAL_PREFIX}media/${assetId}/${safe}`;
}
