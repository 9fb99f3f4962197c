import type { Readable } from 'node:stream';
import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { TenantScope } from '../../../platform/db/tenant.js';
import { tenantStorageKey } from '../../../platform/storage/keys.js';
import { auraDb } from '../db.js';
import type { AuraTables } from '../schema.js';
import { BundlesService, bundlePhotos } from './bundles.service.js';
import { StorageZip } from './storage-zip.js';

/** "Smith wedding / guests" → "Smith wedding _ guests.zip": a name safe on every file system. */
export function zipFileName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const safe = name.replace(/[\\/:*?"<>|\x00-\x1f]+/g, '_').trim().slice(0, 150);
  return `${safe || 'bundle'}.zip`;
}

/**
 * A bundle's live photos (originals) as a streamed ZIP, flat, by file name (the same name twice
 * gets " (2)"). The rows are read in one short transaction; the bytes are streamed afterwards.
 */
export async function bundleZip(ctx: PlatformContext, scope: TenantScope, bundleId: string): Promise<{ fileName: string; stream: Readable }> {
  const { bundle, photos, stored } = await auraDb.withTenant(ctx, scope, async (tx) => {
    const bundle = await new BundlesService(ctx).bundleRow(tx, scope.orgId, bundleId);
    const photos = await bundlePhotos(tx, scope.orgId, bundleId);
    return { bundle, photos, stored: await storedKeysOf(tx, scope.orgId, photos) };
  });
  return { fileName: zipFileName(bundle.name), stream: originalsZip(ctx, scope.orgId, photos, stored) };
}

export interface ZipPhoto {
  path: string;
  full_path: string;
  created_at: Date;
}

/** The driver keys of the photos' originals, by catalog key (read inside the caller's transaction). */
export async function storedKeysOf(tx: Transaction<AuraTables>, orgId: string, photos: readonly ZipPhoto[]): Promise<Map<string, string>> {
  const keys = photos.map((p) => p.full_path);
  const stored = keys.length ? await tx.selectFrom('storage_objects').select(['key', 'storage_key']).where('org_id', '=', orgId).where('status', '=', 'active').where('key', 'in', keys).execute() : [];
  return new Map(stored.map((s) => [s.key, s.storage_key]));
}

/** The photos' originals as a streamed ZIP, flat, by file name: bundles and guests' downloads. */
export function originalsZip(ctx: PlatformContext, orgId: string, photos: readonly ZipPhoto[], storageKeyOf: Map<string, string>): Readable {
  const zip = new StorageZip(ctx);
  for (const p of photos) {
    zip.addObject({ name: p.path, storageKey: storageKeyOf.get(p.full_path) ?? tenantStorageKey(orgId, p.full_path), mtime: p.created_at });
  }
  return zip.end();
}
