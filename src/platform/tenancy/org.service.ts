import type { PlatformContext } from '../context.js';
import { withTenant } from '../db/tenant.js';
import { recordAudit, type RequestMeta } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import type { OrgSettings } from './org-settings.js';

const ORG_FIELDS = ['id', 'name', 'slug', 'plan', 'status', 'storage_limit_bytes', 'storage_used_bytes', 'settings', 'created_at'] as const;

/** The caller's own org: read, rename, settings. Plan, limits and status belong to superadmins. */
export class OrgService {
  constructor(private readonly ctx: PlatformContext) {}

  current(p: Principal) {
    return withTenant(this.ctx.database.db, { orgId: p.orgId, userId: p.userId }, (tx) =>
      tx.selectFrom('orgs').select(ORG_FIELDS).where('id', '=', p.orgId).executeTakeFirstOrThrow(),
    );
  }

  update(p: Principal, input: { name?: string; settings?: OrgSettings }, meta: RequestMeta) {
    return withTenant(this.ctx.database.db, { orgId: p.orgId, userId: p.userId }, async (tx) => {
      const row = await tx
        .updateTable('orgs')
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.settings !== undefined ? { settings: JSON.stringify(input.settings) } : {}),
          updated_at: new Date(),
        })
        .where('id', '=', p.orgId)
        .returning(ORG_FIELDS)
        .executeTakeFirstOrThrow();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'org.updated', targetType: 'org', targetId: p.orgId, metadata: { fields: Object.keys(input) } }, meta);
      return row;
    });
  }
}
