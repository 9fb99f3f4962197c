import type { PlatformContext } from '../context.js';
import { withTenant } from '../db/tenant.js';
import { notFound } from '../errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A valid signature says the URL was issued; this says it may still be served. The object
 * must still be in its org's catalog and not in the trash, and a URL issued to a user stops
 * with that user's membership, so trashing a file or removing a member takes effect at once
 * rather than when the URL expires. Every tenant object lives under "{org_id}/", which names
 * the tenant whose catalog is asked.
 */
export async function assertSignedObjectServable(ctx: PlatformContext, storageKey: string, userId: string | undefined): Promise<void> {
  const orgId = storageKey.slice(0, storageKey.indexOf('/'));
  if (!UUID.test(orgId) || (userId !== undefined && !UUID.test(userId))) throw notFound('File');
  const servable = await withTenant(ctx.database.db, { orgId }, async (tx) => {
    const object = await tx
      .selectFrom('storage_objects')
      .select('id')
      .where('org_id', '=', orgId)
      // The key leads the (org_id, key) index; storage_key then confirms it is this object's bytes.
      .where('key', '=', storageKey.slice(orgId.length + 1))
      .where('storage_key', '=', storageKey)
      .where('status', '=', 'active')
      .where('trashed_at', 'is', null)
      .executeTakeFirst();
    if (!object) return false;
    if (userId === undefined) return true;
    const member = await tx.selectFrom('memberships').select('user_id').where('org_id', '=', orgId).where('user_id', '=', userId).executeTakeFirst();
    return member !== undefined;
  });
  if (!servable) throw notFound('File', 'NOT_FOUND', 'This file is no longer available through this link (deleted, in the trash, or your access ended): ask for a new link');
}
