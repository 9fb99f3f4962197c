import { readFile } from 'node:fs/promises';
import { visantDb } from '../db.js';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit } from '../../../platform/audit/audit.service.js';
import { CapturesService } from '../captures/captures.service.js';
import { prepareCapture } from '../captures/capture-image.js';
import { DEFAULT_DEVICE_CONFIG } from '../devices/device-config.js';
import { visantSettings } from '../config.js';
import { scanDatalake, type DatalakeDevice, type DatalakeProblem } from './datalake.js';

export interface ImportReport {
  dryRun: boolean;
  devices: Array<{ device_id: string; planned: number; already_present: number; imported: number; failed: number; in_database: number; created_device: boolean }>;
  problems: DatalakeProblem[];
  failures: Array<{ device_id: string; record_id: string; error: string }>;
  verified: boolean;
}

export interface ImportProgress {
  start(total: number): void;
  tick(label: string): void;
  stop(): void;
}

/**
 * Move a legacy filesystem datalake into an org: devices are created when missing (without
 * a key: register them again, or rotate from the dashboard, to give the camera one),
 * captures keep their legacy verdicts, those without one are queued for evaluation.
 * Safe to run twice: captures already present (same record_id) are skipped. At the end the
 * database is counted again per device and must hold every planned capture.
 */
export async function importDatalake(ctx: PlatformContext, root: string, orgId: string, options: { dryRun?: boolean; progress?: ImportProgress } = {}): Promise<ImportReport> {
  const db = visantDb.db(ctx);
  const org = await db.selectFrom('orgs').select(['id', 'name']).where('id', '=', orgId).executeTakeFirst();
  if (!org) throw new Error(`No organization with id ${orgId}: list them with GET /api/v1/admin/orgs`);
  const importer: Principal = { kind: 'api_key', orgId, userId: null, role: 'admin', isSuperadmin: false, scopes: ['visant:import'] };
  const { devices, problems } = await scanDatalake(root);
  const report: ImportReport = { dryRun: !!options.dryRun, devices: [], problems, failures: [], verified: false };
  const captures = new CapturesService(ctx, visantSettings.load(ctx.config));

  const plans = await Promise.all(devices.map(async (d) => ({ d, present: await presentRecordIds(ctx, orgId, d) })));
  const total = plans.reduce((n, p) => n + p.d.captures.length - p.present.size, 0);
  options.progress?.start(total);

  for (const { d, present } of plans) {
    const entry = { device_id: d.deviceId, planned: d.captures.length, already_present: present.size, imported: 0, failed: 0, in_database: present.size, created_device: false };
    report.devices.push(entry);
    if (options.dryRun) continue;
    const device = await ensureDevice(ctx, orgId, d, () => (entry.created_device = true));
    for (const c of d.captures) {
      if (present.has(c.recordId)) continue;
      try {
        const prepared = await prepareCapture(await readFile(c.imagePath));
        await captures.storeCapture(importer, device, { record_id: c.recordId, captured_at: c.capturedAt.toISOString(), trigger_label: c.triggerLabel, metadata: c.metadata }, prepared, { verdict: c.verdict });
        entry.imported++;
      } catch (err) {
        entry.failed++;
        report.failures.push({ device_id: d.deviceId, record_id: c.recordId, error: (err as Error).message });
      }
      options.progress?.tick(`${d.deviceId}/${c.recordId}`);
    }
  }
  options.progress?.stop();

  if (!options.dryRun) {
    for (const entry of report.devices) {
      const d = devices.find((x) => x.deviceId === entry.device_id)!;
      entry.in_database = (await presentRecordIds(ctx, orgId, d)).size;
    }
    report.verified = report.devices.every((e) => e.in_database === e.planned);
    await visantDb.withTenant(ctx, { orgId }, (tx) =>
      recordAudit(tx, 'system', { orgId, action: 'visant.datalake_imported', metadata: { root, devices: report.devices.length, imported: report.devices.reduce((n, e) => n + e.imported, 0), failed: report.failures.length } }),
    );
  }
  return report;
}

async function presentRecordIds(ctx: PlatformContext, orgId: string, d: DatalakeDevice): Promise<Set<string>> {
  if (!d.captures.length) return new Set();
  const rows = await visantDb.withTenant(ctx, { orgId }, (tx) =>
    tx
      .selectFrom('visant_captures as c')
      .innerJoin('visant_devices as v', 'v.id', 'c.device_uuid')
      .select('c.record_id')
      .where('c.org_id', '=', orgId)
      .where('v.device_id', '=', d.deviceId)
      .where('c.record_id', 'in', d.captures.map((c) => c.recordId))
      .execute(),
  );
  return new Set(rows.map((r) => r.record_id));
}

async function ensureDevice(ctx: PlatformContext, orgId: string, d: DatalakeDevice, onCreate: () => void) {
  return visantDb.withTenant(ctx, { orgId }, async (tx) => {
    const existing = await tx.selectFrom('visant_devices').select(['id', 'device_id']).where('org_id', '=', orgId).where('device_id', '=', d.deviceId).executeTakeFirst();
    if (existing) return existing;
    onCreate();
    return tx
      .insertInto('visant_devices')
      .values({
        org_id: orgId,
        device_id: d.deviceId,
        friendly_name: d.friendlyName ?? d.deviceId,
        config: JSON.stringify({ ...DEFAULT_DEVICE_CONFIG, normal_description: d.normalDescription ?? '' }),
      })
      .returning(['id', 'device_id'])
      .executeTakeFirstOrThrow();
  });
}
