import type { Readable } from 'node:stream';
import type { PlatformContext } from '../../../platform/context.js';
import { unprocessable } from '../../../platform/errors.js';
import type { MediaStager, StagedMedia } from './media-stager.js';
import type { PostMedia } from './provider.js';

/** Long enough for Instagram or Facebook to fetch a large video; short enough to be useless once leaked. */
export const STAGED_URL_TTL_SECONDS = 60 * 60;

/**
 * The production stager: the media library object itself, behind a short-lived signed URL
 * (S3's presigned URL, or the platform's own signed-URL route on local disk, made absolute with
 * PUBLIC_URL). Nothing is copied, so nothing is left behind: releasing it only lets the URL
 * expire. On local disk the network must reach this server, so PUBLIC_URL is required.
 */
export function storageMediaStager(ctx: PlatformContext): MediaStager {
  return {
    async stage(media: PostMedia): Promise<StagedMedia> {
      if (!media.storageKey) throw new Error('Media a network fetches by URL must come from the media library (no storage key)');
      // The adapter hands the network a URL, so the opened stream is not read.
      if (typeof (media.data as Readable).destroy === 'function') (media.data as Readable).destroy();
      const signed = await ctx.storage.driver.presignGet(media.storageKey, { expiresInSeconds: STAGED_URL_TTL_SECONDS, contentType: media.contentType });
      return { url: publicUrl(ctx, signed), release: async () => {} };
    },
  };
}

function publicUrl(ctx: PlatformContext, signed: string): string {
  if (/^https?:\/\//i.test(signed)) return signed;
  if (!ctx.config.publicUrl) {
    throw unprocessable('Instagram and Facebook download media from this server: set PUBLIC_URL to the address the internet reaches it at, then publish again', 'SOCIAL_PUBLIC_URL_MISSING');
  }
  return new URL(signed, `${ctx.config.publicUrl}/`).toString();
}
