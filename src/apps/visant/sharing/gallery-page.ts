import { escapeHtml } from '../../../platform/sharing/html.js';
import type { Gallery } from './gallery.js';
import { shareButtons } from './share-buttons.js';

const STATE_LABEL: Record<string, string> = { normal: 'Normal', abnormal: 'Abnormal', uncertain: 'Uncertain' };

/**
 * The public gallery (seed phase 3): thumbnails first (fast on phones), device name and
 * stats, each capture's AI classification, the "Get Visant" call to action and the
 * "Powered by Visant" mark, plain share links for the common networks, and a link to older
 * captures when there are more than one page holds. Everything from the database is escaped.
 */
export function renderGalleryPage(g: Gallery, options: { signupUrl: string; shareUrl: string; qrUrl: string; paged: boolean }): string {
  const e = escapeHtml;
  const share = shareButtons(options.shareUrl, `${g.device.name} · shared with Visant`)
    .map((b) => `<a href="${e(b.href)}" target="_blank" rel="noopener noreferrer">${e(b.network)}</a>`)
    .join('');
  const pager = [
    options.paged ? `<a href="${e(options.shareUrl)}">Newest captures</a>` : '',
    g.next_cursor ? `<a href="${e(`${options.shareUrl}?cursor=${encodeURIComponent(g.next_cursor)}`)}" rel="next">Older captures</a>` : '',
  ].filter(Boolean).join('');
  const cards = g.captures
    .map((c) => {
      const state = c.state ?? 'uncertain';
      const img = c.thumbnail_url
        ? `<a href="${e(c.image_url ?? c.thumbnail_url)}"><img src="${e(c.thumbnail_url)}" alt="Capture ${e(c.record_id)}" loading="lazy" width="320"></a>`
        : '<div class="noimg">No image</div>';
      return `<li class="card">${img}
  <div class="meta"><span class="badge ${e(state)}">${e(STATE_LABEL[state] ?? state)}${c.score != null ? ` · anomaly ${Math.round(c.score * 100)}%` : ''}</span>
  <time datetime="${e(c.captured_at.toISOString())}">${e(c.captured_at.toISOString().replace('T', ' ').slice(0, 16))} UTC</time></div>
  <p class="reason">${e(c.reason)}</p></li>`;
    })
    .join('\n');
  const scope = g.share_type === 'capture' ? 'One capture' : g.share_type === 'date_range' ? `From ${e(g.range.start)} to ${e(g.range.end)}` : 'Latest captures';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><title>${e(g.device.name)} · shared with Visant</title>
<style>
:root{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
body{margin:0;background:Canvas;color:CanvasText}
header,footer,main{max-width:64rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.2rem 0;word-break:break-word}
.sub{opacity:.75;margin:0}
.stats{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;margin:1rem 0}
.stats li{padding:.4rem .8rem;border-radius:1rem;background:rgba(127,127,127,.15)}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:1rem;list-style:none;padding:0}
.card{border-radius:.6rem;overflow:hidden;background:rgba(127,127,127,.08)}
.card img{width:100%;height:auto;display:block;aspect-ratio:4/3;object-fit:cover}
.noimg{aspect-ratio:4/3;display:grid;place-items:center;opacity:.6}
.meta{display:flex;justify-content:space-between;gap:.5rem;padding:.5rem .7rem 0;font-size:.9rem}
.reason{margin:.3rem .7rem .7rem;font-size:.9rem;word-break:break-word}
.badge{font-weight:600}.badge.normal{color:#116329}.badge.abnormal{color:#a40e26}.badge.uncertain{color:#7d4e00}
.cta{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:1rem;padding:1rem;border-radius:.6rem;background:rgba(9,105,218,.12);margin-top:1.5rem}
.pager,.share{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}
.pager a,.share a{padding:.4rem .8rem;border-radius:1rem;background:rgba(127,127,127,.15);color:inherit;text-decoration:none}
.cta a.button{padding:.6rem 1.1rem;border-radius:.4rem;background:#0969da;color:#fff;text-decoration:none;font-weight:600}
footer{opacity:.7;font-size:.85rem;display:flex;justify-content:space-between}
</style></head>
<body>
<header><p class="sub">Shared camera view</p><h1>${e(g.device.name)}</h1><p class="sub">${scope} · link expires ${e(g.expires_at.toISOString().slice(0, 10))}</p>
<ul class="stats"><li>${g.stats.captures} captures</li><li>${g.stats.normal} normal</li><li>${g.stats.abnormal} abnormal</li><li>${g.stats.uncertain} uncertain</li>${g.stats.last_capture_at ? `<li>last ${e(g.stats.last_capture_at.toISOString().replace('T', ' ').slice(0, 16))} UTC</li>` : ''}</ul></header>
<main>${g.captures.length ? `<ul class="grid">${cards}</ul>` : '<p>No evaluated captures to show yet.</p>'}
${pager ? `<nav class="pager" aria-label="Pages">${pager}</nav>` : ''}
<nav class="share" aria-label="Share this page"><span>Share:</span>${share}</nav>
<section class="cta"><div><strong>Get Visant for your cameras</strong><br>AI that tells you when something looks wrong, with links like this one to share.</div><a class="button" href="${e(options.signupUrl)}">Get Visant</a></section></main>
<footer><span>Powered by Visant</span><a href="${e(options.qrUrl)}">QR code</a></footer>
</body></html>`;
}
