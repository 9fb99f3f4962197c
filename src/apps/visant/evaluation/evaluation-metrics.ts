import { sql } from 'kysely';
import { Histogram } from 'prom-client';
import type { PlatformContext } from '../../../platform/context.js';
import { processMetrics, type AppMetric } from '../../../platform/http/app-metrics.js';
import { visantDb } from '../db.js';

export interface EvaluationMetrics {
  /** Seconds from the evaluation being queued to its result being saved. */
  latency: Histogram<'evaluator' | 'state'>;
}

const created = new WeakMap<PlatformContext, EvaluationMetrics>();

/**
 * visant_evaluation_latency_seconds{evaluator,state}: queued → judged, observed by the process
 * that ran the evaluation (app-metrics.ts). Made once per platform context: the app's setup
 * calls this, and the evaluation job uses what it returns.
 */
export function evaluationMetrics(ctx: PlatformContext): EvaluationMetrics {
  const existing = created.get(ctx);
  if (existing) return existing;
  const metrics: EvaluationMetrics = {
    latency: new Histogram({
      name: 'visant_evaluation_latency_seconds',
      help: 'Time from a Visant evaluation being queued to its result being saved',
      labelNames: ['evaluator', 'state'],
      buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
      registers: [processMetrics(ctx)],
    }),
  };
  created.set(ctx, metrics);
  return metrics;
}

/**
 * visant_evaluation_queue_depth{status}: captures waiting (pending) or being judged
 * (processing), counted in the database when scraped, so it holds whichever process runs the
 * jobs (TenantryApp.metrics).
 */
export function evaluationQueueMetrics(ctx: PlatformContext): AppMetric[] {
  return [{
    name: 'visant_evaluation_queue_depth',
    help: 'Visant captures waiting for evaluation (pending) or being evaluated (processing), across all organizations',
    type: 'gauge',
    labelNames: ['status'],
    async collect() {
      const rows = await visantDb.withSystem(ctx, (tx) =>
        tx
          .selectFrom('visant_captures')
          .select(['evaluation_status', sql<number>`count(*)::int`.as('n')])
          .where('evaluation_status', 'in', ['pending', 'processing'])
          .groupBy('evaluation_status')
          .execute(),
      );
      return (['pending', 'processing'] as const).map((status) => ({ labels: { status }, value: Number(rows.find((r) => r.evaluation_status === status)?.n ?? 0) }));
    },
  }];
}
