import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { hashPasswordWithSalt } from '../../../platform/auth/secrets.js';
import { conflict, isUniqueViolation, notFound, unprocessable } from '../../../platform/errors.js';
import { auraDb } from '../db.js';
import { ensureAuraSettings } from '../settings/aura-settings.js';

/**
 * Employees' capture-station PINs, set by an admin and never shown again (stored as argon2id
 * under the org's salt: see StationLoginService for why one salt per org).
 */
export class PinsService {
  constructor(private readonly ctx: PlatformContext) {}

  async set(p: Principal, userId: string, pin: string, meta: RequestMeta): Promise<void> {
    const salt = await auraDb.withTenant(this.ctx, p, async (tx) => {
      await this.employee(tx, p.orgId, userId);
      return (await ensureAuraSettings(tx, p.orgId)).pin_salt;
    });
    const pinHash = await hashPasswordWithSalt(pin, salt);
    await auraDb.withTenant(this.ctx, p, async (tx) => {
      await this.employee(tx, p.orgId, userId);
      await tx
        .insertInto('aura_station_pins')
        .values({ org_id: p.orgId, user_id: userId, pin_hash: pinHash })
        .onConflict((oc) => oc.columns(['org_id', 'user_id']).doUpdateSet({ pin_hash: pinHash, updated_at: new Date() }))
        .execute()
        .catch((err) => {
          if (isUniqueViolation(err)) throw conflict('Another employee of this studio already has this PIN: choose another one', 'PIN_TAKEN');
          throw err;
        });
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.pin.set', targetType: 'user', targetId: userId }, meta);
    });
  }

  async clear(p: Principal, userId: string, meta: RequestMeta): Promise<void> {
    await auraDb.withTenant(this.ctx, p, async (tx) => {
      const gone = await tx.deleteFrom('aura_station_pins').where('org_id', '=', p.orgId).where('user_id', '=', userId).returning('user_id').executeTakeFirst();
      if (!gone) throw notFound('PIN');
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.pin.clear', targetType: 'user', targetId: userId }, meta);
    });
  }

  /** A member of this org with an employee's role; anyone else has no PIN. */
  private async employee(tx: Parameters<Parameters<typeof auraDb.withTenant>[2]>[0], orgId: string, userId: string) {
    const m = await tx.selectFrom('memberships').select('role').where('org_id', '=', orgId).where('user_id', '=', userId).executeTakeFirst();
    if (!m) throw notFound('Team member');
    if (m.role !== 'member' && m.role !== 'editor') {
      throw unprocessable(`Capture-station PINs are for employees (members and editors); this person is ${m.role === 'viewer' ? 'a viewer' : `an ${m.role}`} and logs in with email and password`, 'PIN_NOT_FOR_ROLE');
    }
  }
}
