import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import type { RequestMeta } from '../../../platform/audit/audit.service.js';
import { auraDb } from '../db.js';
import { BundlesService } from './bundles.service.js';

export const BUNDLE_RESOURCE = 'bundle';

/** The public ZIP of a bundle link (bundles/share-zip.routes.ts). */
export const shareZipUrl = (baseUrl: string, token: string) => `${baseUrl}/aura/s/${encodeURIComponent(token)}/zip`;

/** A bundle's public link on the platform's share links (expiry, view limit, password). */
export class BundleSharesService {
  constructor(private readonly ctx: PlatformContext) {}

  async create(p: Principal, bundleId: string, input: { expires_in_days: number; max_views?: number; password?: string }, baseUrl: string, meta: RequestMeta) {
    const bundle = await auraDb.withTenant(this.ctx, p, (tx) => new BundlesService(this.ctx).bundleRow(tx, p.orgId, bundleId));
    const created = await this.ctx.shares.create(
      p,
      { app: 'aura', resourceType: BUNDLE_RESOURCE, resourceId: bundle.id, title: bundle.name, expiresInDays: input.expires_in_days, maxViews: input.max_views ?? null, password: input.password ?? null },
      { baseUrl, meta },
    );
    return {
      id: created.link.id,
      token: created.token,
      url: created.url,
      qr_url: `${created.url}/qr`,
      zip_url: shareZipUrl(baseUrl, created.token),
      expires_at: created.link.expires_at,
      max_views: created.link.max_views,
      has_password: created.link.has_password,
    };
  }
}
