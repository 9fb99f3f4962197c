import type { PlatformContext } from '../../../platform/context.js';
import { escapeHtml } from '../../../platform/sharing/html.js';
import { tenantStorageKey } from '../../../platform/storage/keys.js';
import type { EvaluationResult } from './evaluator.js';
import { DEFAULT_DEVICE_CONFIG, type DeviceConfigInput } from '../devices/device-config.js';
import { visantDb } from '../db.js';

/** The thumbnail link in an alert lasts as long as a signed URL may (S3 allows 7 days at most). */
export const ALERT_THUMBNAIL_TTL_SECONDS = 7 * 24 * 3600;

export interface AbnormalCapture {
  id: string;
  record_id: string;
  device_uuid: string;
  device_id: string;
  friendly_name: string | null;
  thumbnail_key: string | null;
  thumbnail_stored: boolean;
}

/**
 * Email the device's recipients about an abnormal capture, at most once per cooldown, with a
 * link to the capture in the web app (behind login, lasting) and to its thumbnail (a signed
 * URL, for a glance from the mailbox; it expires). The cooldown check and the record of this
 * notification happen in one transaction with the device row locked, so two workers judging
 * two captures at once send one email.
 */
export async function notifyAbnormal(ctx: PlatformContext, orgId: string, capture: AbnormalCapture, result: EvaluationResult): Promise<boolean> {
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
  const base = ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`;
  const captureUrl = `${base}/visant/captures/${encodeURIComponent(capture.record_id)}`;
  const thumbnailUrl = capture.thumbnail_key && capture.thumbnail_stored
    ? absolute(base, await ctx.storage.driver.presignGet(tenantStorageKey(orgId, capture.thumbnail_key), { expiresInSeconds: ALERT_THUMBNAIL_TTL_SECONDS, contentType: 'image/jpeg' }))
    : null;
  const name = capture.friendly_name ?? capture.device_id;
  const confidence = `${Math.round(result.score * 100)}%`;
  const text = [
    `${name} (${capture.device_id}) captured something abnormal.`,
    '',
    result.reason,
    `Confidence: ${confidence}`,
    '',
    `See the capture: ${captureUrl}`,
    ...(thumbnailUrl ? [`Thumbnail (link valid for 7 days): ${thumbnailUrl}`] : []),
  ].join('\n');
  const e = escapeHtml;
  const html = `<p>${e(name)} (${e(capture.device_id)}) captured something abnormal.</p>
<p>${e(result.reason)}<br>Confidence: ${e(confidence)}</p>
${thumbnailUrl ? `<p><a href="${e(captureUrl)}"><img src="${e(thumbnailUrl)}" alt="Capture ${e(capture.record_id)}" width="320"></a></p>` : ''}
<p><a href="${e(captureUrl)}">See the capture</a></p>`;
  for (const to of recipients) {
    await ctx.mailer.send({ to, subject: `Visant: something unusual on ${name}`, text, html });
  }
  return true;
}

/** The local storage driver signs paths when PUBLIC_URL is unset; a mail client needs a whole URL. */
function absolute(base: string, url: string): string {
  return url.startsWith('/') ? `${base}${url}` : url;
}
