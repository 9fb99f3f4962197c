import type { FastifyRequest } from 'fastify';
import type { ShareHandler } from '../../../platform/sharing/share-handler.js';
import { escapeHtml, renderPage } from '../../../platform/sharing/html.js';
import { publicBaseUrl } from '../../../platform/sharing/share-url.js';
import type { PlatformContext } from '../../../platform/context.js';
import { loadSharedBundle } from './shared-bundle.js';
import { shareZipUrl } from './bundle-shares.service.js';
import { publicBundle } from './bundle.schema.js';

/**
 * How /s/{token} and /api/s/{token} show an Aura bundle link: the photos and a ZIP download.
 * The page's ZIP link carries the link's unlock proof (the one the platform's cookie holds),
 * because the cookie is scoped to /s/{token} and the download is served under /aura.
 */
export const auraShareHandler: ShareHandler = {
  async renderHtml(share, ctx, request) {
    const b = await loadSharedBundle(ctx, share);
    const zip = await zipLink(ctx, request);
    const tiles = b.photos
      .map((p) => (p.thumb_url ? `<a href="${escapeHtml(p.full_url ?? p.thumb_url)}"><img src="${escapeHtml(p.thumb_url)}" alt="${escapeHtml(p.name)}" loading="lazy" width="180"></a>` : `<span>${escapeHtml(p.name)}</span>`))
      .join('\n');
    return renderPage({
      title: b.bundle.name,
      bodyHtml: `<h1>${escapeHtml(b.bundle.name)}</h1>
<p>${b.bundle.photo_count} photo${b.bundle.photo_count === 1 ? '' : 's'}. <a class="button" href="${escapeHtml(zip)}" download>Download all (ZIP)</a></p>
<div class="photos">${tiles}</div>
<p><img class="qr" src="${escapeHtml(new URL(share.qrUrl).pathname)}?format=svg" alt="QR code of this page"></p>
<p class="muted">Available until <time datetime="${escapeHtml(share.expiresAt.toISOString())}">${escapeHtml(share.expiresAt.toUTCString())}</time>. Shared with Aura.</p>`,
    });
  },
  async renderJson(share, ctx, request) {
    const b = await loadSharedBundle(ctx, share);
    return { app: 'aura' as const, ...b, zip_url: await zipLink(ctx, request), expires_at: share.expiresAt, view_count: share.viewCount, max_views: share.maxViews };
  },
  jsonSchema: publicBundle,
};

async function zipLink(ctx: PlatformContext, request: FastifyRequest): Promise<string> {
  const token = (request.params as { token: string }).token;
  const url = shareZipUrl(publicBaseUrl(request, ctx.config), token);
  const unlock = await ctx.shares.unlockValue(token).catch(() => null);
  return unlock ? `${url}?unlock=${encodeURIComponent(unlock)}` : url;
}
