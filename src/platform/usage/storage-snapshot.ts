import { sql } from 'kysely';
import type { PlatformContext } from '../context.js';
import { forEachOrg } from '../jobs/for-each-org.js';

/** The UTC day (YYYY-MM-DD) of a moment: the key of the daily series. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * Record every org's storage used into storage_daily for the UTC day of `now`, one upsert per
 * org, each in the org's own tenant transaction (forEachOrg): an org whose row fails is logged
 * and counted, the others are recorded. Running again the same day overwrites that day's
 * value with the newer one, so the job is idempotent and the day's point is its latest sight.
 */
export async function snapshotOrgStorage(ctx: PlatformContext, now = new Date()): Promise<{ orgs: number; failedOrgs: number }> {
  const db = ctx.database.db;
  const day = utcDay(now);
  // Suspended orgs keep their files, so they keep their series too.
  const orgIds = (await db.selectFrom('orgs').select('id').execute()).map((o) => o.id);
  const report = await forEachOrg(ctx, {
    name: 'usage.storage-snapshot',
    db,
    orgIds,
    run: async (tx, orgId) => {
      const org = await tx.selectFrom('orgs').select('storage_used_bytes').where('id', '=', orgId).executeTakeFirst();
      // Deleted between the listing and its turn: nothing to record.
      if (!org) return false;
      await tx
        .insertInto('storage_daily')
        .values({ org_id: orgId, day, storage_used_bytes: Number(org.storage_used_bytes), recorded_at: now })
        .onConflict((oc) => oc.columns(['org_id', 'day']).doUpdateSet({ storage_used_bytes: sql`excluded.storage_used_bytes`, recorded_at: sql`excluded.recorded_at` }))
        .execute();
      return true;
    },
  });
  return { orgs: report.done.filter((d) => d.result).length, failedOrgs: report.failed.length };
}
