import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { notFound } from '../../../platform/errors.js';
import { brandkitDb } from '../db.js';
import type { SocialPlatform } from '../schema.js';
import { analyzeSocialJob } from './analyze-social.job.js';
import { storedAnalysisSchema } from './analyzer.js';

export interface SocialInput {
  handle: string;
  profile_url?: string | null;
  bio?: string;
  captions?: string[];
}

type UserPrincipal = Principal & { userId: string };

/** The signed-in user's social profiles (one per platform) and their analyses. */
export class SocialsService {
  constructor(private readonly ctx: PlatformContext) {}

  async list(p: UserPrincipal) {
    const rows = await brandkitDb.withTenant(this.ctx, p, (tx) =>
      tx.selectFrom('brandkit_user_socials').selectAll().where('org_id', '=', p.orgId).where('user_id', '=', p.userId).orderBy('platform').execute(),
    );
    return { items: rows.map(view) };
  }

  /** Create or replace the profile of one platform; a changed handle drops the old analysis. */
  async put(p: UserPrincipal, platform: SocialPlatform, input: SocialInput) {
    const pasted = JSON.stringify({ ...(input.bio !== undefined ? { bio: input.bio } : {}), ...(input.captions !== undefined ? { captions: input.captions } : {}) });
    const row = await brandkitDb.withTenant(this.ctx, p, async (tx) => {
      const existing = await tx.selectFrom('brandkit_user_socials').select(['id', 'handle']).where('org_id', '=', p.orgId).where('user_id', '=', p.userId).where('platform', '=', platform).executeTakeFirst();
      const now = new Date();
      if (existing) {
        const sameHandle = existing.handle.toLowerCase() === input.handle.toLowerCase();
        return tx.updateTable('brandkit_user_socials')
          .set({ handle: input.handle, profile_url: input.profile_url ?? null, pasted, updated_at: now, ...(sameHandle ? {} : { analysis_data: null, analyzed_at: null }) })
          .where('org_id', '=', p.orgId).where('id', '=', existing.id)
          .returningAll().executeTakeFirstOrThrow();
      }
      return tx.insertInto('brandkit_user_socials')
        .values({ org_id: p.orgId, user_id: p.userId, platform, handle: input.handle, profile_url: input.profile_url ?? null, pasted })
        .returningAll().executeTakeFirstOrThrow();
    });
    return view(row);
  }

  async delete(p: UserPrincipal, platform: SocialPlatform) {
    const gone = await brandkitDb.withTenant(this.ctx, p, (tx) =>
      tx.deleteFrom('brandkit_user_socials').where('org_id', '=', p.orgId).where('user_id', '=', p.userId).where('platform', '=', platform).executeTakeFirst(),
    );
    if (!gone.numDeletedRows) throw notFound('Social profile', 'NOT_FOUND', `No ${platform} profile saved: add it with PUT /brandkit/api/socials/${platform}`);
  }

  /** Queue the analysis; its progress and end come on the job's realtime topic. */
  async analyze(p: UserPrincipal, platform: SocialPlatform) {
    return brandkitDb.withTenant(this.ctx, p, async (tx) => {
      const row = await tx.selectFrom('brandkit_user_socials').select('id').where('org_id', '=', p.orgId).where('user_id', '=', p.userId).where('platform', '=', platform).executeTakeFirst();
      if (!row) throw notFound('Social profile', 'NOT_FOUND', `No ${platform} profile saved: add it with PUT /brandkit/api/socials/${platform} first`);
      const jobId = await this.ctx.jobs.enqueue(analyzeSocialJob, { orgId: p.orgId, socialId: row.id }, { tx });
      return { job_id: jobId, social_id: row.id };
    });
  }
}

function view(r: { id: string; platform: SocialPlatform; handle: string; profile_url: string | null; pasted: { bio?: string; captions?: string[] }; analysis_data: Record<string, unknown> | null; analyzed_at: Date | null; created_at: Date; updated_at: Date }) {
  return {
    id: r.id, platform: r.platform, handle: r.handle, profile_url: r.profile_url,
    bio: r.pasted.bio ?? null, captions: r.pasted.captions ?? [],
    // Only the analysis job writes it, validated; one written under an older shape shows as none (analyse again).
    analysis_data: r.analysis_data ? (storedAnalysisSchema.safeParse(r.analysis_data).data ?? null) : null, analyzed_at: r.analyzed_at, created_at: r.created_at, updated_at: r.updated_at,
  };
}
