import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { findObjectAt } from '../../../platform/storage/replace.js';
import { gone } from '../../../platform/errors.js';
import { downloadName } from '../../../platform/storage/catalog.js';

/** The seed's presigned URLs: one file, one hour. */
export const LINK_TTL_SECONDS = 3600;

/** Presigned download URLs for GenAds files, found through the org's object catalog. */
export class AssetLinks {
  constructor(private readonly ctx: PlatformContext) {}

  /** A 1-hour URL for the object at `key`; 410 when it is gone (expired by its lifecycle rule). */
  async presign(p: Principal, key: string): Promise<string> {
    const url = await this.tryPresign(p, key);
    if (!url) throw gone(`The file ${downloadName(key)} is no longer stored (drafts are kept 30 days, final videos 90): generate the campaign again`, 'FILE_EXPIRED');
    return url;
  }

  async tryPresign(p: Principal, key: string): Promise<string | null> {
    const object = await findObjectAt(this.ctx, p, key);
    if (!object || object.trashedAt) return null;
    return this.ctx.storage.driver.presignGet(object.storageKey, { expiresInSeconds: LINK_TTL_SECONDS, contentType: object.contentType, downloadName: downloadName(key), forUserId: p.userId });
  }
}
