import type { PlatformContext } from '../context.js';
import type { Role } from '../db/schema.js';
import { withTenant } from '../db/tenant.js';
import { recordAudit, type RequestMeta } from '../audit/audit.service.js';
import { ROLE_RANK, type Principal } from '../auth/principal.js';
import { forbidden, notFound } from '../errors.js';
import { API_KEY_FIELDS, issueApiKey } from './issue-key.js';

type KeyRole = Exclude<Role, 'owner'>;

/** Machine credentials for an org: shown once, stored as a hash, revocable and rotatable. */
export class ApiKeysService {
  constructor(private readonly ctx: PlatformContext) {}


  create(p: Principal, input: { name: string; scopes: string[]; role: KeyRole }, meta: RequestMeta) {
    if (ROLE_RANK[input.role] > ROLE_RANK[p.role]) throw forbidden('An API key cannot have a higher role than its creator', 'INSUFFICIENT_ROLE');
    return withTenant(this.ctx.database.db, p, async (tx) => {
      const created = await issueApiKey(tx, { orgId: p.orgId, name: input.name, scopes: input.scopes, role: input.role, createdBy: p.userId });
      await recordAudit(tx, p, { orgId: p.orgId, action: 'api_key.created', targetType: 'api_key', targetId: created.id, metadata: { name: input.name, scopes: input.scopes, role: input.role } }, meta);
      return created;
    });
  }

  list(p: Principal) {
    return withTenant(this.ctx.database.db, p, (tx) =>
      tx.selectFrom('api_keys').select(API_KEY_FIELDS).where('org_id', '=', p.orgId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute(),
    );
  }

  revoke(p: Principal, id: string, meta: RequestMeta) {
    return withTenant(this.ctx.database.db, p, async (tx) => {
      const row = await tx.updateTable('api_keys').set({ revoked_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', id).where('revoked_at', 'is', null).returning('id').executeTakeFirst();
      if (!row) throw notFound('API key');
      await recordAudit(tx, p, { orgId: p.orgId, action: 'api_key.revoked', targetType: 'api_key', targetId: id }, meta);
    });
  }

  /** Replace a key with a new secret (same name, scopes and role); the old one stops working now. */
  rotate(p: Principal, id: string, meta: RequestMeta) {
    return withTenant(this.ctx.database.db, p, async (tx) => {
      const old = await tx.updateTable('api_keys').set({ revoked_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', id).where('revoked_at', 'is', null).returning(['name', 'scopes', 'role']).executeTakeFirst();
      if (!old) throw notFound('API key');
      const created = await issueApiKey(tx, { orgId: p.orgId, name: old.name, scopes: old.scopes, role: old.role, createdBy: p.userId });
      await recordAudit(tx, p, { orgId: p.orgId, action: 'api_key.rotated', targetType: 'api_key', targetId: created.id, metadata: { replaces: id } }, meta);
      return created;
    });
  }
}
