import { buffer } from 'node:stream/consumers';
import { z } from 'zod';
import type { PlatformContext } from '../../../platform/context.js';
import type { QueryRunner } from '../../../platform/jobs/boss-db.js';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { tenantStorageKey } from '../../../platform/storage/keys.js';
import { recordUsage } from '../../../platform/usage/usage.service.js';
import { auraDb } from '../db.js';
import { faceSearchMode } from './face-vectors.js';
import { replacePhotoFaces } from './face-store.js';
import { faceEngineFor } from './face-engine-instance.js';
import { auraSettings } from '../config.js';
import { assignFaces, lockOrgPeople, peopleOfPhoto, refreshPeople } from '../people/clustering.js';

/**
 * Detect the faces of one photo in its 2000 px variant and replace the photo's face rows.
 * Idempotent: a rerun (retry, crash, `faces redetect`) deletes and writes the same rows.
 * A photo deleted meanwhile, or without its variant yet, is skipped.
 */
export const detectFacesJob = defineJob({
  name: 'aura.detect-faces',
  schema: z.object({ photoId: z.uuid() }),
  retryLimit: 2,
  retryDelaySeconds: 5,
  expireInSeconds: 300,
  async handler(ctx, job) {
    const scope = { orgId: job.orgId };
    const mode = await faceSearchMode(ctx);
    const photo = await auraDb.withTenant(ctx, scope, (tx) =>
      tx.selectFrom('aura_photos').select(['id', 'event_id', 'full_key']).where('org_id', '=', job.orgId).where('id', '=', job.data.photoId).executeTakeFirst(),
    );
    if (!photo) return { skipped: 'photo not found' };
    if (!photo.full_key) return { skipped: 'no 2000 px variant yet' };
    await job.reportProgress(10, 'reading photo');
    const { stream } = await ctx.storage.driver.get(tenantStorageKey(job.orgId, photo.full_key));
    const image = await buffer(stream);
    await job.reportProgress(30, 'detecting faces');
    const faces = await faceEngineFor(ctx.config).detect(image);
    await job.reportProgress(90, 'saving faces');
    const people = auraSettings.load(ctx.config).people;
    const clustered = await auraDb.withTenant(ctx, scope, async (tx) => {
      // Before any row lock: one clustering at a time per org (clustering.ts).
      await lockOrgPeople(tx, job.orgId);
      // The photo may have gone, or moved to another event, while we detected.
      const current = await tx.selectFrom('aura_photos').select('event_id').where('org_id', '=', job.orgId).where('id', '=', photo.id).forUpdate().executeTakeFirst();
      if (!current) return null;
      const before = await peopleOfPhoto(tx, job.orgId, photo.id);
      await replacePhotoFaces(tx, mode, { orgId: job.orgId, photoId: photo.id, eventId: current.event_id }, faces);
      // The old faces left their people; the new ones join the nearest (incremental clustering).
      await refreshPeople(tx, job.orgId, before);
      const result = await assignFaces(tx, job.orgId, people, { photoId: photo.id });
      await recordUsage(tx, { orgId: job.orgId, action: 'aura.face_detection', metadata: { photo_id: photo.id, faces: faces.length } });
      return result;
    });
    return { faces: faces.length, ...(clustered ? { new_people: clustered.created } : {}) };
  },
});

/**
 * Queue face detection for a photo inside the caller's transaction (the upload that made its
 * variant), so the job exists exactly when the photo does.
 */
export async function enqueueFaceDetection(ctx: PlatformContext, tx: QueryRunner, input: { orgId: string; photoId: string }): Promise<string> {
  return ctx.jobs.enqueue(detectFacesJob, { orgId: input.orgId, photoId: input.photoId }, { tx });
}
