import sharp from 'sharp';
import { withSystem } from '../../../src/platform/db/tenant.js';
import type { TestPlatform } from '../../support/platform.js';
import { multipartForm } from '../../support/multipart.js';

export async function pngBytes(width = 16, height = 16): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3366ff' } }).png().toBuffer();
}

/** A form with one file in the field "file". */
export function multipartBody(fields: Record<string, string>, file: { name: string; type: string; data: Buffer }): { payload: Buffer; contentType: string } {
  return multipartForm(fields, [{ field: 'file', filename: file.name, type: file.type, data: file.data }]);
}

/** Quota counters and catalog/driver contents of one org, read as the platform (no RLS). */
export async function orgStorage(t: TestPlatform, orgId: string) {
  const org = await withSystem(t.db, (tx) =>
    tx.selectFrom('orgs').select(['storage_used_bytes', 'storage_reserved_bytes', 'storage_limit_bytes']).where('id', '=', orgId).executeTakeFirstOrThrow(),
  );
  const rows = await withSystem(t.db, (tx) => tx.selectFrom('storage_objects').select(['id', 'status', 'key']).where('org_id', '=', orgId).execute());
  const stored: string[] = [];
  const driver = t.platform.ctx.storage.driver;
  for (const prefix of [`${orgId}/`, `staging/${orgId}/`]) for await (const e of driver.list(prefix)) stored.push(e.key);
  return { used: org.storage_used_bytes, reserved: org.storage_reserved_bytes, limit: org.storage_limit_bytes, rows, stored };
}

export async function setStorageLimit(t: TestPlatform, orgId: string, bytes: number) {
  await withSystem(t.db, (tx) => tx.updateTable('orgs').set({ storage_limit_bytes: bytes }).where('id', '=', orgId).execute());
}
