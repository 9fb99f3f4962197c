import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { badRequest, conflict, notFound } from '../../../platform/errors.js';
import { fetchPage, mapPage, type PageRequest } from '../../../platform/db/page.js';
import { removeObjects, deleteStoredBytes } from '../../../platform/storage/removal.js';
import { brandkitDb } from '../db.js';
import type { BrandkitTables, PaletteColor } from '../schema.js';
import { findPairing } from '../identity/fonts.js';
import { brandFilesPrefix } from '../storage-layout.js';
import { REQUIRED_STEPS, missingFor, stepAt, stepNumber, stepStates, stepUrl, WIZARD_STEPS, type BrandState, type WizardStep } from './wizard-steps.js';
/** A step's body as its schema (brand.schema.ts stepBodies) parsed it: every field optional. */
export type StepBody = Record<string, unknown>;

export type UserPrincipal = Principal & { userId: string };
type Tx = Transaction<BrandkitTables>;
type BrandRow = Awaited<ReturnType<typeof findOwnBrand>>;

/**
 * A user's brand inside their org, or 404: another user's brand, another org's (RLS hides it
 * too) and a missing one all look the same.
 */
export async function findOwnBrand(tx: Tx, p: UserPrincipal, brandId: string, options: { forUpdate?: boolean } = {}) {
  let q = tx.selectFrom('brandkit_brands').selectAll().where('org_id', '=', p.orgId).where('user_id', '=', p.userId).where('id', '=', brandId);
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('Brand');
  return row;
}

/** A submitted brand is final: the wizard no longer changes it. */
export function assertEditable(brand: { status: string }) {
  if (brand.status === 'submitted' || brand.status === 'published') {
    throw conflict(`This brand was ${brand.status} and can no longer be changed: start a new brand to make changes`, 'BRAND_SUBMITTED');
  }
}

/** Hooks other parts of the app attach to (CRM sync on submission). */
export type SubmittedHook = (tx: Tx, p: UserPrincipal, brandId: string) => Promise<void>;

/** Brands and the wizard over them: create, save a step (partial), move, submit, delete. */
export class BrandsService {
  private readonly onSubmitted: SubmittedHook[] = [];

  constructor(private readonly ctx: PlatformContext) {}

  whenSubmitted(hook: SubmittedHook) {
    this.onSubmitted.push(hook);
  }

