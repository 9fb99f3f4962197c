import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import sharp from 'sharp';
import type { PlatformContext } from '../../../platform/context.js';
import { storeUpload } from '../../../platform/storage/uploads.js';
import { brandkitDb } from '../db.js';
import { logoKey, mockupKey, UPLOAD_KINDS } from '../storage-layout.js';
import { NocoDbReader, type NocoDbOptions } from '../engines/nocodb/nocodb-reader.js';
import { LEGACY_TABLES, mapLegacyRow } from '../engines/nocodb/legacy-mapping.js';
import { formatDrift, reconcile, type MergedBrand } from '../engines/nocodb/drift.js';
import { stepAt, stepUrl } from '../brands/wizard-steps.js';
import { isArchetype } from '../identity/archetypes.js';

/**
 * `tenantry brandkit import-nocodb`: the seed's legacy wizard tables ("Wizard Data V2" and
 * "wizard_database") into brands of one org. Both tables are read whole first (paged), so a
 * NocoDB that fails or times out leaves nothing written; rows are mapped, reconciled (newer
 * wins, every difference listed in the report) and matched to the org's members by email.
 * Each brand is written in its own transaction with a stable id (its session id when that is
 * a UUID, else one derived from its key), so running the import again updates the same brands
 * and never duplicates them; legacy logo and mockup files are copied in under the seed's paths,
 * once each (their keys derive from their URLs).
 */
export interface ImportReport {
  dryRun: boolean;
  read: Record<string, number>;
  brands: Array<{ key: string; brand_id: string | null; name: string | null; email: string | null; outcome: 'created' | 'updated' | 'would import' | 'skipped'; note?: string }>;
  drift: string[];
  problems: string[];
}

