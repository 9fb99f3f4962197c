import type { Kysely, Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import type { RequestMeta } from '../../../platform/audit/audit.service.js';
import { recordAudit } from '../../../platform/audit/audit.service.js';
import { auraDb } from '../db.js';
import { ensureAuraSettings } from '../settings/aura-settings.js';
import type { AuraTables } from '../schema.js';

/** The seed's 6C: "Retention Period: 30 days default, configurable per tenant". */
export const DEFAULT_TRASH_RETENTION_DAYS = 30;
export const MIN_TRASH_RETENTION_DAYS = 1;
export const MAX_TRASH_RETENTION_DAYS = 365;
/** Issue #11 item 7: event_temp photos go to trash after 30 days unless an admin kept them. */
export const EVENT_TEMP_DAYS = 30;
export const DAY_MS = 86_400_000;

/** The org's retention: its aura_settings row (bounded by the table's check), else the default. */
export async function retentionDays(tx: Transaction<AuraTables> | Kysely<AuraTables>, orgId: string): Promise<number> {
  const row = await tx.selectFrom('aura_settings').select('trash_retention_days').where('org_id', '=', orgId).executeTakeFirst();
  return row?.trash_retention_days ?? DEFAULT_TRASH_RETENTION_DAYS;
}

export class RetentionSettingsService {
  constructor(private readonly ctx: PlatformContext) {}

  get(p: Principal) {
    return auraDb.withTenant(this.ctx, p, async (tx) => ({ trash_retention_days: await retentionDays(tx, p.orgId), event_temp_days: EVENT_TEMP_DAYS }));
  }

  set(p: Principal, days: number, meta: RequestMeta) {
    return auraDb.withTenant(this.ctx, p, async (tx) => {
      const before = await retentionDays(tx, p.orgId);
      await ensureAuraSettings(tx, p.orgId);
      await tx.updateTable('aura_settings').set({ trash_retention_days: days, updated_by: p.userId ?? null, updated_at: new Date() }).where('org_id', '=', p.orgId).execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.settings.retention', targetType: 'aura_settings', metadata: { from: before, to: days } }, meta);
      return { trash_retention_days: days, event_temp_days: EVENT_TEMP_DAYS };
    });
  }
}
