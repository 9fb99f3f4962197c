import { sql } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { ResolvedShare } from '../../../platform/sharing/share-handler.js';
import { tenantStorageKey } from '../../../platform/storage/keys.js';
import { notFound } from '../../../platform/errors.js';
import { fetchCursorPage } from '../../../platform/db/cursor.js';
import type { VisantShareFilters } from './visant-shares.service.js';
import { visantDb } from '../db.js';
import { visitorReason } from './visitor-reason.js';

/** Public images live as long as a visitor needs to look at the page, not longer. */
const IMAGE_URL_TTL_SECONDS = 15 * 60;
/** Captures per gallery page; older ones are a cursor away (`?cursor=` with next_cursor). */
export const GALLERY_PAGE_SIZE = 60;

export interface Gallery {
  device: { device_id: string; name: string };
  share_type: VisantShareFilters['share_type'];
  range: { start: string | null; end: string | null };
  stats: { captures: number; normal: number; abnormal: number; uncertain: number; last_capture_at: Date | null };
  /** One page, newest first; `reason` is written for visitors (visitor-reason.ts), not the owner's. */
  captures: Array<{ record_id: string; captured_at: Date; state: string | null; score: number | null; reason: string; thumbnail_url: string | null; image_url: string | null }>;
  /** The next (older) page, or null on the last one. */
  next_cursor: string | null;
  expires_at: Date;
}

/**
 * What a Visant share link shows: only *completed* captures of the link's device, within its
 * scope (one capture, a date range, or the whole device), loaded in the link's own org.
 */
export async function loadGallery(ctx: PlatformContext, share: ResolvedShare, cursor?: string): Promise<Gallery> {
  const f = share.filters as unknown as VisantShareFilters;
  const data = await visantDb.withTenant(ctx, { orgId: share.orgId }, async (tx) => {
    const device = await tx.selectFrom('visant_devices').select(['id', 'device_id', 'friendly_name']).where('org_id', '=', share.orgId).where('id', '=', share.resourceId).executeTakeFirst();
    if (!device) throw notFound('Device');
    let scoped = tx.selectFrom('visant_captures').where('org_id', '=', share.orgId).where('device_uuid', '=', device.id).where('evaluation_status', '=', 'completed');
    if (f.share_type === 'capture') scoped = scoped.where('record_id', '=', f.capture_id ?? '');
    if (f.share_type === 'date_range') scoped = scoped.where('captured_at', '>=', new Date(f.start_date!)).where('captured_at', '<', new Date(f.end_date!));
    const stats = await scoped
      .select([
        sql<number>`count(*)::int`.as('captures'),
        sql<number>`(count(*) filter (where state = 'normal'))::int`.as('normal'),
        sql<number>`(count(*) filter (where state = 'abnormal'))::int`.as('abnormal'),
        sql<number>`(count(*) filter (where state = 'uncertain'))::int`.as('uncertain'),
        sql<Date | null>`max(captured_at)`.as('last_capture_at'),
      ])
      .executeTakeFirstOrThrow();
    const page = await fetchCursorPage(
      scoped.select(['id', 'record_id', 'captured_at', 'state', 'score', 'agent_details', 'image_key', 'thumbnail_key', 'image_stored', 'thumbnail_stored']),
      { time: 'captured_at', id: 'id' },
      { limit: GALLERY_PAGE_SIZE, cursor },
    );
    return { device, stats, rows: page.items, next_cursor: page.next_cursor };
  });
  const sign = (key: string | null, stored: boolean) =>
    key && stored ? ctx.storage.driver.presignGet(tenantStorageKey(share.orgId, key), { expiresInSeconds: IMAGE_URL_TTL_SECONDS, contentType: 'image/jpeg' }) : Promise.resolve(null);
  return {
    device: { device_id: data.device.device_id, name: data.device.friendly_name ?? data.device.device_id },
    share_type: f.share_type,
    range: { start: f.start_date ?? null, end: f.end_date ?? null },
    stats: data.stats,
    captures: await Promise.all(
      data.rows.map(async (r) => ({
        record_id: r.record_id,
        captured_at: r.captured_at,
        state: r.state,
        score: r.score,
        reason: visitorReason(r.state, r.agent_details),
        thumbnail_url: await sign(r.thumbnail_key, r.thumbnail_stored),
        image_url: await sign(r.image_key, r.image_stored),
      })),
    ),
    next_cursor: data.next_cursor,
    expires_at: share.expiresAt,
  };
}
