import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import { Registry, collectDefaultMetrics, Histogram, Counter, Gauge } from 'prom-client';
import { unauthorized } from '../errors.js';
import { passwordWork } from '../auth/secrets.js';
import type { AppMetric } from './app-metrics.js';

export interface MetricsOptions {
  /** Off: no /metrics route and nothing collected (the default in production without a token). */
  enabled: boolean;
  /** When set, scrapers must send `Authorization: Bearer <token>`. */
  token: string | undefined;
  /** The apps' observations in this process (processMetrics(ctx)), merged in at each scrape. */
  observed?: Registry;
  /** The enabled apps' own metrics (TenantryApp.metrics), read at each scrape. */
  appMetrics?: AppMetric[];
  /** Where a failing app collector is reported; the scrape still answers with the rest. */
  onCollectError?: (metric: string, err: unknown) => void;
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
    // Merged per scrape: apps add their observations in setup(), after this plugin was registered.
    const parts = options.observed ? [registry, options.observed] : [registry];
    if (options.appMetrics?.length) parts.push(await collectAppMetrics(options.appMetrics, options.onCollectError));
    const all = Registry.merge(parts);
    reply.header('content-type', all.contentType);
    return all.metrics();
  });
}, { name: 'tenantry-metrics' });

/**
 * The apps' metrics as they are now, in a registry of their own made for this scrape: a metric
 * whose collector answers nothing (or fails: reported, the scrape goes on) is absent rather
 * than a misleading 0.
 */
async function collectAppMetrics(metrics: AppMetric[], onError: MetricsOptions['onCollectError']): Promise<Registry> {
  const registry = new Registry();
  const collected = await Promise.all(metrics.map((m) => m.collect().catch((err) => (onError?.(m.name, err), []))));
  metrics.forEach((metric, i) => {
    const samples = collected[i].filter((s) => Number.isFinite(s.value));
    if (samples.length === 0) return;
    const config = { name: metric.name, help: metric.help, labelNames: [...(metric.labelNames ?? [])], registers: [registry] };
    if (metric.type === 'gauge') {
      const gauge = new Gauge(config);
      for (const s of samples) gauge.set(s.labels ?? {}, s.value);
    } else {
      const counter = new Counter(config);
      for (const s of samples) counter.inc(s.labels ?? {}, Math.max(0, s.value));
    }
  });
  return registry;
}

/** Equal-length digests, so the comparison takes the same time whatever the guess. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