export interface ImportProgress {
  start(total: number): void;
  tick(label: string): void;
  stop(): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID derived from the merged brand's key: the same legacy brand gets the same id every run. */
export function legacyBrandId(b: Pick<MergedBrand, 'sessionId' | 'key'>): string {
  if (b.sessionId && UUID.test(b.sessionId)) return b.sessionId.toLowerCase();
  const h = createHash('sha256').update(`brandkit-legacy:${b.key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function importNocoDb(
  ctx: PlatformContext,
  source: NocoDbOptions,
  orgId: string,
  options: { dryRun?: boolean; progress?: ImportProgress; fetchTimeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ImportReport> {
  const reader = new NocoDbReader(source);
  const v2 = await reader.readAll(LEGACY_TABLES.v2, { signal: options.signal });
  const original = await reader.readAll(LEGACY_TABLES.original, { signal: options.signal });
  const { brands, drift } = reconcile([
    [LEGACY_TABLES.v2, v2.map((r) => mapLegacyRow(LEGACY_TABLES.v2, r))],
    [LEGACY_TABLES.original, original.map((r) => mapLegacyRow(LEGACY_TABLES.original, r))],
  ]);
  const report: ImportReport = { dryRun: !!options.dryRun, read: { [LEGACY_TABLES.v2]: v2.length, [LEGACY_TABLES.original]: original.length }, brands: [], drift: formatDrift(drift), problems: [] };
  const members = await brandkitDb.withTenant(ctx, { orgId }, (tx) =>
    tx.selectFrom('memberships as m').innerJoin('users as u', 'u.id', 'm.user_id').select(['u.id', 'u.email']).where('m.org_id', '=', orgId).execute(),
  );
  const byEmail = new Map(members.map((m) => [m.email.toLowerCase(), m.id]));
  options.progress?.start(brands.length);
  try {
    for (const b of brands) {
      for (const p of b.problems) report.problems.push(`${b.key}: ${p}`);
      const userId = b.email ? byEmail.get(b.email.toLowerCase()) : undefined;
      const id = legacyBrandId(b);
      if (!userId) {
        report.brands.push({ key: b.key, brand_id: null, name: b.fields.name ?? null, email: b.email, outcome: 'skipped', note: b.email ? `no member of the org has the email ${b.email}: invite them, then run the import again` : 'the legacy row has no email to match a user by' });
      } else if (options.dryRun) {
        report.brands.push({ key: b.key, brand_id: id, name: b.fields.name ?? null, email: b.email, outcome: 'would import' });
      } else {
        try {
          const outcome = await writeBrand(ctx, orgId, userId, id, b, options.fetchTimeoutMs ?? 30_000, report);
          report.brands.push({ key: b.key, brand_id: id, name: b.fields.name ?? null, email: b.email, outcome });
        } catch (err) {
          report.brands.push({ key: b.key, brand_id: id, name: b.fields.name ?? null, email: b.email, outcome: 'skipped', note: `could not be written: ${(err as Error).message}` });
        }
      }
      options.progress?.tick(b.fields.name ?? b.key);
    }
  } finally {
    options.progress?.stop();
  }
  return report;
}

async function writeBrand(ctx: PlatformContext, orgId: string, userId: string, id: string, b: MergedBrand, fetchTimeoutMs: number, report: ImportReport): Promise<'created' | 'updated'> {
  const f = b.fields;
  const step = Math.min(8, Math.max(1, f.wizard_step ?? 1));
  const values = {
    name: f.name ?? null, description: f.description ?? null, vision: f.vision ?? null,
    color_palette: JSON.stringify(f.color_palette ?? []), fonts: JSON.stringify(f.fonts ?? {}), logo_style: f.logo_style ?? null,
    // The mapping left out names that are not archetypes; this narrows the type for the column.
    brand_archetype: f.brand_archetype && isArchetype(f.brand_archetype) ? f.brand_archetype : null, brand_values: JSON.stringify(f.brand_values ?? []), target_audience: f.target_audience ?? null,
    label_design: f.label_design ?? null, wizard_step: step, step_url: stepUrl(id, stepAt(step)),
    status: f.status ?? 'draft', submitted_at: f.status === 'submitted' || f.status === 'published' ? (b.updatedAt ?? new Date()) : null,
    updated_at: b.updatedAt ?? new Date(),
  };
  const created = await brandkitDb.withTenant(ctx, { orgId, userId }, async (tx) => {
    const row = await tx.insertInto('brandkit_brands')
      .values({ id, org_id: orgId, user_id: userId, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values).where('brandkit_brands.org_id', '=', orgId))
      .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
      .executeTakeFirst();
    if (!row) throw new Error('a brand with this id belongs to another organisation');
    return row.inserted;
  });
  // Legacy files: copied once each (keys derive from the URL), the first logo primary.
  const files = [...b.assets.logoUrls.map((url) => ({ url, type: 'logo' as const })), ...b.assets.mockupUrls.map((url) => ({ url, type: 'mockup' as const }))];
  for (const [i, file] of files.entries()) {
    const name = `legacy-${createHash('sha256').update(file.url).digest('hex').slice(0, 16)}.png`;
    const key = file.type === 'logo' ? logoKey(userId, id, name) : mockupKey(userId, id, name);
    const exists = await brandkitDb.withTenant(ctx, { orgId }, (tx) => tx.selectFrom('brandkit_brand_assets').select('id').where('org_id', '=', orgId).where('file_key', '=', key).executeTakeFirst());
    if (exists) continue;
    try {
      const res = await fetch(file.url, { signal: AbortSignal.timeout(fetchTimeoutMs) });
      if (!res.ok) throw new Error(`answered ${res.status}`);
      const png = await sharp(Buffer.from(await res.arrayBuffer()), { limitInputPixels: 40_000_000 }).png().toBuffer().catch(() => {
        throw new Error('is not an image');
      });
      const stored = await storeUpload(ctx, { orgId, userId }, { key, kind: UPLOAD_KINDS.brandImage, stream: Readable.from(png), contentType: 'image/png', sizeHint: png.length });
      await brandkitDb.withTenant(ctx, { orgId, userId }, async (tx) => {
        const metadata = JSON.stringify({ mime_type: 'image/png', size: png.length, source: 'nocodb', legacy_url: file.url });
        if (file.type === 'mockup') {
          await tx.insertInto('brandkit_brand_mockups').values({ org_id: orgId, brand_id: id, mockup_key: key, status: 'approved', prompt_used: 'imported from NocoDB', generation_params: JSON.stringify({ legacy_url: file.url }), variation_number: 1 }).execute();
        }
        const hasPrimary = file.type === 'logo' && (await tx.selectFrom('brandkit_brand_assets').select('id').where('org_id', '=', orgId).where('brand_id', '=', id).where('asset_type', '=', 'logo').where('is_primary', '=', true).executeTakeFirst());
        await tx.insertInto('brandkit_brand_assets').values({ org_id: orgId, brand_id: id, asset_type: file.type, file_key: key, file_name: name, metadata, is_primary: file.type === 'logo' && !hasPrimary && i === 0 }).execute();
      }).catch(async (err) => {
        await brandkitDb.withTenant(ctx, { orgId }, (tx) => tx.deleteFrom('storage_objects').where('org_id', '=', orgId).where('id', '=', stored.id).execute()).catch(() => {});
        throw err;
      });
    } catch (err) {
      report.problems.push(`${b.key}: ${file.type} ${file.url} ${(err as Error).message}; run the import again to retry it`);
    }
  }
  return created ? 'created' : 'updated';
}
