import { type Transaction } from 'kysely';
import type { PlatformTables } from '../db/schema.js';
import type { PlatformContext } from '../context.js';
import type { Principal } from '../auth/principal.js';
import { withTenant } from '../db/tenant.js';
import { fetchPage, mapPage, type Page } from '../db/page.js';
import { recordAudit, type RequestMeta } from '../audit/audit.service.js';
import { conflict, gone, notFound } from '../errors.js';
import { assertValidPrefix } from './keys.js';
import { downloadName, OBJECT_COLUMNS, toStoredObject, type StoredObject } from './catalog.js';
import { deleteStoredBytes, removeObjects } from './removal.js';
import { retentionDaysFor } from './trash.js';
import type { ByteRange, GetResult } from './driver.js';

export interface ListFilter {
  page: number;
  limit: number;
  prefix?: string;
  /** false (default): live objects; true: the trash. */
  trashed?: boolean;
}

/** A trashed object, with the last moment it can be restored. */
export type CatalogEntry = StoredObject & { restoreUntil: Date | null };

const DAY_MS = 86_400_000;

/** Reading and managing a tenant's committed objects. Uploading is uploads.ts. */
export class ObjectsService {
  constructor(private readonly ctx: PlatformContext) {}


  list(p: Principal, filter: ListFilter): Promise<Page<CatalogEntry>> {
    if (filter.prefix) assertValidPrefix(filter.prefix);
    return withTenant(this.ctx.database.db, p, async (tx) => {
      let q = tx.selectFrom('storage_objects').where('org_id', '=', p.orgId).where('status', '=', 'active');
      q = filter.trashed ? q.where('trashed_at', 'is not', null) : q.where('trashed_at', 'is', null);
      // LIKE with escaped wildcards, so a "_" or "%" in a prefix matches only itself.
      if (filter.prefix) q = q.where('key', 'like', `${filter.prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      const found = await fetchPage(q, filter, (filtered) => filtered.select(OBJECT_COLUMNS).orderBy('created_at', 'desc').orderBy('id', 'desc'));
      const retention = filter.trashed ? await retentionDaysFor(tx, p.orgId, this.ctx.config.storage.trashRetentionDays) : 0;
      return mapPage(found, (r) => withRestoreUntil(toStoredObject(r), retention));
    });
  }

  get(p: Principal, id: string): Promise<CatalogEntry> {
    return withTenant(this.ctx.database.db, p, async (tx) => {
      const row = await tx.selectFrom('storage_objects').select(OBJECT_COLUMNS).where('org_id', '=', p.orgId).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
      if (!row) throw notFound('File');
      const retention = row.trashed_at ? await retentionDaysFor(tx, p.orgId, this.ctx.config.storage.trashRetentionDays) : 0;
      return withRestoreUntil(toStoredObject(row), retention);
    });
  }

  /** The object to download; trashed objects must be restored first. */
  async getLive(p: Principal, id: string): Promise<StoredObject> {
    const o = await this.get(p, id);
    if (o.trashedAt) throw conflict('This file is in the trash: restore it before downloading', 'FILE_TRASHED');
    return o;
  }

  /** Open the bytes (or a byte range) of an object previously checked with getLive. */
  open(o: StoredObject, range?: ByteRange): Promise<GetResult> {
    return this.ctx.storage.driver.get(o.storageKey, { range });
  }

  /** A short-lived download URL for `p`: on local disk it stops working once p leaves the org. */
  presignDownload(p: Principal, o: StoredObject, expiresInSeconds = this.ctx.config.storage.signedUrlTtlSeconds): Promise<string> {
    return this.ctx.storage.driver.presignGet(o.storageKey, { expiresInSeconds, contentType: o.contentType, downloadName: downloadName(o.key), forUserId: p.userId });
  }

  /** Move to the trash (with its derivatives); restorable until the org's retention passes. */
  trash(p: Principal, id: string, meta: RequestMeta): Promise<CatalogEntry> {
    return withTenant(this.ctx.database.db, p, async (tx) => {
      await this.assertCanModify(tx, p, id);
      const now = new Date();
      const row = await tx
        .updateTable('storage_objects')
        .set({ trashed_at: now, updated_at: now })
        .where('org_id', '=', p.orgId)
        .where('id', '=', id)
        .where('status', '=', 'active')
        .where('trashed_at', 'is', null)
        .returning(OBJECT_COLUMNS)
        .executeTakeFirst();
      if (!row) {
        const exists = await tx.selectFrom('storage_objects').select('id').where('org_id', '=', p.orgId).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
        if (!exists) throw notFound('File');
        throw conflict('This file is already in the trash', 'FILE_TRASHED');
      }
      await tx.updateTable('storage_objects').set({ trashed_at: now, updated_at: now }).where('org_id', '=', p.orgId).where('derived_from', '=', id).where('trashed_at', 'is', null).execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'storage.object.trashed', targetType: 'storage_object', targetId: id, metadata: { key: row.key } }, meta);
      const retention = await retentionDaysFor(tx, p.orgId, this.ctx.config.storage.trashRetentionDays);
      return withRestoreUntil(toStoredObject(row), retention);
    });
  }

  restore(p: Principal, id: string, meta: RequestMeta): Promise<CatalogEntry> {
    return withTenant(this.ctx.database.db, p, async (tx) => {
      const current = await tx.selectFrom('storage_objects').select(['key', 'trashed_at']).where('org_id', '=', p.orgId).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
      if (!current) throw notFound('File');
      this.ctx.storage.ownership.assertCanModify(p, current.key);
      if (!current.trashed_at) throw conflict('This file is not in the trash', 'FILE_NOT_TRASHED');
      const retention = await retentionDaysFor(tx, p.orgId, this.ctx.config.storage.trashRetentionDays);
      if (current.trashed_at.getTime() + retention * DAY_MS < Date.now()) {
        throw gone(`This file was trashed more than ${retention} days ago and can no longer be restored`, 'TRASH_EXPIRED');
      }
      const now = new Date();
      const row = await tx
        .updateTable('storage_objects')
        .set({ trashed_at: null, updated_at: now })
        .where('org_id', '=', p.orgId)
        .where((eb) => eb.or([eb('id', '=', id), eb('derived_from', '=', id)]))
        .returning(OBJECT_COLUMNS)
        .execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'storage.object.restored', targetType: 'storage_object', targetId: id }, meta);
      return withRestoreUntil(toStoredObject(row.find((r) => r.id === id)!), 0);
    });
  }

  /** Delete for good, trashed or not, with its derivatives; frees the quota. Audited. */
  async deletePermanently(p: Principal, id: string, meta: RequestMeta): Promise<void> {
    const removal = await withTenant(this.ctx.database.db, p, async (tx) => {
      const row = await tx.selectFrom('storage_objects').select(['key', 'size_bytes']).where('org_id', '=', p.orgId).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
      if (!row) throw notFound('File');
      this.ctx.storage.ownership.assertCanModify(p, row.key);
      const removed = await removeObjects(tx, p.orgId, [id]);
      await recordAudit(tx, p, { orgId: p.orgId, action: 'storage.object.deleted', targetType: 'storage_object', targetId: id, metadata: { key: row.key, bytes: removed.bytes, objects: removed.ids.length } }, meta);
      return removed;
    });
    await deleteStoredBytes(this.ctx, removal.storageKeys);
  }

  /** Files an app owns follow its rules here (ownership.ts); another org's id stays a 404. */
  private async assertCanModify(tx: Transaction<PlatformTables>, p: Principal, id: string): Promise<void> {
    const row = await tx.selectFrom('storage_objects').select('key').where('org_id', '=', p.orgId).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
    if (row) this.ctx.storage.ownership.assertCanModify(p, row.key);
  }
}

function withRestoreUntil(o: StoredObject, retentionDays: number): CatalogEntry {
  return { ...o, restoreUntil: o.trashedAt ? new Date(o.trashedAt.getTime() + retentionDays * DAY_MS) : null };
}
