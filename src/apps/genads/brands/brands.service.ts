import { randomUUID } from 'node:crypto';
import { genadsDb } from '../db.js';
import { Readable } from 'node:stream';
import { sql, type Selectable } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { conflict, forbidden, isUniqueViolation, notFound } from '../../../platform/errors.js';
import { deleteObjectsAt, storeReplacing } from '../../../platform/storage/replace.js';
import type { GenAdsBrandsTable } from '../schema.js';
import { brandAssetTags, brandGuidelinesKey, brandLogoKey, UPLOAD_KINDS, type GuidelinesType } from '../storage-layout.js';

export type BrandRow = Selectable<GenAdsBrandsTable>;

export interface BrandAssets {
  logoPng?: Buffer;
  guidelines?: { bytes: Buffer; type: GuidelinesType };
}

export function brandView(b: BrandRow) {
  return {
    brand_id: b.brand_id,
    brand_name: b.brand_name,
    brand_logo_url: b.brand_logo_url,
    brand_guidelines_url: b.brand_guidelines_url,
    onboarding_completed: b.onboarding_completed,
    created_at: b.created_at.toISOString(),
    updated_at: b.updated_at.toISOString(),
  };
}

/** The brand of the caller's org (seed: "brands"), its onboarding and its statistics. */
export class BrandsService {
  constructor(private readonly ctx: PlatformContext) {}


  /** The org's brand, or null before onboarding. */
  find(p: Principal): Promise<BrandRow | null> {
    return genadsDb.withTenant(this.ctx, p, async (tx) => (await tx.selectFrom('genads_brands').selectAll().where('org_id', '=', p.orgId).executeTakeFirst()) ?? null);
  }

  async get(p: Principal): Promise<BrandRow> {
    const brand = await this.find(p);
    if (!brand) throw notFound('Brand not found: complete onboarding first (POST /genads/api/brands/onboard). Brand');
    return brand;
  }

  /** The brand, for routes that need onboarding done: 403 ONBOARDING_REQUIRED otherwise. */
  async requireOnboarded(p: Principal): Promise<BrandRow> {
    const brand = await this.find(p);
    if (!brand || !brand.onboarding_completed) throw forbidden('Onboarding not completed: create your brand first with POST /genads/api/brands/onboard', 'ONBOARDING_REQUIRED');
    return brand;
  }

  /**
   * POST /api/brands/onboard: one brand per org, its name unique across all brands. The logo
   * and guidelines are stored at the seed's keys first; if the row then cannot be written
   * (a name taken meanwhile), they are removed again.
   */
  async onboard(p: Principal, input: { brandName: string; logoPng: Buffer; guidelines: { bytes: Buffer; type: GuidelinesType } }, meta: RequestMeta) {
    const existing = await this.find(p);
    if (existing) throw conflict('This organisation already has a brand: update it with PUT /genads/api/brands/me', 'ALREADY_ONBOARDED');
    await this.assertNameFree(p, input.brandName);

    const brandId = randomUUID();
    const logoKey = brandLogoKey(brandId);
    const guidelinesKey = brandGuidelinesKey(brandId, input.guidelines.type);
    const stored: string[] = [];
    try {
      await this.storeAsset(p, brandId, logoKey, input.logoPng, UPLOAD_KINDS.image);
      stored.push(logoKey);
      await this.storeAsset(p, brandId, guidelinesKey, input.guidelines.bytes, UPLOAD_KINDS.guidelines);
      stored.push(guidelinesKey);
      return await genadsDb.withTenant(this.ctx, p, async (tx) => {
        const brand = await tx
          .insertInto('genads_brands')
          .values({ brand_id: brandId, org_id: p.orgId, user_id: p.userId, brand_name: input.brandName, brand_logo_url: logoKey, brand_guidelines_url: guidelinesKey, onboarding_completed: true })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(tx, p, { orgId: p.orgId, action: 'genads.brand.onboarded', targetType: 'genads_brand', targetId: brandId, metadata: { brand_name: input.brandName } }, meta);
        return brand;
      });
    } catch (err) {
      await deleteObjectsAt(this.ctx, p, stored).catch((cleanupErr) => this.ctx.log.error({ err: cleanupErr }, 'could not remove the assets of a failed onboarding'));
      if (isUniqueViolation(err)) {
        if (await this.find(p)) throw conflict('This organisation already has a brand', 'ALREADY_ONBOARDED');
        throw nameTaken(input.brandName);
      }
      throw err;
    }
  }

