import { buffer } from 'node:stream/consumers';
import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { tenantStorageKey } from '../../../platform/storage/keys.js';
import { recordUsage } from '../../../platform/usage/usage.service.js';
import { visantSettings } from '../config.js';
import { createEvaluator } from './create-evaluator.js';
import { fingerprint } from './fingerprint.js';
import { publishCapture } from '../captures/capture-events.js';
import { notifyAbnormal } from './notify-abnormal.js';
import { visantDb } from '../db.js';
import { evaluationMetrics } from './evaluation-metrics.js';

/** How many of the newest captures marked normal form a device's baseline. */
const BASELINE_SIZE = 20;
/** How many of the device's captures before this one the offline evaluator learns the scene from. */
const HISTORY_SIZE = 15;

/**
 * Cloud AI evaluation of one capture: pending → processing → completed (state, score,
 * reason) or, once retries are exhausted, failed. Idempotent: a completed capture is left
 * alone unless `force` asks for a fresh judgement; a crashed run is simply run again.
 */
export const evaluateCaptureJob = defineJob({
  name: 'visant.evaluate',
  schema: z.object({ captureId: z.uuid(), force: z.boolean().optional() }),
  retryLimit: 3,
  retryDelaySeconds: 2,
  expireInSeconds: 300,
  async handler(ctx, job) {
    const scope = { orgId: job.orgId };
    const capture = await visantDb.withTenant(ctx, scope, async (tx) => {
      const c = await tx
        .selectFrom('visant_captures as c')
        .innerJoin('visant_devices as d', 'd.id', 'c.device_uuid')
        .select(['c.id', 'c.record_id', 'c.device_uuid', 'c.captured_at', 'c.image_key', 'c.thumbnail_key', 'c.thumbnail_stored', 'c.image_stored', 'c.fingerprint', 'c.evaluation_status', 'd.device_id', 'd.friendly_name', 'd.config'])
        .where('c.org_id', '=', job.orgId)
        .where('c.id', '=', job.data.captureId)
        .executeTakeFirst();
      if (!c || !c.image_stored || !c.image_key) return null;
      if (c.evaluation_status === 'completed' && !job.data.force) return null;
      await tx.updateTable('visant_captures').set({ evaluation_status: 'processing', evaluation_attempts: job.attempt }).where('org_id', '=', job.orgId).where('id', '=', c.id).execute();
      return c;
    });
    if (!capture) return { skipped: true };
    await job.reportProgress(10, 'loading image');

    try {
      const config = visantSettings.load(ctx.config);
      const { stream } = await ctx.storage.driver.get(tenantStorageKey(job.orgId, capture.image_key!));
      const image = await buffer(stream);
      const fp = capture.fingerprint ?? (await fingerprint(image));
      const { baseline, history } = await visantDb.withTenant(ctx, scope, async (tx) => {
        const others = tx
          .selectFrom('visant_captures')
          .select('fingerprint')
          .where('org_id', '=', job.orgId)
          .where('device_uuid', '=', capture.device_uuid)
          .where('id', '!=', capture.id)
          .where('fingerprint', 'is not', null);
        return {
          baseline: await others.where('marked_normal', '=', true).orderBy('captured_at', 'desc').limit(BASELINE_SIZE).execute(),
          // Only captures taken before this one: judging an old capture again uses the scene as it was then.
          history: await others.where('captured_at', '<=', capture.captured_at).orderBy('captured_at', 'desc').orderBy('id', 'desc').limit(HISTORY_SIZE).execute(),
        };
      });
      await job.reportProgress(40, 'evaluating');
      const evaluator = createEvaluator(config);
      const result = await evaluator.evaluate({
        image,
        contentType: 'image/jpeg',
        fingerprint: fp,
        normalDescription: (capture.config as { normal_description?: string }).normal_description ?? '',
        baseline: baseline.map((b) => b.fingerprint!),
        history: history.map((h) => h.fingerprint!),
      });
      await job.reportProgress(90, 'saving result');
      const { saved, queuedAt } = await visantDb.withTenant(ctx, scope, async (tx) => {
        await tx
          .updateTable('visant_captures')
          .set({ evaluation_status: 'completed', state: result.state, score: result.score, reason: result.reason, agent_details: JSON.stringify(result.details), evaluated_at: new Date() })
          .where('org_id', '=', job.orgId)
          .where('id', '=', capture.id)
          .execute();
        await recordUsage(tx, { orgId: job.orgId, action: 'visant.evaluation', metadata: { evaluator: evaluator.name, device_id: capture.device_id } });
        // Queued at: when this job was enqueued (a re-evaluation counts from its own request).
        const run = await tx.selectFrom('job_runs').select('created_at').where('id', '=', job.id).executeTakeFirst();
        const row = await tx.selectFrom('visant_captures').select(['record_id', 'state', 'score', 'reason', 'evaluation_status', 'evaluated_at']).where('id', '=', capture.id).executeTakeFirstOrThrow();
        return { saved: row, queuedAt: run?.created_at ?? null };
      });
      if (queuedAt) evaluationMetrics(ctx).latency.observe({ evaluator: evaluator.name, state: result.state }, Math.max(0, Date.now() - queuedAt.getTime()) / 1000);
      await publishCapture(ctx, job.orgId, 'visant.capture.evaluated', { device_id: capture.device_id, ...saved });
      if (result.state === 'abnormal') await notifyAbnormal(ctx, job.orgId, capture, result);
      return { state: result.state, score: result.score };
    } catch (err) {
      const final = job.attempt >= job.maxAttempts;
      await visantDb.withTenant(ctx, scope, (tx) =>
        tx
          .updateTable('visant_captures')
          .set(final
            ? { evaluation_status: 'failed', reason: `Evaluation failed: ${(err as Error).message}`.slice(0, 1000), evaluated_at: new Date() }
            : { evaluation_status: 'pending' })
          .where('org_id', '=', job.orgId)
          .where('id', '=', capture.id)
          .execute(),
      );
      if (final) await publishCapture(ctx, job.orgId, 'visant.capture.evaluated', { device_id: capture.device_id, record_id: capture.record_id, evaluation_status: 'failed' });
      throw err;
    }
  },
});
