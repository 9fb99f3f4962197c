import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import { Registry, collectDefaultMetrics, Histogram, Counter } from 'prom-client';
import { unauthorized } from '../errors.js';
import { passwordWork } from '../auth/secrets.js';
import { appMetrics } from './app-metrics.js';

export interface MetricsOptions {
  /** Off: no /metrics route and nothing collected (the default in production without a token). */
  enabled: boolean;
  /** When set, scrapers must send `Authorization: Bearer <token>`. */
  token: string | undefined;
}

/** Prometheus metrics at /metrics: process defaults, HTTP request counts and latency by route, and the apps' own (app-metrics.ts). */
export const metricsPlugin = fp<MetricsOptions>(async (app, options) => {
  if (!options.enabled) return;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const total = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });

  // argon2 is the one costly step anonymous callers can trigger (login, signup, invitations):
  // a rise here without logins to match is an attack on CPU.
  const passwordComputations = new Counter({ name: 'password_hash_computations_total', help: 'argon2 password hashes and checks', registers: [registry] });
  const countPasswordWork = () => passwordComputations.inc();
  passwordWork.subscribe(countPasswordWork);
  app.addHook('onClose', async () => {
    passwordWork.unsubscribe(countPasswordWork);
  });

  app.addHook('onResponse', async (request, reply) => {
    // Label by route pattern, never by raw URL, so ids do not explode the label set.
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    duration.observe(labels, reply.elapsedTime / 1000);
    total.inc(labels);
  });

  const expected = options.token === undefined ? undefined : digest(options.token);
  // skipAuth: the metrics token is not a platform credential, so the authenticator never sees it.
  app.get('/metrics', { schema: { hide: true }, config: { skipAuth: true } }, async (request, reply) => {
    if (expected) {
      const given = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
      if (!given || !timingSafeEqual(digest(given), expected)) {
        throw unauthorized('Metrics need "Authorization: Bearer <METRICS_TOKEN>"', 'INVALID_METRICS_TOKEN');
      }
    }
    // Merged per scrape: apps may add metrics in setup(), after this plugin was registered.
    const all = Registry.merge([registry, appMetrics(app.ctx)]);
    reply.header('content-type', all.contentType);
    return all.metrics();
  });
}, { name: 'tenantry-metrics' });

/** Equal-length digests, so the comparison takes the same time whatever the guess. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
