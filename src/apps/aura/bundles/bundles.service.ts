import { sql, type Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { fetchPage, type PageRequest } from '../../../platform/db/page.js';
import { conflict, notFound } from '../../../platform/errors.js';
import { auraDb } from '../db.js';
import type { AuraTables } from '../schema.js';

type Tx = Transaction<AuraTables>;

/** Photos in trash are left out of a bundle until restored. */
const LIVE_PHOTO_COUNT = sql<number>`(select count(*)::int from aura_bundle_photos bp join aura_photos ph on ph.id = bp.photo_id and ph.org_id = bp.org_id where bp.bundle_id = b.id and bp.org_id = b.org_id and ph.trashed_at is null)`.as('photo_count');

/** A bundle is for handing photos to guests: a few hundred at most, so one page shows them all. */
export const MAX_BUNDLE_PHOTOS = 1000;

/**
 * The seed's bundles: employees create them and add photos (its policy: SELECT/INSERT for the
 * org), admins rename them, remove photos and delete them. Trashed photos stay linked but are
 * left out of every view and download until they are restored.
 */
export class BundlesService {
  constructor(private readonly ctx: PlatformContext) {}

  create(p: Principal, input: { name: string; photo_ids: string[] }, meta: RequestMeta) {
    return auraDb.withTenant(this.ctx, p, async (tx) => {
      const bundle = await tx.insertInto('aura_bundles').values({ org_id: p.orgId, name: input.name, created_by: p.userId }).returning('id').executeTakeFirstOrThrow();
      await this.link(tx, p, bundle.id, input.photo_ids);
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.bundle.created', targetType: 'aura_bundle', targetId: bundle.id, metadata: { photos: input.photo_ids.length } }, meta);
      return this.detail(tx, p.orgId, bundle.id);
    });
  }

  list(p: Principal, page: PageRequest) {
    return auraDb.withTenant(this.ctx, p, (tx) =>
      fetchPage(tx.selectFrom('aura_bundles as b').where('b.org_id', '=', p.orgId), page, (q) =>
        q.select(['b.id', 'b.name', 'b.created_by', 'b.created_at', 'b.updated_at']).select(LIVE_PHOTO_COUNT).orderBy('b.created_at', 'desc').orderBy('b.id', 'desc'),
      ),
    );
  }

  get(p: Principal, id: string) {
    return auraDb.withTenant(this.ctx, p, (tx) => this.detail(tx, p.orgId, id));
  }

  rename(p: Principal, id: string, name: string, meta: RequestMeta) {
    return auraDb.withTenant(this.ctx, p, async (tx) => {
      const updated = await tx.updateTable('aura_bundles').set({ name, updated_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', id).returning('id').executeTakeFirst();
      if (!updated) throw notFound('Bundle');
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.bundle.renamed', targetType: 'aura_bundle', targetId: id, metadata: { name } }, meta);
      return this.detail(tx, p.orgId, id);
    });
  }

  addPhotos(p: Principal, id: string, photoIds: string[]) {
    return auraDb.withTenant(this.ctx, p, async (tx) => {
      await this.bundleRow(tx, p.orgId, id);
      await this.link(tx, p, id, photoIds);
      await tx.updateTable('aura_bundles').set({ updated_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', id).execute();
      return this.detail(tx, p.orgId, id);
    });
  }

  removePhoto(p: Principal, id: string, photoId: string) {
    return auraDb.withTenant(this.ctx, p, async (tx) => {
      await this.bundleRow(tx, p.orgId, id);
      const removed = await tx.deleteFrom('aura_bundle_photos').where('org_id', '=', p.orgId).where('bundle_id', '=', id).where('photo_id', '=', photoId).executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) throw notFound('Photo in this bundle', 'NOT_FOUND', 'The photo is not in this bundle');
      return this.detail(tx, p.orgId, id);
    });
  }

  delete(p: Principal, id: string, meta: RequestMeta) {
    return auraDb.withTenant(this.ctx, p, async (tx) => {
      const deleted = await tx.deleteFrom('aura_bundles').where('org_id', '=', p.orgId).where('id', '=', id).returning('name').executeTakeFirst();
      if (!deleted) throw notFound('Bundle');
      // Its share links would show a 404 page; revoke them too so their owners see why.
      await tx.updateTable('share_links').set({ revoked_at: new Date() }).where('org_id', '=', p.orgId).where('app', '=', 'aura').where('resource_type', '=', 'bundle').where('resource_id', '=', id).where('revoked_at', 'is', null).execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.bundle.deleted', targetType: 'aura_bundle', targetId: id, metadata: { name: deleted.name } }, meta);
    });
  }

  async bundleRow(tx: Tx, orgId: string, id: string) {
    const b = await tx.selectFrom('aura_bundles').select(['id', 'name', 'created_by', 'created_at', 'updated_at']).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    if (!b) throw notFound('Bundle');
    return b;
  }

  async detail(tx: Tx, orgId: string, id: string) {
    const b = await this.bundleRow(tx, orgId, id);
    const photos = await bundlePhotos(tx, orgId, id);
    return { ...b, photo_count: photos.length, photos: photos.map((ph) => ({ id: ph.id, original_name: ph.original_name, path: ph.path, event_id: ph.event_id, size_bytes: Number(ph.size_bytes), added_at: ph.added_at })) };
  }

  /** Links live photos of the org; an unknown (or other org's, or trashed) id is a 404 naming it. */
  private async link(tx: Tx, p: Principal, bundleId: string, photoIds: string[]) {
    const ids = [...new Set(photoIds)];
    if (ids.length === 0) return;
    const found = await tx.selectFrom('aura_photos').select('id').where('org_id', '=', p.orgId).where('id', 'in', ids).where('trashed_at', 'is', null).execute();
    const known = new Set(found.map((f) => f.id));
    const missing = ids.find((i) => !known.has(i));
    if (missing) throw notFound('Photo', 'NOT_FOUND', `Photo ${missing} not found`);
    const counted = await tx.selectFrom('aura_bundle_photos').select((eb) => eb.fn.countAll<string>().as('n')).where('org_id', '=', p.orgId).where('bundle_id', '=', bundleId).where('photo_id', 'not in', ids).executeTakeFirstOrThrow();
    if (Number(counted.n) + ids.length > MAX_BUNDLE_PHOTOS) throw conflict(`A bundle holds at most ${MAX_BUNDLE_PHOTOS} photos: make a second bundle for the rest`, 'BUNDLE_FULL');
    await tx
      .insertInto('aura_bundle_photos')
      .values(ids.map((photo_id) => ({ org_id: p.orgId, bundle_id: bundleId, photo_id, added_by: p.userId })))
      .onConflict((oc) => oc.columns(['bundle_id', 'photo_id']).doNothing())
      .execute();
  }
}

/** The bundle's live photos with their stored original, in the order they were added. */
export function bundlePhotos(tx: Tx, orgId: string, bundleId: string) {
  return tx
    .selectFrom('aura_bundle_photos as bp')
    .innerJoin('aura_photos as ph', (j) => j.onRef('ph.id', '=', 'bp.photo_id').onRef('ph.org_id', '=', 'bp.org_id'))
    .select(['ph.id', 'ph.original_name', 'ph.path', 'ph.event_id', 'ph.size_bytes', 'ph.full_path', 'ph.full_key', 'ph.thumb_key', 'ph.content_type', 'ph.created_at', 'bp.added_at'])
    .where('bp.org_id', '=', orgId)
    .where('bp.bundle_id', '=', bundleId)
    .where('ph.trashed_at', 'is', null)
    .orderBy('bp.added_at')
    .orderBy('ph.id')
    .execute();
}
