import type { PlatformContext } from '../../../platform/context.js';
import { brandkitDb } from '../db.js';
import type { UserPrincipal } from '../brands/brands.service.js';
import { ghlSyncJob } from '../crm/ghl-sync.job.js';
import { brandkitSettings } from '../config.js';

/** brandkit_profiles: one row per user and org, created on the first save. */
export class ProfilesService {
  constructor(private readonly ctx: PlatformContext) {}

  async get(p: UserPrincipal) {
    return brandkitDb.withTenant(this.ctx, p, async (tx) => {
      const user = await tx.selectFrom('users').select(['id', 'email', 'tc_accepted_at', 'created_at', 'updated_at']).where('id', '=', p.userId).executeTakeFirstOrThrow();
      const profile = await tx.selectFrom('brandkit_profiles').selectAll().where('org_id', '=', p.orgId).where('user_id', '=', p.userId).executeTakeFirst();
      return {
        user_id: user.id, email: user.email, full_name: profile?.full_name ?? null, phone: profile?.phone ?? null, tc_accepted_at: user.tc_accepted_at,
        created_at: profile?.created_at ?? user.created_at, updated_at: profile?.updated_at ?? user.updated_at,
      };
    });
  }

  async put(p: UserPrincipal, input: { full_name?: string | null; phone?: string | null }) {
    await brandkitDb.withTenant(this.ctx, p, async (tx) => {
      const changes = { ...(input.full_name !== undefined ? { full_name: input.full_name } : {}), ...(input.phone !== undefined ? { phone: input.phone } : {}) };
      const existed = await tx.selectFrom('brandkit_profiles').select('user_id').where('org_id', '=', p.orgId).where('user_id', '=', p.userId).executeTakeFirst();
      await tx.insertInto('brandkit_profiles')
        .values({ org_id: p.orgId, user_id: p.userId, full_name: input.full_name ?? null, phone: input.phone ?? null })
        .onConflict((oc) => oc.columns(['org_id', 'user_id']).doUpdateSet({ ...changes, updated_at: new Date() }))
        .execute();
      // The seed's sign-up creates the CRM contact: here, the profile's first save does.
      if (!existed && brandkitSettings.load(this.ctx.config).ghl) await this.ctx.jobs.enqueue(ghlSyncJob, { orgId: p.orgId, userId: p.userId }, { tx });
    });
    return this.get(p);
  }
}
