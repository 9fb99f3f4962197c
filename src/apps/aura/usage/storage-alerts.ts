import { sql, type Transaction } from 'kysely';
import { z } from 'zod';
import type { PlatformContext } from '../../../platform/context.js';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { forEachOrg } from '../../../platform/jobs/for-each-org.js';
import { recordAudit } from '../../../platform/audit/audit.service.js';
import type { PlatformTables } from '../../../platform/db/schema.js';
import { auraDb } from '../db.js';
import type { AuraTables } from '../schema.js';
import { ensureAuraSettings } from '../settings/aura-settings.js';

/** The seed's overage alerts: at 80 % and at 100 % of the org's storage limit. */
export const ALERT_LEVELS = [80, 100] as const;
export type AlertLevel = 0 | (typeof ALERT_LEVELS)[number];

export function alertLevel(usedBytes: number, limitBytes: number): AlertLevel {
  if (limitBytes <= 0) return usedBytes > 0 ? 100 : 0;
  const pct = (usedBytes / limitBytes) * 100;
  return pct >= 100 ? 100 : pct >= 80 ? 80 : 0;
}

export interface StorageAlert {
  orgId: string;
  orgName: string;
  level: 80 | 100;
  usedBytes: number;
  limitBytes: number;
  /** The admins' (owners and admins, active) addresses. */
  to: string[];
}

/**
 * In the org's transaction: compare its storage with the last alert sent, remember the new
 * level, and say which alert to send (null: none). Upwards only once per crossing (straight
 * from under 80 % to over 100 % sends the 100 % alert alone); downwards the level follows
 * quietly, so crossing again alerts again. The settings row is locked, so two uploads
 * finishing together send one alert.
 */
export async function storageAlertStep(tx: Transaction<AuraTables>, orgId: string): Promise<StorageAlert | null> {
  await ensureAuraSettings(tx, orgId);
  const state = await tx.selectFrom('aura_settings').select('storage_alert_level').where('org_id', '=', orgId).forUpdate().executeTakeFirstOrThrow();
  const org = await tx.selectFrom('orgs').select(['name', 'storage_used_bytes', 'storage_limit_bytes']).where('id', '=', orgId).executeTakeFirstOrThrow();
  const used = Number(org.storage_used_bytes);
  const limit = Number(org.storage_limit_bytes);
  const level = alertLevel(used, limit);
  if (level === state.storage_alert_level) return null;
  await tx.updateTable('aura_settings').set({ storage_alert_level: level }).where('org_id', '=', orgId).execute();
  if (level < state.storage_alert_level || level === 0) return null;
  const admins = await tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('u.email')
    .where('m.org_id', '=', orgId)
    .where('m.role', 'in', ['owner', 'admin'])
    .where('u.status', '=', 'active')
    .orderBy('u.email')
    .execute();
  await recordAudit(tx as unknown as Transaction<PlatformTables>, 'system', { orgId, action: 'aura.storage.alert', metadata: { level, used_bytes: used, limit_bytes: limit, recipients: admins.length } });
  return { orgId, orgName: org.name, level, usedBytes: used, limitBytes: limit, to: admins.map((a) => a.email) };
}

const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(bytes < 1024 ** 3 ? 2 : 1)} GB`;

/**
 * Through the platform's mailer, whose outbox keeps every message (and retries SMTP). Sent
 * after the level was committed: a crash in between loses this one alert rather than
 * sending it twice on every retry.
 */
export async function sendStorageAlert(ctx: PlatformContext, alert: StorageAlert): Promise<void> {
  const base = ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`;
  const full = alert.level === 100;
  const subject = full ? `${alert.orgName} has used all of its storage` : `${alert.orgName} has used 80 % of its storage`;
  const text = [
    `${alert.orgName} uses ${gb(alert.usedBytes)} of its ${gb(alert.limitBytes)} storage limit (${alert.limitBytes > 0 ? Math.floor((alert.usedBytes / alert.limitBytes) * 100) : 100} %).`,
    '',
    full
      ? 'New uploads are refused until space is freed: photos in the trash still count until they are deleted for good.'
      : 'Uploads will be refused once the limit is reached.',
    `To free space, delete photos from the trash for good (${base}/aura/admin/trash); for more space, ask for a larger plan.`,
    `Storage used per day: ${base}/settings/usage`,
  ].join('\n');
  for (const to of alert.to) {
    await ctx.mailer.send({ to, subject, text }).catch((err: unknown) => ctx.log.error({ err, orgId: alert.orgId }, 'aura: could not send a storage alert'));
  }
}

/** After an upload: the org's check in a transaction of its own (never failing the upload). */
export async function checkStorageAlerts(ctx: PlatformContext, orgId: string): Promise<StorageAlert | null> {
  try {
    const alert = await auraDb.withTenant(ctx, { orgId }, (tx) => storageAlertStep(tx, orgId));
    if (alert) await sendStorageAlert(ctx, alert);
    return alert;
  } catch (err) {
    ctx.log.error({ err, orgId }, 'aura: storage alert check failed; the sweep will try again');
    return null;
  }
}

/**
 * The sweep catches what uploads do not see: space freed (trash emptied, another app's files
 * deleted) and space taken by the platform's other apps, which share the org's limit. Only
 * studios over 80 % or with an alert standing are visited, each on its own (forEachOrg).
 */
export async function sweepStorageAlerts(ctx: PlatformContext): Promise<{ alerts: number; failedOrgs: number }> {
  const orgIds = await auraDb.withSystem(ctx, async (tx) =>
    (
      await tx
        .selectFrom('orgs as o')
        .leftJoin('aura_settings as s', 's.org_id', 'o.id')
        .select('o.id')
        .where((eb) =>
          eb.or([
            // Studios only: orgs that use Aura (its settings or photos), not every org of the platform.
            eb.and([
              eb(sql`o.storage_used_bytes * 100`, '>=', sql`o.storage_limit_bytes * 80`),
              eb.or([eb('s.org_id', 'is not', null), eb.exists(eb.selectFrom('aura_photos as p').select('p.id').whereRef('p.org_id', '=', 'o.id'))]),
            ]),
            eb('s.storage_alert_level', '>', 0),
          ]),
        )
        .execute()
    ).map((r) => r.id),
  );
  let alerts = 0;
  const report = await forEachOrg(ctx, {
    name: 'aura.storage-alerts',
    db: auraDb.db(ctx),
    orgIds,
    run: (tx, orgId) => storageAlertStep(tx, orgId),
    afterCommit: async (alert) => {
      if (!alert) return;
      alerts++;
      await sendStorageAlert(ctx, alert);
    },
  });
  return { alerts, failedOrgs: report.failed.length };
}

export const auraStorageAlertsJob = defineJob({
  name: 'aura.storage-alerts',
  scope: 'system',
  schema: z.object({}),
  schedule: '*/10 * * * *',
  expireInSeconds: 600,
  retryLimit: 1,
  handler: async (ctx) => sweepStorageAlerts(ctx),
});
