import { Registry } from 'prom-client';
import type { PlatformContext } from '../context.js';

/**
 * What apps add to /metrics, in two kinds:
 *
 * - Figures read when scraped (`TenantryApp.metrics`, an `AppMetric` each): totals and current
 *   values read from the database by `collect`, so work done by any process (a separate worker,
 *   a restarted server) counts, whichever process answers the scrape. A collector that fails is
 *   reported and left out; the rest of the scrape still answers.
 * - Observations made where the work happens (`processMetrics(ctx)`): prom-client histograms
 *   and counters of this process, such as how long each job took. They cover the jobs this
 *   process ran, which is every job with WORKERS=inline (the default).
 *
 * Totals across tenants only: no org, user or record ids in labels (they would explode the
 * series and leak tenants). Names start with the app's name (`visant_…`).
 */
export interface AppMetric {
  /** Prometheus name, starting with the app's name and an underscore (e.g. "genads_generation_runs_total"). */
  name: string;
  help: string;
  /** counter: only ever goes up (totals); gauge: a current value (a ratio, a queue depth). */
  type: 'counter' | 'gauge';
  labelNames?: readonly string[];
  collect(): Promise<AppMetricSample[]>;
}

export interface AppMetricSample {
  labels?: Record<string, string>;
  value: number;
}

const METRIC_NAME = /^[a-z][a-z0-9_]*$/;

/** Refuses a metric another app could clash with: the name must be the app's own. */
export function assertAppMetricName(app: string, metric: AppMetric): void {
  if (!METRIC_NAME.test(metric.name) || !metric.name.startsWith(`${app}_`)) {
    throw new Error(`App ${app}: metric "${metric.name}" must be snake_case and start with "${app}_"`);
  }
}

const registries = new WeakMap<PlatformContext, Registry>();

/**
 * The registry of this process's observations. Create metrics once, in the app's
 * `setup(ctx)`, with `registers: [processMetrics(ctx)]`. One registry per platform context,
 * so two platforms in one process (tests) stay apart.
 */
export function processMetrics(ctx: PlatformContext): Registry {
  let registry = registries.get(ctx);
  if (!registry) {
    registry = new Registry();
    registries.set(ctx, registry);
  }
  return registry;
}
