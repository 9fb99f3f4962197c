import { visantDb } from '../db.js';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { notFound, unprocessable } from '../../../platform/errors.js';
import type { RequestMeta } from '../../../platform/audit/audit.service.js';
import { mapPage } from '../../../platform/db/page.js';

export interface CreateVisantShare {
  share_type: 'device' | 'capture' | 'date_range';
  capture_id?: string;
  start_date?: string;
  end_date?: string;
  expires_in_days: number;
  max_views?: number;
  password?: string;
  title?: string;
}

/** The scope a Visant link shows, kept in the platform link's filters. */
export interface VisantShareFilters {
  share_type: 'device' | 'capture' | 'date_range';
  capture_id?: string;
  start_date?: string;
  end_date?: string;
}

/**
 * Visant's share links (seed phase 3) on top of the platform's share service: a link shows
 * one device's completed captures, one capture, or a date range of them.
 */
export class VisantSharesService {
  constructor(private readonly ctx: PlatformContext) {}

  async create(p: Principal, deviceId: string, input: CreateVisantShare, baseUrl: string, meta: RequestMeta) {
    const device = await visantDb.withTenant(this.ctx, p, async (tx) => {
      const d = await tx.selectFrom('visant_devices').select(['id', 'device_id', 'friendly_name']).where('org_id', '=', p.orgId).where('device_id', '=', deviceId).executeTakeFirst();
      if (!d) throw notFound('Device');
      if (input.share_type === 'capture') {
        if (!input.capture_id) throw unprocessable('share_type "capture" needs capture_id', 'CAPTURE_ID_REQUIRED');
        const c = await tx.selectFrom('visant_captures').select('id').where('org_id', '=', p.orgId).where('device_uuid', '=', d.id).where('record_id', '=', input.capture_id).executeTakeFirst();
        if (!c) throw notFound('Capture');
      }
      if (input.share_type === 'date_range') {
        if (!input.start_date || !input.end_date) throw unprocessable('share_type "date_range" needs start_date and end_date', 'DATE_RANGE_REQUIRED');
        if (new Date(input.start_date) >= new Date(input.end_date)) throw unprocessable('start_date must be before end_date', 'INVALID_RANGE');
      }
      return d;
    });
    const filters: VisantShareFilters = {
      share_type: input.share_type,
      ...(input.share_type === 'capture' ? { capture_id: input.capture_id } : {}),
      ...(input.share_type === 'date_range' ? { start_date: input.start_date, end_date: input.end_date } : {}),
    };
    const created = await this.ctx.shares.create(
      p,
      {
        app: 'visant',
        resourceType: 'device',
        resourceId: device.id,
        filters: { ...filters },
        title: input.title ?? device.friendly_name ?? device.device_id,
        expiresInDays: input.expires_in_days,
        maxViews: input.max_views ?? null,
        password: input.password ?? null,
      },
      { baseUrl, meta },
    );
    return { ...this.shape(created.link, device.device_id), token: created.token, url: created.url, qr_url: `${created.url}/qr` };
  }

  async list(p: Principal, q: { page: number; limit: number; status?: 'active' | 'expired' | 'revoked' | 'exhausted' | 'all' }) {
    const links = await this.ctx.shares.list(p, { app: 'visant', page: q.page, limit: q.limit, status: q.status ?? 'all' });
    const ids = [...new Set(links.items.map((i) => i.resource_id))];
    const devices = ids.length
      ? await visantDb.withTenant(this.ctx, p, (tx) => tx.selectFrom('visant_devices').select(['id', 'device_id']).where('org_id', '=', p.orgId).where('id', 'in', ids).execute())
      : [];
    const byId = new Map(devices.map((d) => [d.id, d.device_id]));
    return mapPage(links, (i) => this.shape(i, byId.get(i.resource_id) ?? null));
  }

  async update(p: Principal, token: string, input: { expires_in_days?: number; max_views?: number | null; password?: string | null }, meta: RequestMeta) {
    const link = await this.ctx.shares.get(p, token);
    if (link.app !== 'visant') throw notFound('Share link');
    const updated = await this.ctx.shares.update(p, token, { expiresInDays: input.expires_in_days, maxViews: input.max_views, password: input.password }, meta);
    const device = await visantDb.withTenant(this.ctx, p, (tx) =>
      tx.selectFrom('visant_devices').select('device_id').where('org_id', '=', p.orgId).where('id', '=', updated.resource_id).executeTakeFirst(),
    );
    return this.shape(updated, device?.device_id ?? null);
  }

  async revoke(p: Principal, token: string, meta: RequestMeta) {
    const link = await this.ctx.shares.get(p, token);
    if (link.app !== 'visant') throw notFound('Share link');
    await this.ctx.shares.revoke(p, token, meta);
  }

  private shape(link: Awaited<ReturnType<PlatformContext['shares']['get']>>, deviceId: string | null) {
    const f = link.filters as unknown as VisantShareFilters;
    return {
      id: link.id,
      token_prefix: link.token_prefix,
      device_id: deviceId,
      share_type: f.share_type,
      capture_id: f.capture_id ?? null,
      start_date: f.start_date ?? null,
      end_date: f.end_date ?? null,
      title: link.title,
      has_password: link.has_password,
      expires_at: link.expires_at,
      max_views: link.max_views,
      view_count: link.view_count,
      last_viewed_at: link.last_viewed_at,
      status: link.status,
      created_at: link.created_at,
    };
  }
}
