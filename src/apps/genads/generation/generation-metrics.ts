import { sql } from 'kysely';
import type { AppMetric } from '../../../platform/http/app-metrics.js';
import type { PlatformContext } from '../../../platform/context.js';

/**
 * GenAds in /metrics: generation runs by outcome, the success rate, the time each stage takes
 * and what the runs cost. Read from genads_generation_runs at scrape time (through functions
 * that answer totals only, migration 003), so runs done by any worker process count.
 */
export function generationMetrics(ctx: PlatformContext): AppMetric[] {
  const totals = async () => {
    const { rows } = await sql<{ status: string; runs: string | number; cost: string | number }>`select status, runs, cost from genads_generation_totals()`.execute(ctx.database.db);
    return rows.map((r) => ({ status: r.status, runs: Number(r.runs), cost: Number(r.cost) }));
  };
  const stages = async () => {
    const { rows } = await sql<{ stage: string; runs: string | number; seconds: number }>`select stage, runs, seconds from genads_generation_stage_totals()`.execute(ctx.database.db);
    return rows.map((r) => ({ stage: r.stage, runs: Number(r.runs), seconds: Number(r.seconds) }));
  };
  return [
    {
      name: 'genads_generation_runs_total',
      help: 'GenAds generation runs (takes) ended, by outcome (completed, failed)',
      type: 'counter',
      labelNames: ['status'],
      collect: async () => (await totals()).filter((t) => t.status !== 'running').map((t) => ({ labels: { status: t.status }, value: t.runs })),
    },
    {
      name: 'genads_generation_runs_running',
      help: 'GenAds generation runs queued or in progress',
      type: 'gauge',
      collect: async () => [{ value: (await totals()).find((t) => t.status === 'running')?.runs ?? 0 }],
    },
    {
      name: 'genads_generation_success_ratio',
      help: 'Share of ended GenAds generation runs that completed (0-1); absent before any run ended',
      type: 'gauge',
      async collect() {
        const t = await totals();
        const completed = t.find((r) => r.status === 'completed')?.runs ?? 0;
        const failed = t.find((r) => r.status === 'failed')?.runs ?? 0;
        return completed + failed > 0 ? [{ value: completed / (completed + failed) }] : [];
      },
    },
    {
      name: 'genads_generation_cost_usd_total',
      help: 'USD spent on hosted models by GenAds generation runs, failed runs included',
      type: 'counter',
      collect: async () => [{ value: (await totals()).reduce((s, t) => s + t.cost, 0) }],
    },
    {
      name: 'genads_generation_stage_seconds_total',
      help: 'Seconds spent in each GenAds generation stage by ended runs (variations generated at once add up)',
      type: 'counter',
      labelNames: ['stage'],
      collect: async () => (await stages()).map((s) => ({ labels: { stage: s.stage }, value: s.seconds })),
    },
    {
      name: 'genads_generation_stage_runs_total',
      help: 'Ended GenAds generation runs that reached each stage (divide stage_seconds_total by it for the mean per run)',
      type: 'counter',
      labelNames: ['stage'],
      collect: async () => (await stages()).map((s) => ({ labels: { stage: s.stage }, value: s.runs })),
    },
  ];
}
