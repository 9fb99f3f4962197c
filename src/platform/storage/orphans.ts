import { sql } from 'kysely';
import type { PlatformContext } from '../context.js';
import { withSystem } from '../db/tenant.js';

/** First retry after this long; each failure doubles it, up to a day. */
const FIRST_RETRY_SECONDS = 5 * 60;
const MAX_RETRY_SECONDS = 24 * 3600;
/** Keys one sweep tries at most; the next hourly run goes on with the rest. */
const SWEEP_BATCH = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Delete stored bytes whose catalog row is already gone. A key the store will not delete now
 * (errors, no answer) is recorded in storage_orphans for the storage.orphans sweep, instead
 * of being wasted space nothing points at and only a log line remembers. Never throws: the
 * caller's work (the row is gone, the quota freed) is done either way.
 */
export async function deleteOrRecordOrphans(ctx: PlatformContext, keys: string[], reason: string): Promise<void> {
  for (const key of keys) {
    try {
      await ctx.storage.driver.delete(key);
    } catch (err) {
      ctx.log.error({ err, key, reason }, 'could not delete stored bytes; recorded in storage_orphans for the orphan sweep');
      await recordOrphan(ctx, key, reason, err).catch((recordErr: unknown) =>
        ctx.log.error({ err: recordErr, key }, 'could not record orphaned bytes either; they stay until an operator removes them'),
      );
    }
  }
}

async function recordOrphan(ctx: PlatformContext, key: string, reason: string, err: unknown): Promise<void> {
  const lastError = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
  await withSystem(ctx.database.db, (tx) =>
    tx
      .insertInto('storage_orphans')
      .values({ storage_key: key, reason: reason.slice(0, 200), last_error: lastError, next_attempt_at: new Date(Date.now() + FIRST_RETRY_SECONDS * 1000) })
      .onConflict((oc) => oc.column('storage_key').doUpdateSet({ last_error: lastError }))
      .execute(),
  );
}

/**
 * The storage.orphans sweep: each due orphan on its own, its row removed once the store deleted
 * the bytes or they turned out to be live. The first that fails again backs off and ends this
 * run: the store is still failing, and each further try could wait out S3_TIMEOUT_SECONDS
 * while holding its org's row (deleteUnlessLive); the rest stay due for the next run.
 */
export async function sweepOrphans(ctx: PlatformContext, now = new Date()): Promise<{ deleted: number; failed: number; live: number }> {
  const due = await withSystem(ctx.database.db, (tx) =>
    tx.selectFrom('storage_orphans').select(['storage_key', 'attempts']).where('next_attempt_at', '<=', now).orderBy('next_attempt_at').limit(SWEEP_BATCH).execute(),
  );
  const result = { deleted: 0, failed: 0, live: 0 };
  for (const orphan of due) {
    try {
      const outcome = await deleteUnlessLive(ctx, orphan.storage_key);
      result[outcome]++;
      await withSystem(ctx.database.db, (tx) => tx.deleteFrom('storage_orphans').where('storage_key', '=', orphan.storage_key).execute());
    } catch (err) {
      result.failed++;
      const seconds = Math.min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (orphan.attempts + 1));
      ctx.log.warn({ err, key: orphan.storage_key, attempts: orphan.attempts + 1 }, 'orphan sweep: these bytes could not be deleted yet; trying again later');
      await withSystem(ctx.database.db, (tx) =>
        tx
          .updateTable('storage_orphans')
          .set({ attempts: sql`attempts + 1`, next_attempt_at: new Date(now.getTime() + seconds * 1000), last_error: (err instanceof Error ? err.message : String(err)).slice(0, 2000) })
          .where('storage_key', '=', orphan.storage_key)
          .execute(),
      );
      break;
    }
  }
  return result;
}

/**
 * A staging key ("staging/{org}/{object id}") is never written again: delete it. A tenant key
 * ("{org}/{key}") can be: a later upload of the same key moves its bytes there before its row
 * names them. So the org's row is locked as grantBytes locks it (every upload reserves its
 * quota there, in the transaction that creates its pending row, before it writes a byte) while
 * the catalog is checked and the bytes are deleted: an upload of that key either came before
 * (its row is seen, the bytes are live or about to be) or waits until the bytes are gone, and
 * then writes its own.
 */
async function deleteUnlessLive(ctx: PlatformContext, storageKey: string): Promise<'deleted' | 'live'> {
  if (storageKey.startsWith('staging/')) {
    await ctx.storage.driver.delete(storageKey);
    return 'deleted';
  }
  const slash = storageKey.indexOf('/');
  const orgId = storageKey.slice(0, slash);
  const key = storageKey.slice(slash + 1);
  if (!UUID.test(orgId)) {
    // Not a key the catalog writes (tenantStorageKey, uploadStagingKey): never delete what we cannot place.
    ctx.log.warn({ key: storageKey }, 'orphan sweep: not a tenant or staging key; left in the store');
    return 'live';
  }
  return withSystem(ctx.database.db, async (tx) => {
    // NO KEY UPDATE, as grantBytes takes it: it waits for an upload's quota step and makes the
    // next one wait, without blocking the org's other writes (their foreign keys take KEY SHARE).
    const org = await tx.selectFrom('orgs').select('id').where('id', '=', orgId).forNoKeyUpdate().executeTakeFirst();
    if (org) {
      const row = await tx.selectFrom('storage_objects').select('id').where('org_id', '=', orgId).where('key', '=', key).executeTakeFirst();
      if (row) return 'live';
    }
    await ctx.storage.driver.delete(storageKey);
    return 'deleted';
  });
}
