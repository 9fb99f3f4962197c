import type { PlatformContext } from '../context.js';
import { withSystem } from '../db/tenant.js';
import { recordAudit } from '../audit/audit.service.js';
import { tenantStorageKey, uploadStagingKey } from './keys.js';

/**
 * The stored bytes of a deleted org: everything under "{org_id}/" (committed objects) and
 * "staging/{org_id}/" (uploads in flight), on local disk or S3. Deleting the org's rows only
 * forgets its catalog; this frees the bytes, after the grace period the deletion job was
 * queued with (ORG_FILES_DELETION_GRACE_HOURS), so a mistaken deletion can still be undone
 * from a database backup. Idempotent: a run cut short deletes the rest when retried.
 */
export async function deleteOrgFiles(ctx: PlatformContext, orgId: string, signal?: AbortSignal): Promise<{ objects: number; bytes: number }> {
  const exists = await withSystem(ctx.database.db, (tx) => tx.selectFrom('orgs').select('id').where('id', '=', orgId).executeTakeFirst());
  // An org restored from a backup during the grace period keeps its files.
  if (exists) {
    ctx.log.warn({ orgId }, 'org files deletion skipped: the org exists again');
    return { objects: 0, bytes: 0 };
  }
  let objects = 0;
  let bytes = 0;
  for (const prefix of [tenantStorageKey(orgId, ''), uploadStagingKey(orgId, '')]) {
    for await (const entry of ctx.storage.driver.list(prefix)) {
      signal?.throwIfAborted();
      await ctx.storage.driver.delete(entry.key);
      objects++;
      bytes += entry.size;
    }
  }
  // audit_log has no foreign key to orgs: the record stays in the deleted org's log.
  await withSystem(ctx.database.db, (tx) =>
    recordAudit(tx, 'system', { orgId, action: 'storage.org_files_deleted', targetType: 'org', targetId: orgId, metadata: { objects, bytes } }),
  );
  return { objects, bytes };
}
