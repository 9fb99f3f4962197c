import type { PlatformContext } from '../../../platform/context.js';
import type { EvaluationResult } from './evaluator.js';
import { DEFAULT_DEVICE_CONFIG, type DeviceConfigInput } from '../devices/device-config.js';
import { visantDb } from '../db.js';

/**
 * Email the device's recipients about an abnormal capture, at most once per cooldown.
 * The cooldown check and the record of this notification happen in one transaction with
 * the device row locked, so two workers judging two captures at once send one email.
 */
export async function notifyAbnormal(
  ctx: PlatformContext,
  orgId: string,
  capture: { id: string; record_id: string; device_uuid: string; device_id: string; friendly_name: string | null },
  result: EvaluationResult,
): Promise<boolean> {
  const recipients = await visantDb.withTenant(ctx, { orgId }, async (tx) => {
    const device = await tx.selectFrom('visant_devices').select(['config']).where('org_id', '=', orgId).where('id', '=', capture.device_uuid).forUpdate().executeTakeFirst();
    const settings = { ...DEFAULT_DEVICE_CONFIG.notifications, ...((device?.config as DeviceConfigInput | undefined)?.notifications ?? {}) };
    if (!settings.email_recipients.length) return null;
    const last = await tx.selectFrom('visant_notifications').select('sent_at').where('org_id', '=', orgId).where('device_uuid', '=', capture.device_uuid).orderBy('sent_at', 'desc').limit(1).executeTakeFirst();
    if (last && Date.now() - last.sent_at.getTime() < settings.cooldown_minutes * 60_000) return null;
    await tx.insertInto('visant_notifications').values({ org_id: orgId, device_uuid: capture.device_uuid, capture_id: capture.id, recipients: settings.email_recipients }).execute();
    return settings.email_recipients;
  });
  if (!recipients) return false;
  const name = capture.friendly_name ?? capture.device_id;
  for (const to of recipients) {
    await ctx.mailer.send({
      to,
      subject: `Visant: something unusual on ${name}`,
      text: `${name} (${capture.device_id}) captured something abnormal.\n\n${result.reason}\nConfidence: ${Math.round(result.score * 100)}%\nCapture: ${capture.record_id}\n\nOpen your Visant dashboard to see the image.`,
    });
  }
  return true;
}
