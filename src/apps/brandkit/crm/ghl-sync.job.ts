import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { tenantStorageKey } from '../../../platform/storage/keys.js';
import { brandkitSettings } from '../config.js';
import { brandkitDb } from '../db.js';
import { GhlClient } from '../engines/ghl/ghl-client.js';

/** CRM links to the brand's files outlive a browser's: a week (the longest an S3 presigned URL may live). */
const CRM_LINK_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Keep the user's GoHighLevel contact in step: on their first profile save (the seed's
 * "sign-up → ghl_contacts row created") and on a brand's submission (with the brand's final
 * assets). Idempotent: ghl_contacts keeps the contact id, so a second run updates that contact
 * and never creates another; GHL's own upsert by email/phone covers a contact deleted there.
 * The row is written only after GHL answered; a failed call is retried by the job (429, 5xx,
 * network) or fails at once (bad token, bad input), and nothing is half-written.
 */
export const ghlSyncJob = defineJob({
  name: 'brandkit.ghl-sync',
  schema: z.object({ userId: z.uuid(), brandId: z.uuid().optional() }),
  retryLimit: 4,
  retryDelaySeconds: 10,
  expireInSeconds: 300,
  async handler(ctx, job) {
    const config = brandkitSettings.load(ctx.config);
    if (!config.ghl) return { skipped: 'GoHighLevel is not configured' };
    const { userId, brandId } = job.data;
    const scope = { orgId: job.orgId, userId };
    const data = await brandkitDb.withTenant(ctx, scope, async (tx) => {
      const user = await tx.selectFrom('users').select(['email']).where('id', '=', userId).executeTakeFirst();
      const profile = await tx.selectFrom('brandkit_profiles').select(['phone', 'full_name']).where('org_id', '=', job.orgId).where('user_id', '=', userId).executeTakeFirst();
      const known = await tx.selectFrom('brandkit_ghl_contacts').select(['ghl_contact_id', 'ghl_location_id']).where('org_id', '=', job.orgId).where('user_id', '=', userId).executeTakeFirst();
      const brand = brandId ? await tx.selectFrom('brandkit_brands').select(['id', 'name', 'status']).where('org_id', '=', job.orgId).where('id', '=', brandId).where('user_id', '=', userId).executeTakeFirst() : undefined;
      const assets = brand ? await tx.selectFrom('brandkit_brand_assets').select(['asset_type', 'file_key', 'is_primary', 'metadata']).where('org_id', '=', job.orgId).where('brand_id', '=', brand.id).execute() : [];
      return { user, profile, known, brand, assets };
    });
    if (!data.user) return { skipped: 'the user is gone' };
    await job.reportProgress(20, 'sending the contact to GoHighLevel');
    const link = (key: string, contentType?: string) => ctx.storage.driver.presignGet(tenantStorageKey(job.orgId, key), { expiresInSeconds: CRM_LINK_TTL_SECONDS, contentType });
    const logo = data.assets.find((a) => a.asset_type === 'logo' && a.is_primary);
    const guide = data.assets.find((a) => a.asset_type === 'brand_guide' && a.is_primary);
    const mockups = data.assets.filter((a) => a.asset_type === 'mockup');
    const client = new GhlClient({ baseUrl: config.ghl.baseUrl, token: config.ghl.token, locationId: config.ghl.locationId });
    // A contact id from another location (the setting changed) is not this location's contact.
    const knownId = data.known?.ghl_location_id === config.ghl.locationId ? data.known.ghl_contact_id : null;
    const result = await client.syncContact({
      knownContactId: knownId,
      profile: { email: data.user.email, phone: data.profile?.phone ?? null, fullName: data.profile?.full_name ?? null, tags: ['brandkit', ...(data.brand ? [`brandkit-${data.brand.status}`] : [])] },
      ...(data.brand
        ? {
            assets: {
              brandName: data.brand.name,
              status: data.brand.status,
              logoUrl: logo ? await link(logo.file_key, String(logo.metadata.mime_type ?? '')) : null,
              guideUrl: guide ? await link(guide.file_key, 'application/pdf') : null,
              mockupUrls: await Promise.all(mockups.map((m) => link(m.file_key))),
            },
          }
        : {}),
    }, job.signal);
    await job.reportProgress(80, 'recording the contact');
    const now = new Date();
    const syncData = JSON.stringify({ via: result.via, created: result.created, brand_id: brandId ?? null, job_id: job.id });
    await brandkitDb.withTenant(ctx, scope, (tx) =>
      tx.insertInto('brandkit_ghl_contacts')
        .values({ org_id: job.orgId, user_id: userId, ghl_contact_id: result.contactId, ghl_location_id: config.ghl!.locationId, sync_data: syncData, last_synced_at: now })
        .onConflict((oc) => oc.columns(['org_id', 'user_id']).doUpdateSet({ ghl_contact_id: result.contactId, ghl_location_id: config.ghl!.locationId, sync_data: syncData, last_synced_at: now, updated_at: now }))
        .execute(),
    );
    return { contact_id: result.contactId, via: result.via };
  },
});
