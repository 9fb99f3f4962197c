import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Config } from '../config/config.js';

const repositoryWebDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

/**
 * Paths that belong to the API, operations or public share pages: they never answer with the web app.
 * `/scan/<token>` itself is a page (Aura's guest scan); `/scan`, `/scan/` and anything deeper are not.
 */
const PLATFORM_NON_PAGE = [/^\/api(\/|$)/, /^\/s\//, /^\/scan\/?$/, /^\/scan\/[^/]*\//, /^\/docs(\/|$)/, /^\/openapi\.json$/, /^\/healthz$/, /^\/readyz$/, /^\/metrics$/];

/**
 * Decides whether an unmatched request is a browser asking for one of the web app's pages
 * (its router then draws the page from the URL) rather than a client asking for an API route
 * that does not exist, which keeps its JSON 404 envelope.
 */
export function isWebAppPage(request: Pick<FastifyRequest, 'method' | 'url' | 'headers'>, appPrefixes: readonly string[]): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (!String(request.headers.accept ?? '').includes('text/html')) return false;
  const pathname = request.url.split('?')[0];
  if (PLATFORM_NON_PAGE.some((re) => re.test(pathname))) return false;
  // An app's API lives under /<app>/api and /<app>/v1 (its seed's paths); its pages are the rest of /<app>/.
  return !appPrefixes.some((prefix) => pathname.startsWith(`${prefix}/api`) || pathname.startsWith(`${prefix}/v1`));
}

export interface WebApp {
  /** Answers the request with index.html when it is a page of the web app; false when it is not. */
  servePage(request: FastifyRequest, reply: FastifyReply): boolean;
}

/**
 * Serves the built web app (web/dist) at the root: its hashed assets with long caching, and
 * index.html for every page URL. Without a build, the API runs alone and `/` says how to build.
 */
export async function serveWebApp(app: FastifyInstance, config: Pick<Config, 'webDistDir'>, appPrefixes: readonly string[]): Promise<WebApp> {
  const root = config.webDistDir ?? repositoryWebDist;
  const built = existsSync(path.join(root, 'index.html'));
  if (!built) {
    app.log.warn({ root }, 'the web app is not built: run `npm run web:build` (npm start does it) to serve the UI');
    return { servePage: () => false };
  }
  await app.register(fastifyStatic, {
    root,
    // index.html is answered by servePage (no caching: it names the current assets); hashed assets cache for a year.
    index: false,
    wildcard: true,
    setHeaders(reply, file) {
      if (file.includes(`${path.sep}assets${path.sep}`)) void reply.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  const page = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  // The static handler answers a directory without an index with 403; the root is the app's home page.
  app.get('/', { schema: { hide: true } }, async (request, reply) => (isWebAppPage(request, appPrefixes) ? page(reply) : reply.callNotFound()));
  return {
    servePage(request, reply) {
      if (!isWebAppPage(request, appPrefixes)) return false;
      void page(reply);
      return true;
    },
  };
}
