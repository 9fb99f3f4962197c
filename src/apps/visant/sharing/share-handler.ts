import type { ShareHandler } from '../../../platform/sharing/share-handler.js';
import { tooManyRequests } from '../../../platform/errors.js';
import { visantSettings } from '../config.js';
import { loadGallery } from './gallery.js';
import { renderGalleryPage } from './gallery-page.js';
import { publicGallery } from './share.schema.js';

/** How /s/{token} and /api/s/{token} show a Visant link; public views are rate limited per IP. */
export const visantShareHandler: ShareHandler = {
  async renderHtml(share, ctx, request) {
    const config = visantSettings.load(ctx.config);
    const wait = await ctx.rateLimiter.check(`visant-share:${request.ip}`, config.shareViewsPerMinute);
    if (wait) throw tooManyRequests(wait);
    return renderGalleryPage(await loadGallery(ctx, share), { signupUrl: config.signupUrl, qrUrl: share.qrUrl });
  },
  async renderJson(share, ctx, request) {
    const config = visantSettings.load(ctx.config);
    const wait = await ctx.rateLimiter.check(`visant-share:${request.ip}`, config.shareViewsPerMinute);
    if (wait) throw tooManyRequests(wait);
    const g = await loadGallery(ctx, share);
    return { ...g, view_count: share.viewCount, max_views: share.maxViews, powered_by: 'Visant', get_visant_url: config.signupUrl };
  },
  jsonSchema: publicGallery,
};