  /** PUT /api/brands/me: rename, or replace the logo or guidelines (which drops the cached guideline analysis). */
  async update(p: Principal, brand: BrandRow, input: { brandName?: string } & BrandAssets, meta: RequestMeta): Promise<BrandRow> {
    if (input.brandName && input.brandName.toLowerCase() !== brand.brand_name.toLowerCase()) await this.assertNameFree(p, input.brandName);
    if (input.logoPng) await this.storeAsset(p, brand.brand_id, brand.brand_logo_url, input.logoPng, UPLOAD_KINDS.image);
    let guidelinesKey = brand.brand_guidelines_url;
    if (input.guidelines) {
      guidelinesKey = brandGuidelinesKey(brand.brand_id, input.guidelines.type);
      await this.storeAsset(p, brand.brand_id, guidelinesKey, input.guidelines.bytes, UPLOAD_KINDS.guidelines);
    }
    try {
      const updated = await genadsDb.withTenant(this.ctx, p, async (tx) => {
        const row = await tx
          .updateTable('genads_brands')
          .set({ brand_name: input.brandName ?? brand.brand_name, brand_guidelines_url: guidelinesKey, updated_at: new Date() })
          .where('org_id', '=', p.orgId)
          .where('brand_id', '=', brand.brand_id)
          .returningAll()
          .executeTakeFirstOrThrow();
        if (input.guidelines) await tx.deleteFrom('genads_brand_styles').where('org_id', '=', p.orgId).where('brand_id', '=', brand.brand_id).execute();
        const changed = [input.brandName && 'brand_name', input.logoPng && 'logo', input.guidelines && 'guidelines'].filter(Boolean);
        await recordAudit(tx, p, { orgId: p.orgId, action: 'genads.brand.updated', targetType: 'genads_brand', targetId: brand.brand_id, metadata: { changed } }, meta);
        return row;
      });
      // A PDF replaced by a DOCX (or the reverse) leaves the old document behind: remove it.
      if (guidelinesKey !== brand.brand_guidelines_url) await deleteObjectsAt(this.ctx, p, [brand.brand_guidelines_url]);
      return updated;
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(input.brandName!);
      throw err;
    }
  }

  /** GET /api/brands/me/stats. */
  async stats(p: Principal, brand: BrandRow) {
    return genadsDb.withTenant(this.ctx, p, async (tx) => {
      const perfumes = await tx.selectFrom('genads_perfumes').select(sql<number>`count(*)::int`.as('n')).where('org_id', '=', p.orgId).where('brand_id', '=', brand.brand_id).executeTakeFirstOrThrow();
      const c = await tx
        .selectFrom('genads_campaigns')
        .select([
          sql<number>`count(*)::int`.as('total'),
          sql<string>`coalesce(sum(cost), 0)`.as('cost'),
          sql<number>`(count(*) filter (where status = 'completed'))::int`.as('completed'),
          sql<number>`(count(*) filter (where status = 'processing'))::int`.as('processing'),
          sql<number>`(count(*) filter (where status = 'failed'))::int`.as('failed'),
          sql<number>`(count(*) filter (where status = 'pending'))::int`.as('pending'),
        ])
        .where('org_id', '=', p.orgId)
        .where('brand_id', '=', brand.brand_id)
        .executeTakeFirstOrThrow();
      return {
        total_perfumes: perfumes.n,
        total_campaigns: c.total,
        total_cost: Number(c.cost),
        completed_campaigns: c.completed,
        processing_campaigns: c.processing,
        failed_campaigns: c.failed,
        pending_campaigns: c.pending,
      };
    });
  }

  /** Names are unique across every brand: checked up front for a clear answer (the unique index is the real guard). */
  private async assertNameFree(p: Principal, name: string) {
    // RLS hides other orgs' brands, so the check asks the database's unique index instead:
    // a probe that is rolled back. Any org could learn a name is taken by trying to use it,
    // which the seed accepts (brand names are public identities).
    const taken = await genadsDb.withTenant(this.ctx, p, async (tx) => {
      const row = await sql<{ taken: boolean }>`select genads_brand_name_taken(${name}) as taken`.execute(tx);
      return row.rows[0]?.taken ?? false;
    });
    if (taken) throw nameTaken(name);
  }

  private async storeAsset(p: Principal, brandId: string, key: string, bytes: Buffer, kind: string) {
    return storeReplacing(this.ctx, p, { key, kind, stream: Readable.from([bytes]), sizeHint: bytes.length, tags: brandAssetTags(brandId) });
  }
}

function nameTaken(name: string) {
  return conflict(`The brand name "${name}" is already taken: choose another`, 'BRAND_NAME_TAKEN');
}
