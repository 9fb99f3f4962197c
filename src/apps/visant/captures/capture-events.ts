import type { PlatformContext } from '../../../platform/context.js';

/**
 * Live dashboard updates. Every capture event goes to `visant:captures` (all devices) and
 * to `visant:device:<device_id>` (a dashboard filtered by device subscribes to that one).
 */
export type CaptureEventType = 'visant.capture.created' | 'visant.capture.evaluated';

export async function publishCapture(ctx: PlatformContext, orgId: string, type: CaptureEventType, capture: { device_id: string; record_id: string } & Record<string, unknown>) {
  const payload = { type, capture };
  try {
    await Promise.all([
      ctx.events.publish(orgId, 'visant:captures', payload),
      ctx.events.publish(orgId, `visant:device:${capture.device_id}`, payload),
    ]);
  } catch (err) {
    // Live updates are best effort: a failed publish must not fail the upload or evaluation.
    ctx.log.warn({ err, orgId, type }, 'could not publish capture event');
  }
}
