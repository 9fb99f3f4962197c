/**
 * Metrics an app adds to /metrics (TenantryApp.metrics). Each is read at scrape time by its
 * `collect`, typically from the database, so work done by any process (a separate worker, a
 * restarted server) counts, whichever process answers the scrape. Totals across tenants only:
 * no org, user or record ids in labels (they would explode the series and leak tenants).
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
