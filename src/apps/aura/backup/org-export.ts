import { Readable } from 'node:stream';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { tenantStorageKey } from '../../../platform/storage/keys.js';
import { auraDb } from '../db.js';
import { PHOTOS_PREFIX } from '../storage-layout.js';
import { StorageZip } from '../bundles/storage-zip.js';

/** Rows read per query: the bytes and data.json stream; only the ZIP's table of contents (per photo) is held. */
export const EXPORT_PAGE = 500;

/**
 * The seed's 6C "Backup Export": every photo's original at its storage path (trashed ones under
 * _trash/, where they are) plus data.json with the org's events, photos and bundles. Rows are
 * read page by page (keyset on id) in short transactions as the archive reaches them; the bytes
 * stream from storage one object at a time. The export is audited before the first byte.
 */
export async function exportOrg(ctx: PlatformContext, p: Principal, meta: RequestMeta): Promise<{ fileName: string; stream: Readable }> {
  const org = await auraDb.withTenant(ctx, p, async (tx) => {
    const org = await tx.selectFrom('orgs').select(['slug']).where('id', '=', p.orgId).executeTakeFirstOrThrow();
    await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.export', targetType: 'org', targetId: p.orgId }, meta);
    return org;
  });
  const zip = new StorageZip(ctx);
  // The originals: listed page by page (ids only, then their keys), each added lazily.
  for await (const page of photoPages(ctx, p.orgId)) {
    for (const photo of page) {
      const relative = photo.full_path.startsWith(PHOTOS_PREFIX) ? photo.full_path : `${PHOTOS_PREFIX}${photo.full_path}`;
      zip.addObject({ name: relative, storageKey: photo.storage_key ?? tenantStorageKey(p.orgId, photo.full_path), mtime: photo.created_at });
    }
  }
  zip.addLazyStream('data.json', () => Readable.from(dataJson(ctx, p.orgId, org.slug)));
  const day = new Date().toISOString().slice(0, 10);
  return { fileName: `${org.slug}-aura-export-${day}.zip`, stream: zip.end() };
}

async function* photoPages(ctx: PlatformContext, orgId: string) {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await auraDb.withTenant(ctx, { orgId }, (tx) =>
      tx
        .selectFrom('aura_photos as ph')
        .leftJoin('storage_objects as so', (j) => j.onRef('so.org_id', '=', 'ph.org_id').onRef('so.key', '=', 'ph.full_path').on('so.status', '=', 'active'))
        .select(['ph.id', 'ph.full_path', 'ph.created_at', 'so.storage_key'])
        .where('ph.org_id', '=', orgId)
        .where('ph.id', '>', after)
        .orderBy('ph.id')
        .limit(EXPORT_PAGE)
        .execute(),
    );
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1].id;
    if (rows.length < EXPORT_PAGE) return;
  }
}

/** data.json, written as it is read: {"org":…,"events":[…],"photos":[…],"bundles":[…]}. */
async function* dataJson(ctx: PlatformContext, orgId: string, slug: string): AsyncGenerator<string> {
  yield `{"format":"aura-export/1","org":${JSON.stringify({ id: orgId, slug })},"exported_at":${JSON.stringify(new Date())}`;
  const sections: Array<[string, (after: string) => Promise<Array<{ id: string }>>]> = [
    ['events', (after) => auraDb.withTenant(ctx, { orgId }, (tx) => tx.selectFrom('aura_events').selectAll().where('org_id', '=', orgId).where('id', '>', after).orderBy('id').limit(EXPORT_PAGE).execute())],
    ['photos', (after) => auraDb.withTenant(ctx, { orgId }, (tx) => tx.selectFrom('aura_photos').selectAll().where('org_id', '=', orgId).where('id', '>', after).orderBy('id').limit(EXPORT_PAGE).execute())],
    [
      'bundles',
      (after) =>
        auraDb.withTenant(ctx, { orgId }, async (tx) => {
          const bundles = await tx.selectFrom('aura_bundles').selectAll().where('org_id', '=', orgId).where('id', '>', after).orderBy('id').limit(EXPORT_PAGE).execute();
          const links = bundles.length
            ? await tx.selectFrom('aura_bundle_photos').select(['bundle_id', 'photo_id']).where('org_id', '=', orgId).where('bundle_id', 'in', bundles.map((b) => b.id)).orderBy('added_at').execute()
            : [];
          return bundles.map((b) => ({ ...b, photo_ids: links.filter((l) => l.bundle_id === b.id).map((l) => l.photo_id) }));
        }),
    ],
  ];
  for (const [name, read] of sections) {
    yield `,${JSON.stringify(name)}:[`;
    let after = '00000000-0000-0000-0000-000000000000';
    let first = true;
    for (;;) {
      const rows = await read(after);
      for (const row of rows) {
        yield `${first ? '' : ','}${JSON.stringify(row)}`;
        first = false;
      }
      if (rows.length < EXPORT_PAGE) break;
      after = rows[rows.length - 1].id;
    }
    yield ']';
  }
  yield '}';
}
