import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { notFound } from '../../../platform/errors.js';
import type { Network } from '../schema.js';
import { socialDb } from '../db.js';

/** Never the sealed tokens: they stay in the database, opened only by the publisher. */
const ACCOUNT_COLUMNS = ['id', 'network', 'remote_account_id', 'display_name', 'handle', 'instance_url', 'expires_at', 'scopes', 'status', 'last_error', 'last_checked_at', 'connected_by', 'created_at', 'updated_at'] as const;

/** The workspace's connected accounts, as posts target them (connecting them is the OAuth module's). */
export class AccountsService {
  constructor(private readonly ctx: PlatformContext) {}

  list(p: Principal, q: { network?: Network }) {
    return socialDb.withTenant(this.ctx, p, (tx) => {
      let query = tx.selectFrom('social_accounts').select(ACCOUNT_COLUMNS).where('org_id', '=', p.orgId).where('deleted_at', 'is', null);
      if (q.network) query = query.where('network', '=', q.network);
      return query.orderBy('network').orderBy('created_at').orderBy('id').execute();
    });
  }

  get(p: Principal, id: string) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const row = await tx.selectFrom('social_accounts').select(ACCOUNT_COLUMNS).where('org_id', '=', p.orgId).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
      if (!row) throw notFound('Account');
      return row;
    });
  }
}
