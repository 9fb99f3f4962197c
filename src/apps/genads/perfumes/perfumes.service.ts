import { randomUUID } from 'node:crypto';
import { genadsDb } from '../db.js';
import { Readable } from 'node:stream';
import { sql, type Selectable } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { conflict, isUniqueViolation, notFound } from '../../../platform/errors.js';
import { deleteObjectsAt, deleteObjectsUnder, storeReplacing } from '../../../platform/storage/replace.js';
import { fetchPage } from '../../../platform/db/page.js';
import type { GenAdsPerfumesTable } from '../schema.js';
import type { PerfumeGender, ProductAngle } from '../pipeline/types.js';
import type { BrandRow } from '../brands/brands.service.js';
import { perfumeImageKey, perfumeImageTags, perfumePrefix, UPLOAD_KINDS } from '../storage-layout.js';

export type PerfumeRow = Selectable<GenAdsPerfumesTable>;
export const OPTIONAL_ANGLES = ['back', 'top', 'left', 'right'] as const satisfies readonly ProductAngle[];
export const ANGLES = ['front', ...OPTIONAL_ANGLES] as const satisfies readonly ProductAngle[];
type OptionalAngle = (typeof OPTIONAL_ANGLES)[number];

const imageColumn = (angle: ProductAngle) => `${angle}_image_url` as const;

export interface ListPerfumesQuery {
  page: number;
  limit: number;
  gender?: PerfumeGender;
  sort: 'created_at' | 'name';
  order: 'asc' | 'desc';
}

export function imagesCount(p: PerfumeRow): number {
  return ANGLES.filter((a) => p[imageColumn(a)]).length;
}

export function perfumeView(p: PerfumeRow, campaignsCount?: number) {
  return {
    perfume_id: p.perfume_id,
    brand_id: p.brand_id,
    perfume_name: p.perfume_name,
    perfume_gender: p.perfume_gender,
    front_image_url: p.front_image_url,
    back_image_url: p.back_image_url ?? undefined,
    top_image_url: p.top_image_url ?? undefined,
    left_image_url: p.left_image_url ?? undefined,
    right_image_url: p.right_image_url ?? undefined,
    images_count: imagesCount(p),
    ...(campaignsCount !== undefined ? { campaigns_count: campaignsCount } : {}),
    created_at: p.created_at.toISOString(),
    updated_at: p.updated_at.toISOString(),
  };
}

/** The brand's perfume library (seed: "perfumes"): names unique per brand, front image required. */
export class PerfumesService {
  constructor(private readonly ctx: PlatformContext) {}


