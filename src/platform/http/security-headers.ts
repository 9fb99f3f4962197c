import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import type { PlatformContext } from '../context.js';

/**
 * Helmet's security headers on every answer, pages and API alike (HSTS and CSP's
 * upgrade-insecure-requests are added only over HTTPS, by transport-security.ts).
 *
 * Helmet itself, built once. The Fastify wrapper (@fastify/helmet 13) calls `helmet(options)`
 * again for every request, re-parsing the whole CSP each time: about 4% of the server's CPU on
 * a busy list route (docs/benchmarks.md, `api`). The middleware writes on the raw response,
 * so replies that bypass Fastify's send (SSE, hijacked streams) carry the headers too.
 */
export function installSecurityHeaders(app: FastifyInstance, ctx: PlatformContext): void {
  const storage = storagePublicOrigins(ctx);
  const apply = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // The API docs UI needs inline styles and scripts of its own bundle.
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // Public pages show images through presigned URLs, which on S3 live on the bucket's host.
        imgSrc: ["'self'", 'data:', 'blob:', ...storage],
        // Videos play from the same presigned URLs; caption tracks are fetched with the session
        // and given to <track> as blob: URLs.
        mediaSrc: ["'self'", 'blob:', ...storage],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        // Added per request by transport-security.ts, only over HTTPS.
        upgradeInsecureRequests: null,
      },
    },
    frameguard: { action: 'deny' },
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', (request, reply, done) => {
    apply(request.raw, reply.raw, (err) => done(err as Error | undefined));
  });
}

/** Origins that serve presigned object URLs, for the CSP of pages that show stored images and videos. */
function storagePublicOrigins(ctx: PlatformContext): string[] {
  const s3 = ctx.config.storage;
  if (s3.driver !== 's3') return [];
  if (s3.s3.endpoint) return [new URL(s3.s3.endpoint).origin, ...(s3.s3.forcePathStyle ? [] : [`*.${new URL(s3.s3.endpoint).host}`])];
  return ['https://*.amazonaws.com'];
}