  async create(p: UserPrincipal, input: { name?: string }, meta: RequestMeta) {
    return brandkitDb.withTenant(this.ctx, p, async (tx) => {
      const id = (await sql<{ id: string }>`select gen_random_uuid() as id`.execute(tx)).rows[0].id;
      await tx.insertInto('brandkit_brands').values({
        id, org_id: p.orgId, user_id: p.userId, name: input.name ?? null,
        color_palette: '[]', fonts: '{}', brand_values: '[]', wizard_step: 1, step_url: stepUrl(id, WIZARD_STEPS[0]),
      }).execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'brandkit.brand.created', targetType: 'brandkit_brand', targetId: id }, meta);
      return this.view(tx, await findOwnBrand(tx, p, id));
    });
  }

  async list(p: UserPrincipal, page: PageRequest) {
    return brandkitDb.withTenant(this.ctx, p, async (tx) => {
      const filtered = tx.selectFrom('brandkit_brands').where('org_id', '=', p.orgId).where('user_id', '=', p.userId);
      const rows = await fetchPage(filtered, page, (q) => q.select(['id', 'status', 'name', 'step_url', 'wizard_step', 'created_at', 'updated_at']).orderBy('updated_at', 'desc').orderBy('id', 'desc'));
      return mapPage(rows, (r) => ({ ...r, current_step: stepAt(r.wizard_step) }));
    });
  }

  async get(p: UserPrincipal, brandId: string) {
    return brandkitDb.withTenant(this.ctx, p, async (tx) => this.view(tx, await findOwnBrand(tx, p, brandId)));
  }

  /**
   * Save what the user entered on one step (partial: only the fields sent change). When the
   * step is then complete the wizard moves to the next step, otherwise it stays on this one;
   * either way step_url says where to resume. Saving an earlier step (revisiting) is allowed.
   */
  async saveStep(p: UserPrincipal, brandId: string, step: WizardStep, body: StepBody) {
    return brandkitDb.withTenant(this.ctx, p, async (tx) => {
      const brand = await findOwnBrand(tx, p, brandId, { forUpdate: true });
      assertEditable(brand);
      const changes: Record<string, unknown> = {};
      const b = body;
      for (const field of ['name', 'description', 'vision', 'target_audience', 'brand_archetype', 'logo_style', 'label_design'] as const) {
        if (b[field] !== undefined) changes[field] = b[field];
      }
      if (b.brand_values !== undefined) changes.brand_values = JSON.stringify(b.brand_values);
      if (b.color_palette !== undefined) {
        const colors = (b.color_palette as PaletteColor[]).map((c) => ({ hex: c.hex.toLowerCase(), role: c.role }));
        changes.color_palette = JSON.stringify(colors);
      }
      if (b.pairing !== undefined) {
        const pairing = findPairing(b.pairing as string);
        if (!pairing) throw badRequest(`No font pairing "${String(b.pairing)}": GET /brandkit/api/fonts lists them`, undefined, 'UNKNOWN_FONT_PAIRING');
        changes.fonts = JSON.stringify({ pairing: pairing.id, heading: pairing.heading.family, body: pairing.body.family, heading_weight: pairing.heading.weight, body_weight: pairing.body.weight });
      }
      await tx.updateTable('brandkit_brands').set({ ...changes, updated_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', brandId).execute();
      const updated = await findOwnBrand(tx, p, brandId);
      const state = await this.state(tx, updated);
      const complete = missingFor(step, state).length === 0;
      const next = complete && stepNumber(step) < WIZARD_STEPS.length ? stepAt(stepNumber(step) + 1) : step;
      await tx.updateTable('brandkit_brands')
        .set({ wizard_step: stepNumber(next), step_url: stepUrl(brandId, next), status: updated.status === 'draft' ? 'in_progress' : updated.status })
        .where('org_id', '=', p.orgId).where('id', '=', brandId).execute();
      return this.view(tx, await findOwnBrand(tx, p, brandId));
    });
  }

  /** Open a step without saving (back to revisit, or forward to a later one): the wizard resumes there. */
  async goTo(p: UserPrincipal, brandId: string, step: WizardStep) {
    return brandkitDb.withTenant(this.ctx, p, async (tx) => {
      const brand = await findOwnBrand(tx, p, brandId, { forUpdate: true });
      assertEditable(brand);
      await tx.updateTable('brandkit_brands').set({ wizard_step: stepNumber(step), step_url: stepUrl(brandId, step), updated_at: new Date() })
        .where('org_id', '=', p.orgId).where('id', '=', brandId).execute();
      return this.view(tx, await findOwnBrand(tx, p, brandId));
    });
  }

  /** Submit: only when every required step is complete; the answer names the missing ones. */
  async submit(p: UserPrincipal, brandId: string, meta: RequestMeta) {
    return brandkitDb.withTenant(this.ctx, p, async (tx) => {
      const brand = await findOwnBrand(tx, p, brandId, { forUpdate: true });
      assertEditable(brand);
      const state = await this.state(tx, brand);
      const missing = REQUIRED_STEPS.map((step) => ({ step, missing: missingFor(step, state) })).filter((s) => s.missing.length);
      if (missing.length) {
        throw conflict(
          `The brand cannot be submitted yet: complete ${missing.map((m) => `${m.step} (${m.missing.join(', ')})`).join('; ')}`,
          'STEPS_INCOMPLETE',
          { missing },
        );
      }
      const now = new Date();
      await tx.updateTable('brandkit_brands').set({ status: 'submitted', submitted_at: now, updated_at: now, wizard_step: stepNumber('review'), step_url: stepUrl(brandId, 'review') })
        .where('org_id', '=', p.orgId).where('id', '=', brandId).execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'brandkit.brand.submitted', targetType: 'brandkit_brand', targetId: brandId }, meta);
      for (const hook of this.onSubmitted) await hook(tx, p, brandId);
      return this.view(tx, await findOwnBrand(tx, p, brandId));
    });
  }

  /** Delete a brand with its rows and every file under its storage prefix. */
  async delete(p: UserPrincipal, brandId: string, meta: RequestMeta) {
    const removed = await brandkitDb.withTenant(this.ctx, p, async (tx) => {
      const brand = await findOwnBrand(tx, p, brandId, { forUpdate: true });
      const objects = await tx.selectFrom('storage_objects').select('id').where('org_id', '=', p.orgId).where('key', 'like', `${brandFilesPrefix(brand.user_id, brand.id)}%`).execute();
      const removal = await removeObjects(tx, p.orgId, objects.map((o) => o.id));
      await tx.deleteFrom('brandkit_brands').where('org_id', '=', p.orgId).where('id', '=', brandId).execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'brandkit.brand.deleted', targetType: 'brandkit_brand', targetId: brandId, metadata: { files: removal.ids.length } }, meta);
      return removal;
    });
    await deleteStoredBytes(this.ctx, removed.storageKeys);
  }

  /** The brand's fields plus the counts its steps depend on. */
  async state(tx: Tx, b: BrandRow): Promise<BrandState> {
    const counts = await tx
      .selectNoFrom((eb) => [
        eb.selectFrom('brandkit_brand_assets').select(eb.fn.countAll<number>().as('n')).where('org_id', '=', b.org_id).where('brand_id', '=', b.id).where('asset_type', '=', 'logo').where('is_primary', '=', true).as('logos'),
        eb.selectFrom('brandkit_brand_products').select(eb.fn.countAll<number>().as('n')).where('org_id', '=', b.org_id).where('brand_id', '=', b.id).as('products'),
        eb.selectFrom('brandkit_brand_mockups').select(eb.fn.countAll<number>().as('n')).where('org_id', '=', b.org_id).where('brand_id', '=', b.id).where('status', '=', 'approved').as('mockups'),
      ])
      .executeTakeFirstOrThrow();
    return {
      name: b.name, brand_values: b.brand_values, target_audience: b.target_audience, brand_archetype: b.brand_archetype,
      color_palette: b.color_palette, fonts: b.fonts, logo_style: b.logo_style, label_design: b.label_design,
      primaryLogos: Number(counts.logos ?? 0), selectedProducts: Number(counts.products ?? 0), approvedMockups: Number(counts.mockups ?? 0),
    };
  }

  async view(tx: Tx, b: BrandRow) {
    const state = await this.state(tx, b);
    return {
      id: b.id, user_id: b.user_id, status: b.status, name: b.name, description: b.description, vision: b.vision,
      color_palette: b.color_palette, fonts: b.fonts, logo_style: b.logo_style, brand_archetype: b.brand_archetype,
      brand_values: b.brand_values, target_audience: b.target_audience, label_design: b.label_design,
      step_url: b.step_url, wizard_step: b.wizard_step, current_step: stepAt(b.wizard_step), steps: stepStates(state),
      submitted_at: b.submitted_at, created_at: b.created_at, updated_at: b.updated_at,
    };
  }
}
