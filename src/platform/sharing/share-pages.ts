import { escapeHtml, renderPage } from './html.js';
import type { ResolvedShare } from './share-handler.js';

/** The platform's own public pages: a link without an app page, 404, the password form, errors. */

/** Served when the link's app registered no page of its own; the QR is same-origin (CSP allows only 'self'). */
export function genericSharePage(share: ResolvedShare): string {
  const heading = share.title ?? `Shared ${share.resourceType}`;
  const filters = Object.keys(share.filters).length
    ? `<dt>Filters</dt><dd><pre>${escapeHtml(JSON.stringify(share.filters, null, 2))}</pre></dd>`
    : '';
  const views = share.maxViews ? `${share.viewCount} of ${share.maxViews}` : String(share.viewCount);
  return renderPage({
    title: heading,
    bodyHtml: `<h1>${escapeHtml(heading)}</h1>
<dl>
  <dt>App</dt><dd>${escapeHtml(share.app)}</dd>
  <dt>Item</dt><dd>${escapeHtml(share.resourceType)} ${escapeHtml(share.resourceId)}</dd>
  ${filters}
  <dt>Views</dt><dd>${escapeHtml(views)}</dd>
  <dt>Available until</dt><dd><time datetime="${escapeHtml(share.expiresAt.toISOString())}">${escapeHtml(share.expiresAt.toUTCString())}</time></dd>
</dl>
<p><img class="qr" src="${escapeHtml(new URL(share.qrUrl).pathname)}?format=svg" alt="QR code of this page"></p>
<p class="muted">Shared with Tenantry.</p>`,
  });
}

export function shareNotFoundPage(): string {
  return renderPage({
    title: 'Link not available',
    bodyHtml: `<h1>This link is not available</h1>
<p>It may have expired, been revoked, or reached the number of views it allowed. Links can also be mistyped: check that you copied it whole.</p>
<p>Ask the person who shared it with you for a new link.</p>`,
  });
}

export function sharePasswordPage(options: { action: string; error?: string }): string {
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '';
  return renderPage({
    title: 'Password required',
    bodyHtml: `<h1>This link is protected</h1>
<p>Enter the password you were given to open it.</p>
${error}
<form method="post" action="${escapeHtml(options.action)}">
  <input type="password" name="password" autocomplete="current-password" required autofocus aria-label="Password" maxlength="256">
  <button type="submit">Open</button>
</form>`,
  });
}

export function shareErrorPage(title: string, message: string): string {
  return renderPage({ title, bodyHtml: `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>` });
}
