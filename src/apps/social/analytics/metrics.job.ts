import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { socialSettings } from '../config.js';
import { sweepMetrics } from './collect-metrics.js';

/**
 * Every 15 minutes: each workspace's published posts whose metrics are due (cadence in
 * SOCIAL_METRICS_*) are read from their networks into the time series.
 */
export const metricsJob = defineJob({
  name: 'social.metrics',
  scope: 'system',
  schema: z.object({}),
  schedule: '*/15 * * * *',
  expireInSeconds: 30 * 60,
  handler: async (ctx, job) => {
    const report = await sweepMetrics(ctx, socialSettings.load(ctx.config).metrics, new Date(), {
      signal: job.signal,
      onProgress: (done, total) => job.reportProgress(Math.floor((done / Math.max(1, total)) * 100), `${done} of ${total} workspaces`),
    });
    return { workspaces: report.done.length, failed: report.failed.length };
  },
});
