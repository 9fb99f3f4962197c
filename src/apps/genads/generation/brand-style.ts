import { buffer } from 'node:stream/consumers';
import type { PlatformContext } from '../../../platform/context.js';
import { conflict } from '../../../platform/errors.js';
import { findObjectAt } from '../../../platform/storage/replace.js';
import type { BrandStyle } from '../pipeline/types.js';
import type { BrandRow } from '../brands/brands.service.js';
import { GUIDELINES_TYPES, type GuidelinesType } from '../storage-layout.js';
import type { PipelineKit } from './pipeline-kit.js';
import { genadsDb } from '../db.js';
import { costOfFailure } from '../pipeline/paid-failure.js';

export interface BrandStyleResult {
  style: BrandStyle;
  /** What this call spent: 0 when the cached analysis was used. */
  cost: number;
  cached: boolean;
  /** Set when the configured analyzer failed and the rules stood in. */
  fallbackReason?: string;
}

/**
 * The brand's guidelines as the planner uses them (seed: get_brand_style, "cached per brand
 * until guidelines updated"). The cache row is keyed by the document's SHA-256 from the
 * object catalog, so a replaced document is analysed again even if nobody cleared the cache.
 */
export async function brandStyleFor(ctx: PlatformContext, kit: PipelineKit, orgId: string, brand: BrandRow, signal?: AbortSignal): Promise<BrandStyleResult> {
  const scope = { orgId };
  const doc = await findObjectAt(ctx, scope, brand.brand_guidelines_url);
  if (!doc) throw conflict('The brand guidelines document is missing: upload it again with PUT /genads/api/brands/me', 'GUIDELINES_MISSING');
  const cached = await genadsDb.withTenant(ctx, scope, (tx) =>
    tx.selectFrom('genads_brand_styles').select('style').where('org_id', '=', orgId).where('brand_id', '=', brand.brand_id).where('guidelines_sha256', '=', doc.sha256).executeTakeFirst(),
  );
  if (cached) return { style: cached.style, cost: 0, cached: true };

  if (!(doc.contentType in GUIDELINES_TYPES)) throw conflict(`The brand guidelines are stored as ${doc.contentType}: upload a PDF or DOCX`, 'GUIDELINES_UNREADABLE');
  const bytes = await buffer((await ctx.storage.driver.get(doc.storageKey)).stream);
  const text = await kit.extractGuidelinesText(bytes, doc.contentType as GuidelinesType);
  let result: { style: BrandStyle; cost: number };
  let fallbackReason: string | undefined;
  try {
    result = await kit.analyzer.analyze(text, signal);
  } catch (err) {
    if (!kit.fallbackAnalyzer || signal?.aborted) throw err;
    fallbackReason = (err as Error).message;
    ctx.log.warn({ err, brandId: brand.brand_id }, 'guidelines analysis by the LLM failed; using the rules');
    const fallback = await kit.fallbackAnalyzer.analyze(text, signal);
    // What the failed LLM calls already cost still counts.
    result = { style: fallback.style, cost: fallback.cost + costOfFailure(err) };
  }
  await genadsDb.withTenant(ctx, scope, (tx) =>
    tx
      .insertInto('genads_brand_styles')
      .values({ brand_id: brand.brand_id, org_id: orgId, guidelines_sha256: doc.sha256, style: JSON.stringify(result.style), cost: result.cost })
      .onConflict((oc) => oc.column('brand_id').doUpdateSet({ guidelines_sha256: doc.sha256, style: JSON.stringify(result.style), cost: result.cost, extracted_at: new Date() }))
      .execute(),
  );
  return { style: result.style, cost: result.cost, cached: false, fallbackReason };
}
