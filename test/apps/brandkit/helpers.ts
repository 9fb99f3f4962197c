import { Readable } from 'node:stream';
import sharp from 'sharp';
import { createSuperadmin } from '../../../src/platform/admin/superadmin.js';
import { storeUpload } from '../../../src/platform/storage/uploads.js';
import { uniqueEmail, type TestPlatform } from '../../support/platform.js';
import { brandkitDb } from '../../../src/apps/brandkit/db.js';
import { mockupKey } from '../../../src/apps/brandkit/storage-layout.js';

/** A superadmin who can log in, as `tenantry admin create-superadmin` makes one. */
export async function superadmin(t: TestPlatform) {
  const email = uniqueEmail('root');
  const created = await createSuperadmin(t.db, { email, password: 'root password 1', storageLimitBytes: 500 * 1024 * 1024 });
  const login = await t.request('POST', '/api/v1/auth/login', { body: { email, password: 'root password 1' } });
  if (login.statusCode !== 200) throw new Error(`superadmin login failed: ${login.body}`);
  return { token: login.json().access_token as string, userId: created.id, orgId: created.orgId };
}

/** A flat-colour PNG with a darker disc: a stand-in logo or product photo with known colours. */
export function pngOf(color: string, size = 256, disc = '#202020') {
  return sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="100%" height="100%" fill="${color}"/><circle cx="${size / 2}" cy="${size / 2}" r="${size / 5}" fill="${disc}"/></svg>`)).png().toBuffer();
}

/**
 * A mockup as the renderer leaves it: the image stored at the seed's mockups path and its row.
 * For tests of reviewing mockups independent of how they are generated.
 */
export async function storedMockup(t: TestPlatform, owner: { orgId: string; userId: string }, brandId: string, productId: string) {
  const png = await pngOf('#88aacc', 128);
  const key = mockupKey(owner.userId, brandId, `test-${Math.random().toString(36).slice(2)}.png`);
  await storeUpload(t.platform.ctx, owner, { key, kind: 'brandkit.image', stream: Readable.from(png), contentType: 'image/png', sizeHint: png.length });
  return brandkitDb.withTenant(t.platform.ctx, owner, (tx) =>
    tx.insertInto('brandkit_brand_mockups').values({ org_id: owner.orgId, brand_id: brandId, product_id: productId, mockup_key: key, generation_params: '{}', variation_number: 1 }).returning('id').executeTakeFirstOrThrow(),
  );
}