  async create(p: Principal, brand: BrandRow, input: { name: string; gender: PerfumeGender; images: Partial<Record<ProductAngle, Buffer>> & { front: Buffer } }, meta: RequestMeta) {
    await this.assertNameFree(p, brand.brand_id, input.name);
    const perfumeId = randomUUID();
    const stored: string[] = [];
    try {
      for (const angle of ANGLES) {
        const png = input.images[angle];
        if (!png) continue;
        stored.push(await this.storeImage(p, brand.brand_id, perfumeId, angle, png));
      }
      const keyOf = (a: ProductAngle) => (input.images[a] ? perfumeImageKey(brand.brand_id, perfumeId, a) : null);
      return await genadsDb.withTenant(this.ctx, p, async (tx) => {
        const row = await tx
          .insertInto('genads_perfumes')
          .values({
            perfume_id: perfumeId,
            org_id: p.orgId,
            brand_id: brand.brand_id,
            perfume_name: input.name,
            perfume_gender: input.gender,
            front_image_url: keyOf('front')!,
            back_image_url: keyOf('back'),
            top_image_url: keyOf('top'),
            left_image_url: keyOf('left'),
            right_image_url: keyOf('right'),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(tx, p, { orgId: p.orgId, action: 'genads.perfume.created', targetType: 'genads_perfume', targetId: perfumeId, metadata: { perfume_name: input.name } }, meta);
        return row;
      });
    } catch (err) {
      await deleteObjectsAt(this.ctx, p, stored).catch((cleanupErr) => this.ctx.log.error({ err: cleanupErr }, 'could not remove the images of a failed perfume'));
      if (isUniqueViolation(err)) throw nameTaken(input.name);
      throw err;
    }
  }

  async list(p: Principal, brand: BrandRow, q: ListPerfumesQuery) {
    return genadsDb.withTenant(this.ctx, p, async (tx) => {
      let base = tx.selectFrom('genads_perfumes as pf').where('pf.org_id', '=', p.orgId).where('pf.brand_id', '=', brand.brand_id);
      if (q.gender) base = base.where('pf.perfume_gender', '=', q.gender);
      const { items, ...page } = await fetchPage(base, q, (filtered) => filtered
        .selectAll('pf')
        .select((eb) =>
          eb.selectFrom('genads_campaigns as c').select(sql<number>`count(*)::int`.as('n')).whereRef('c.perfume_id', '=', 'pf.perfume_id').where('c.org_id', '=', p.orgId).as('campaigns_count'),
        )
        .orderBy(q.sort === 'name' ? 'pf.perfume_name' : 'pf.created_at', q.order)
        .orderBy('pf.perfume_id', q.order));
      return {
        perfumes: items.map((r) => {
          const v = perfumeView(r, r.campaigns_count ?? 0);
          return { perfume_id: v.perfume_id, perfume_name: v.perfume_name, perfume_gender: v.perfume_gender, front_image_url: v.front_image_url, images_count: v.images_count, campaigns_count: v.campaigns_count, created_at: v.created_at };
        }),
        ...page,
      };
    });
  }

  /** A perfume of this brand, or 404 (also for other orgs' ids: RLS and the org filter hide them). */
  async get(p: Principal, brand: BrandRow, perfumeId: string): Promise<PerfumeRow> {
    const row = await genadsDb.withTenant(this.ctx, p, (tx) =>
      tx.selectFrom('genads_perfumes').selectAll().where('org_id', '=', p.orgId).where('brand_id', '=', brand.brand_id).where('perfume_id', '=', perfumeId).executeTakeFirst(),
    );
    if (!row) throw notFound('Perfume');
    return row;
  }

  async getWithCounts(p: Principal, brand: BrandRow, perfumeId: string) {
    const row = await this.get(p, brand, perfumeId);
    return perfumeView(row, await this.campaignsCount(p, perfumeId));
  }

  /** PUT: rename, change gender, replace any image, remove optional images. `current` is the row the caller loaded with `get` (its 404 check). */
  async update(
    p: Principal,
    brand: BrandRow,
    current: PerfumeRow,
    input: { name?: string; gender?: PerfumeGender; images: Partial<Record<ProductAngle, Buffer>>; removeAngles: OptionalAngle[] },
    meta: RequestMeta,
  ) {
    const perfumeId = current.perfume_id;
    if (input.name && input.name !== current.perfume_name) await this.assertNameFree(p, brand.brand_id, input.name);
    for (const angle of ANGLES) {
      const png = input.images[angle];
      if (png) await this.storeImage(p, brand.brand_id, perfumeId, angle, png);
    }
    const set: Partial<Record<string, string | null | Date>> = { updated_at: new Date() };
    if (input.name) set.perfume_name = input.name;
    if (input.gender) set.perfume_gender = input.gender;
    for (const angle of ANGLES) if (input.images[angle]) set[imageColumn(angle)] = perfumeImageKey(brand.brand_id, perfumeId, angle);
    const removed = input.removeAngles.filter((a) => !input.images[a] && current[imageColumn(a)]);
    for (const angle of removed) set[imageColumn(angle)] = null;
    try {
      const row = await genadsDb.withTenant(this.ctx, p, async (tx) => {
        const updated = await tx.updateTable('genads_perfumes').set(set).where('org_id', '=', p.orgId).where('perfume_id', '=', perfumeId).returningAll().executeTakeFirstOrThrow();
        await recordAudit(tx, p, { orgId: p.orgId, action: 'genads.perfume.updated', targetType: 'genads_perfume', targetId: perfumeId, metadata: { changed: Object.keys(set).filter((k) => k !== 'updated_at') } }, meta);
        return updated;
      });
      await deleteObjectsAt(this.ctx, p, removed.map((a) => current[imageColumn(a)]!));
      return perfumeView(row, await this.campaignsCount(p, perfumeId));
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(input.name!);
      throw err;
    }
  }

  /** DELETE: refused while campaigns exist (seed rule 4), then the row and its images go. */
  async delete(p: Principal, brand: BrandRow, perfumeId: string, meta: RequestMeta): Promise<void> {
    await genadsDb.withTenant(this.ctx, p, async (tx) => {
      const row = await tx.selectFrom('genads_perfumes').select(['perfume_id', 'perfume_name']).where('org_id', '=', p.orgId).where('brand_id', '=', brand.brand_id).where('perfume_id', '=', perfumeId).forUpdate().executeTakeFirst();
      if (!row) throw notFound('Perfume');
      const { n } = await tx.selectFrom('genads_campaigns').select(sql<number>`count(*)::int`.as('n')).where('org_id', '=', p.orgId).where('perfume_id', '=', perfumeId).executeTakeFirstOrThrow();
      if (n > 0) throw conflict(`This perfume has ${n} campaign${n === 1 ? '' : 's'}: delete them first`, 'PERFUME_HAS_CAMPAIGNS', { campaigns_count: n });
      await tx.deleteFrom('genads_perfumes').where('org_id', '=', p.orgId).where('perfume_id', '=', perfumeId).execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'genads.perfume.deleted', targetType: 'genads_perfume', targetId: perfumeId, metadata: { perfume_name: row.perfume_name } }, meta);
    });
    await deleteObjectsUnder(this.ctx, p, perfumePrefix(brand.brand_id, perfumeId));
  }

  private async campaignsCount(p: Principal, perfumeId: string): Promise<number> {
    return genadsDb.withTenant(this.ctx, p, async (tx) => {
      const { n } = await tx.selectFrom('genads_campaigns').select(sql<number>`count(*)::int`.as('n')).where('org_id', '=', p.orgId).where('perfume_id', '=', perfumeId).executeTakeFirstOrThrow();
      return n;
    });
  }

  private async assertNameFree(p: Principal, brandId: string, name: string) {
    const taken = await genadsDb.withTenant(this.ctx, p, (tx) =>
      tx.selectFrom('genads_perfumes').select('perfume_id').where('org_id', '=', p.orgId).where('brand_id', '=', brandId).where('perfume_name', '=', name).executeTakeFirst(),
    );
    if (taken) throw nameTaken(name);
  }

  private async storeImage(p: Principal, brandId: string, perfumeId: string, angle: ProductAngle, png: Buffer): Promise<string> {
    const key = perfumeImageKey(brandId, perfumeId, angle);
    await storeReplacing(this.ctx, p, { key, kind: UPLOAD_KINDS.image, stream: Readable.from([png]), sizeHint: png.length, tags: perfumeImageTags(brandId, perfumeId, angle) });
    return key;
  }
}

function nameTaken(name: string) {
  return conflict(`A perfume named "${name}" already exists in this brand: choose another name`, 'PERFUME_NAME_TAKEN');
}
