import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ShareHandler } from '../../../platform/sharing/share-handler.js';
import { publicBaseUrl } from '../../../platform/sharing/share-url.js';
import { badRequest, tooManyRequests } from '../../../platform/errors.js';
import type { PlatformContext } from '../../../platform/context.js';
import { visantSettings } from '../config.js';
import { loadGallery } from './gallery.js';
import { renderGalleryPage } from './gallery-page.js';

const galleryQuery = z.object({ cursor: z.string().max(200).optional() });

/**
 * How /s/{token} and /api/s/{token} show a Visant link. Public views are rate limited per IP
 * in `admit`, before the platform counts the view, so a refused visit leaves the link's views
 * alone. Pages beyond the newest captures are reached with `?cursor=` (each page is a view).
 */
export const visantShareHandler: ShareHandler = {
  async admit(_link, ctx, request) {
    const config = visantSettings.load(ctx.config);
    const wait = await ctx.rateLimiter.check(`visant-share:${request.ip}`, config.shareViewsPerMinute);
    if (wait) throw tooManyRequests(wait, 'Too many gallery views from your address');
  },
  async renderHtml(share, ctx, request) {
    const cursor = cursorOf(request);
    const gallery = await loadGallery(ctx, share, cursor);
    return renderGalleryPage(gallery, { signupUrl: signupUrl(ctx, request), shareUrl: share.url, qrUrl: share.qrUrl, paged: cursor !== undefined });
  },
  async renderJson(share, ctx, request) {
    const g = await loadGallery(ctx, share, cursorOf(request));
    return { ...g, view_count: share.viewCount, max_views: share.maxViews, powered_by: 'Visant', get_visant_url: signupUrl(ctx, request) };
  },
};

function cursorOf(request: FastifyRequest): string | undefined {
  const parsed = galleryQuery.safeParse(request.query ?? {});
  if (!parsed.success) throw badRequest('Invalid cursor: follow the gallery\'s "Older captures" link, or open the link without ?cursor= for the newest captures', undefined, 'INVALID_CURSOR');
  return parsed.data.cursor;
}

/** VISANT_SIGNUP_URL when set, else this instance's own sign-up page. */
function signupUrl(ctx: PlatformContext, request: FastifyRequest): string {
  return visantSettings.load(ctx.config).signupUrl ?? `${publicBaseUrl(request, ctx.config)}/signup`;
}
