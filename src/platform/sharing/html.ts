/**
 * HTML for public pages. Everything a user wrote (titles, resource ids, filters, names)
 * goes through escapeHtml before it reaches a page, so markup in it is shown, never run.
 * Apps rendering their own share pages reuse these two helpers.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

export interface PageOptions {
  /** Plain text; escaped here. */
  title: string;
  /** Trusted HTML for the page body: escape user-written values before putting them in. */
  bodyHtml: string;
  /** Extra trusted markup for <head> (styles); optional. */
  headHtml?: string;
}

/** A complete, self-contained, mobile-friendly HTML document (inline styles only: CSP allows no others). */
export function renderPage(options: PageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(options.title)}</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; padding: 2rem 1rem; display: flex; justify-content: center; }
  main { max-width: 40rem; width: 100%; }
  h1 { font-size: 1.5rem; margin: 0 0 1rem; word-break: break-word; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; }
  dt { font-weight: 600; } dd { margin: 0; word-break: break-word; }
  pre { white-space: pre-wrap; word-break: break-word; padding: .75rem; border-radius: .5rem; background: rgba(127,127,127,.12); }
  form { display: flex; gap: .5rem; flex-wrap: wrap; }
  input[type=password] { flex: 1; min-width: 12rem; padding: .6rem; font-size: 1rem; }
  button { padding: .6rem 1.2rem; font-size: 1rem; cursor: pointer; }
  .error { color: #c0392b; }
  .muted { opacity: .7; font-size: .9rem; }
  img.qr { width: 10rem; height: 10rem; image-rendering: pixelated; }
</style>
${options.headHtml ?? ''}
</head>
<body><main>
${options.bodyHtml}
</main></body>
</html>
`;
}
