import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import type { PlatformContext } from '../../../platform/context.js';
import { unprocessable } from '../../../platform/errors.js';
import { FfmpegError, probeMedia, runFfmpeg } from '../../../platform/media/ffmpeg.js';
import { makeDerivatives } from '../../../platform/storage/derivatives.js';
import { socialDb } from '../db.js';

/** Where in the video the poster frame is taken: past a fade-in from black, within short clips. */
const POSTER_AT_SECONDS = 1;

export type VideoPosterResult =
  | { skipped: 'media deleted' }
  | { durationSeconds: number; width: number | null; height: number | null; posterId: string | null };

/**
 * Read a library video once it is stored: its duration and picture size onto its media row
 * (the per-network rules and the library show them), and a frame of it as the library's
 * thumbnail (the platform's `thumb` and `full` derivatives of the video's stored object, so
 * they follow the video to the trash and away like an image's). FFmpeg needs to seek (an
 * MP4's index may sit at its end), so the video is copied to a temporary file first.
 */
export async function describeVideo(
  ctx: PlatformContext,
  orgId: string,
  mediaId: string,
  options: { signal?: AbortSignal; onStep?: (percent: number, message: string) => Promise<void> } = {},
): Promise<VideoPosterResult> {
  const scope = { orgId };
  const media = await findLibraryVideo(ctx, orgId, mediaId);
  if (!media) return { skipped: 'media deleted' };

  const dir = await mkdtemp(path.join(os.tmpdir(), 'tenantry-video-'));
  try {
    const videoFile = path.join(dir, 'video');
    await pipeline((await ctx.storage.driver.get(media.storage_key)).stream, createWriteStream(videoFile), { signal: options.signal });
    await options.onStep?.(40, 'reading the video');
    const info = await probeMedia(ctx.config.media, videoFile, options.signal).catch((err: unknown) => {
      throw unreadable(media.name, err);
    });

    let poster: { width: number; height: number; id: string } | null = null;
    if (info.width > 0) {
      const frameFile = path.join(dir, 'poster.png');
      const at = Math.min(POSTER_AT_SECONDS, info.durationSeconds / 2);
      // -ss before -i seeks by the index, no decoding of what comes before; FFmpeg turns the
      // frame upright by the video's rotation, so the poster (and its size) is as players show it.
      await runFfmpeg(ctx.config.media, ['-ss', at.toFixed(3), '-i', videoFile, '-frames:v', '1', '-an', frameFile], { signal: options.signal, label: `the poster frame of "${media.name}"` }).catch(
        (err: unknown) => {
          throw unreadable(media.name, err);
        },
      );
      const { width, height } = await sharp(frameFile).metadata();
      await options.onStep?.(70, 'making the thumbnail');
      const variants = await makeDerivatives(ctx, { orgId, objectId: media.storage_object_id, picture: async () => createReadStream(frameFile) });
      poster = { width: width!, height: height!, id: variants.thumb.id };
    }

    await socialDb.withTenant(ctx, scope, (tx) =>
      tx
        .updateTable('social_media_assets')
        .set({ duration_seconds: info.durationSeconds, width: poster?.width ?? null, height: poster?.height ?? null })
        .where('org_id', '=', orgId)
        .where('id', '=', mediaId)
        .execute(),
    );
    return { durationSeconds: info.durationSeconds, width: poster?.width ?? null, height: poster?.height ?? null, posterId: poster?.id ?? null };
  } catch (err) {
    // Deleted while it was being read (its bytes moved to the trash, its object no longer
    // active): there is nothing left to describe, which is not the job's failure.
    if (!(await findLibraryVideo(ctx, orgId, mediaId))) return { skipped: 'media deleted' };
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The library's video with its stored object, while both are live; undefined once deleted. */
function findLibraryVideo(ctx: PlatformContext, orgId: string, mediaId: string) {
  return socialDb.withTenant(ctx, { orgId }, (tx) =>
    tx
      .selectFrom('social_media_assets as m')
      .innerJoin('storage_objects as o', (j) => j.onRef('o.org_id', '=', 'm.org_id').onRef('o.id', '=', 'm.storage_object_id'))
      .select(['m.name', 'm.storage_object_id', 'o.storage_key'])
      .where('m.org_id', '=', orgId)
      .where('m.id', '=', mediaId)
      .where('m.media_type', '=', 'video')
      .where('m.deleted_at', 'is', null)
      .where('o.status', '=', 'active')
      .executeTakeFirst(),
  );
}

/** The bytes passed the type check (an MP4's signature) but FFmpeg cannot read the video in them. */
function unreadable(name: string, err: unknown) {
  if (!(err instanceof FfmpegError) || err.name === 'FfmpegNotFoundError') return err;
  return unprocessable(`The video "${name}" could not be read (${err.stderrTail.split('\n').pop() || 'FFmpeg failed'}): export it again as MP4 (H.264) and upload that`, 'VIDEO_UNREADABLE');
}
