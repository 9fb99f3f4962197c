import type { Kysely, Transaction } from 'kysely';
import type { PlatformContext } from '../context.js';
import type { PlatformTables } from '../db/schema.js';
import { withTenant } from '../db/tenant.js';

export interface OrgSweep<DB extends PlatformTables, T> {
  /** Names the sweep in logs, e.g. "storage.purge-trash". */
  name: string;
  orgIds: readonly string[];
  /** The org's share of the work, in its own tenant transaction (row-level security on). */
  run(tx: Transaction<DB>, orgId: string): Promise<T>;
  /** Work that must wait for the commit (deleting stored bytes); a failure here is logged too. */
  afterCommit?(result: T, orgId: string): Promise<void>;
  /** The database handle: `ctx.database.db` for the platform, an app's typed one (`genadsDb.db(ctx)`) for an app. */
  db: Kysely<DB>;
}

export interface OrgSweepReport<T> {
  done: Array<{ orgId: string; result: T }>;
  failed: Array<{ orgId: string; error: string }>;
}

/**
 * Run a scheduled sweep org by org, each org in its own tenant transaction, so one org's bad
 * data (an out-of-range setting, a row a trigger refuses) costs that org its share of the
 * sweep and nothing more: the failure is logged and the next org runs. Every sweep and cron
 * job that crosses tenants goes through here; the caller reports the counts.
 */
export async function forEachOrg<DB extends PlatformTables, T>(ctx: PlatformContext, sweep: OrgSweep<DB, T>): Promise<OrgSweepReport<T>> {
  const report: OrgSweepReport<T> = { done: [], failed: [] };
  for (const orgId of new Set(sweep.orgIds)) {
    try {
      const result = await withTenant(sweep.db, { orgId }, (tx) => sweep.run(tx, orgId));
      if (sweep.afterCommit) await sweep.afterCommit(result, orgId);
      report.done.push({ orgId, result });
    } catch (err) {
      ctx.log.error({ err, orgId, sweep: sweep.name }, 'sweep failed for one org; skipped, the other orgs continue');
      report.failed.push({ orgId, error: (err as Error)?.message ?? String(err) });
    }
  }
  return report;
}
