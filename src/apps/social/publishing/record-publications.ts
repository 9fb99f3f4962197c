import { sql, type Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import { coalescePerOwner } from '../../../platform/db/coalesce.js';
import { socialDb } from '../db.js';
import type { SocialTables } from '../schema.js';
import { announceSettled, settlePostsIn } from './post-outcome.js';

/** What the network answered for one target. */
export interface Publication {
  targetId: string;
  postId: string;
  remoteId: string;
  url: string | null;
  /** When the network answered: the publication's time, however long the recording waits. */
  at: Date;
}

/** Publications recorded by one statement at most. */
const MAX_RECORD_BATCH = 200;

/**
 * Record a target published, with the network's id, and settle its post; resolves once that
 * is committed (the job acknowledges only then: a retry finds the id and publishes nothing).
 * The publications of one workspace that arrive while its previous recording runs are
 * recorded together, one transaction for all, then announced.
 */
export function recordPublication(ctx: PlatformContext, orgId: string, publication: Publication): Promise<void> {
  return recordInBatches(ctx, orgId, publication);
}

const recordInBatches = coalescePerOwner(recordMany, { max: MAX_RECORD_BATCH });

async function recordMany(ctx: PlatformContext, orgId: string, publications: Publication[]): Promise<void[]> {
  const rows = sql.join(publications.map((p) => sql`(${p.targetId}::uuid, ${p.remoteId}::text, ${p.url}::text, ${p.at.toISOString()}::timestamptz)`));
  const record = (tx: Transaction<SocialTables>) => sql`
    update social_post_platforms t
    set state = 'published', remote_id = v.remote_id, remote_url = v.remote_url, published_at = v.at, error = null, next_attempt_at = null
    from (values ${rows}) as v(id, remote_id, remote_url, at)
    where t.org_id = ${orgId} and t.id = v.id`.execute(tx);
  const postIds = [...new Set(publications.map((p) => p.postId))];
  let settled;
  try {
    settled = await socialDb.withTenant(ctx, { orgId }, async (tx) => {
      await record(tx);
      return settlePostsIn(tx, orgId, postIds);
    });
  } catch (err) {
    // The remote ids must survive whatever befell the posts' summaries (a deadlock, a lost
    // connection): recorded on their own, then the posts settled, as separate transactions.
    ctx.log.warn({ err, targets: publications.length }, 'social: recording publications with their posts failed; recording them alone');
    await socialDb.withTenant(ctx, { orgId }, record);
    settled = await socialDb.withTenant(ctx, { orgId }, (tx) => settlePostsIn(tx, orgId, postIds));
  }
  await announceSettled(ctx, orgId, settled);
  return publications.map(() => undefined);
}
