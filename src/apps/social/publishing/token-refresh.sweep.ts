import { z } from 'zod';
import type { PlatformContext } from '../../../platform/context.js';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { forEachOrg } from '../../../platform/jobs/for-each-org.js';
import { socialDb } from '../db.js';
import { freshTokens, REFRESH_AHEAD_MS } from './account-health.js';

/**
 * Refresh every active account whose token expires within REFRESH_AHEAD_MS (plus the sweep's
 * own period), org by org: a network or org that fails is logged and the others go on. A
 * refused refresh marks the account reconnect_needed and mails the admins (account-health.ts).
 */
export async function sweepTokenRefresh(ctx: PlatformContext): Promise<{ refreshed: number; failed: number }> {
  const horizon = new Date(Date.now() + REFRESH_AHEAD_MS + 15 * 60 * 1000);
  const orgIds = await socialDb.withSystem(ctx, async (tx) =>
    (await tx.selectFrom('social_accounts').select('org_id').distinct().where('deleted_at', 'is', null).where('status', '=', 'active').where('expires_at', '<', horizon).where('refresh_token_sealed', 'is not', null).execute()).map((r) => r.org_id),
  );
  let refreshed = 0;
  let failed = 0;
  await forEachOrg(ctx, {
    name: 'social.token-refresh',
    db: socialDb.db(ctx),
    orgIds,
    run: async (tx, orgId) =>
      (await tx.selectFrom('social_accounts').select('id').where('org_id', '=', orgId).where('deleted_at', 'is', null).where('status', '=', 'active').where('expires_at', '<', horizon).where('refresh_token_sealed', 'is not', null).execute()).map((r) => r.id),
    // The network calls run after the org's read has committed, one account at a time.
    afterCommit: async (ids, orgId) => {
      for (const id of ids) {
        try {
          await freshTokens(ctx, orgId, id, true);
          refreshed++;
        } catch (err) {
          failed++;
          ctx.log.warn({ err, orgId, accountId: id }, 'social: token refresh failed');
        }
      }
    },
  });
  return { refreshed, failed };
}

export const tokenRefreshJob = defineJob({
  name: 'social.token-refresh',
  scope: 'system',
  schema: z.object({}),
  schedule: '*/15 * * * *',
  handler: (ctx) => sweepTokenRefresh(ctx),
});
