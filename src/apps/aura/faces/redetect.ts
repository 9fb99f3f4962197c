import type { PlatformContext } from '../../../platform/context.js';
import { notFound } from '../../../platform/errors.js';
import { auraDb } from '../db.js';
import { detectFacesJob } from './detect-faces.job.js';

/**
 * `tenantry aura faces redetect`: queue face detection again for photos that have their
 * 2000 px variant, in one org (by slug) or all, optionally one event. The job replaces a
 * photo's faces, so queuing a photo twice costs time, never correctness.
 */
export async function redetectFaces(
  ctx: PlatformContext,
  filter: { orgSlug?: string; eventId?: string },
  onQueued?: (done: number, total: number) => void,
): Promise<{ queued: number }> {
  const db = auraDb.db(ctx);
  let orgId: string | undefined;
  if (filter.orgSlug) {
    const org = await db.selectFrom('orgs').select('id').where('slug', '=', filter.orgSlug).executeTakeFirst();
    if (!org) throw notFound('Organization', 'NOT_FOUND', `No organization has the slug "${filter.orgSlug}": check it with \`tenantry admin\``);
    orgId = org.id;
  }
  let query = db.selectFrom('aura_photos').select(['id', 'org_id']).where('full_key', 'is not', null).orderBy('org_id').orderBy('id');
  if (orgId) query = query.where('org_id', '=', orgId);
  if (filter.eventId) query = query.where('event_id', '=', filter.eventId);
  const photos = await query.execute();
  onQueued?.(0, photos.length);
  let queued = 0;
  for (const photo of photos) {
    await ctx.jobs.enqueue(detectFacesJob, { orgId: photo.org_id, photoId: photo.id });
    queued++;
    onQueued?.(queued, photos.length);
  }
  return { queued };
}
