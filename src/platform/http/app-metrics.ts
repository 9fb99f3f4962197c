import { Registry } from 'prom-client';
import type { PlatformContext } from '../context.js';

const registries = new WeakMap<PlatformContext, Registry>();

/**
 * The Prometheus registry apps add their own metrics to; /metrics (metrics.ts) serves them
 * beside the platform's. Create metrics once, in the app's `setup(ctx)`, with
 * `registers: [appMetrics(ctx)]` and names starting with the app's name (`visant_…`):
 * counters and histograms observed where the work happens, or gauges whose `collect()`
 * reads the database when scraped (then they hold across processes).
 * One registry per platform context, so two platforms in one process (tests) stay apart.
 * Observations are per process: a job's histogram fills in the process that runs the job,
 * which is the API process with WORKERS=inline (the default).
 */
export function appMetrics(ctx: PlatformContext): Registry {
  let registry = registries.get(ctx);
  if (!registry) {
    registry = new Registry();
    registries.set(ctx, registry);
  }
  return registry;
}
