import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { auraDb } from '../db.js';
import { ensureAuraSettings } from './aura-settings.js';

export interface AuraSettingsView {
  station_login_enabled: boolean;
  station_face_login: boolean;
  station_locked_until: Date | null;
}

/**
 * Aura's org settings: PIN login at the capture station (opt-in per org) and whether it asks
 * for the employee's face with the PIN (opt-in too). Admins change them.
 */
export class SettingsService {
  constructor(private readonly ctx: PlatformContext) {}

  async get(p: Principal): Promise<AuraSettingsView> {
    const row = await auraDb.withTenant(this.ctx, p, (tx) =>
      tx.selectFrom('aura_settings').select(['station_login_enabled', 'station_face_login', 'station_locked_until']).where('org_id', '=', p.orgId).executeTakeFirst(),
    );
    return { station_login_enabled: row?.station_login_enabled ?? false, station_face_login: row?.station_face_login ?? false, station_locked_until: lockedUntil(row?.station_locked_until ?? null) };
  }

  /** Saving also ends a PIN lockout: the admin has seen it and decided. A field left out keeps its value. */
  async update(p: Principal, input: { station_login_enabled?: boolean; station_face_login?: boolean }, meta: RequestMeta): Promise<AuraSettingsView> {
    return auraDb.withTenant(this.ctx, p, async (tx) => {
      await ensureAuraSettings(tx, p.orgId);
      const row = await tx
        .updateTable('aura_settings')
        .set({
          ...(input.station_login_enabled === undefined ? {} : { station_login_enabled: input.station_login_enabled }),
          ...(input.station_face_login === undefined ? {} : { station_face_login: input.station_face_login }),
          station_failures: 0,
          station_lockouts: 0,
          station_locked_until: null,
          updated_at: new Date(),
        })
        .where('org_id', '=', p.orgId)
        .returning(['station_login_enabled', 'station_face_login', 'station_locked_until'])
        .executeTakeFirstOrThrow();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.settings.update', targetType: 'aura_settings', metadata: { ...input } }, meta);
      return { station_login_enabled: row.station_login_enabled, station_face_login: row.station_face_login, station_locked_until: row.station_locked_until };
    });
  }
}

function lockedUntil(at: Date | null): Date | null {
  return at && at.getTime() > Date.now() ? at : null;
}
