import type { FastifyInstance } from 'fastify';
import FindMyWay from 'find-my-way';

type Method = FindMyWay.HTTPMethod;

/**
 * Which methods a path answers to, so that a request with the wrong method on a known path
 * gets 405 with `Allow` instead of a 404 that makes the caller doubt the URL. Fastify's
 * router answers "not found" for both cases and keeps no public way to look a URL up under
 * another method, so the routes are mirrored, as they are registered, into a router of the
 * same kind (find-my-way, Fastify's own) with the same options.
 *
 * Must be installed before the routes are registered (onRoute only sees later routes).
 */
export function trackRouteMethods(app: FastifyInstance, routerOptions: { maxParamLength?: number } = {}) {
  const router = FindMyWay({ maxParamLength: routerOptions.maxParamLength });
  const seen = new Set<string>();
  const methods = new Set<Method>();
  app.addHook('onRoute', (route) => {
    // A catch-all (the web app's static files, `/*`) matches every path: it says nothing about
    // which paths exist, and would turn every unknown POST into a 405.
    if (route.url.endsWith('*')) return;
    for (const method of [route.method].flat() as Method[]) {
      // CORS answers OPTIONS on every path: it says nothing about which paths exist.
      if (method === 'OPTIONS') continue;
      // The same method and path can be registered under different constraints (host, version).
      const key = `${method} ${route.url}`;
      if (seen.has(key)) continue;
      seen.add(key);
      methods.add(method);
      router.on(method, route.url, () => undefined);
    }
  });

  /** The methods with a route for this path (without query string), in a stable order; empty for an unknown path. */
  return function allowedMethods(path: string): string[] {
    return [...methods].filter((m) => router.find(m, path) !== null).sort();
  };
}
