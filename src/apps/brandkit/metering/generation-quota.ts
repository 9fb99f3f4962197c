import { sql, type Transaction } from 'kysely';
import { AppError } from '../../../platform/errors.js';
import { recordUsage } from '../../../platform/usage/usage.service.js';
import type { BrandkitTables } from '../schema.js';
import type { BrandkitConfig, GenerationKind } from '../config.js';

/**
 * Logo and mockup generations are platform usage (usage_events, action brandkit.logo.generated
 * / brandkit.mockup.generated, one event per image) with a monthly allowance per plan
 * (BRANDKIT_*_GENERATIONS_<PLAN>). The check and the recording happen in one transaction under
 * a per-org advisory lock, so two requests at once cannot both take the last generations.
 * Calendar months in UTC: the allowance comes back on the 1st.
 */
export const generationAction = (kind: GenerationKind) => `brandkit.${kind}.generated`;

export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}
export function nextMonthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

export interface GenerationAllowance {
  kind: GenerationKind;
  plan: string;
  limit: number;
  used: number;
  remaining: number;
  resets_at: Date;
}

export async function generationAllowance(tx: Transaction<BrandkitTables>, config: BrandkitConfig, orgId: string, kind: GenerationKind, now = new Date()): Promise<GenerationAllowance> {
  const org = await tx.selectFrom('orgs').select('plan').where('id', '=', orgId).executeTakeFirstOrThrow();
  const used = await tx.selectFrom('usage_events').select(sql<number>`count(*)::int`.as('n'))
    .where('org_id', '=', orgId).where('action', '=', generationAction(kind)).where('created_at', '>=', monthStart(now))
    .executeTakeFirstOrThrow();
  const limit = config.limits[kind][org.plan];
  const n = Number(used.n);
  return { kind, plan: org.plan, limit, used: n, remaining: Math.max(0, limit - n), resets_at: nextMonthStart(now) };
}

/**
 * Take `count` generations of the org's allowance and record them, or refuse with 429
 * GENERATION_LIMIT_REACHED saying how many are left and when more come. Call it in the
 * transaction that records the generated rows, so a failed generation is not counted.
 */
export async function useGenerations(
  tx: Transaction<BrandkitTables>,
  config: BrandkitConfig,
  event: { orgId: string; userId: string | null; kind: GenerationKind; count: number; metadata?: Record<string, unknown> },
  now = new Date(),
): Promise<GenerationAllowance> {
  await sql`select pg_advisory_xact_lock(hashtext(${`brandkit.generations:${event.orgId}`}))`.execute(tx);
  const allowance = await generationAllowance(tx, config, event.orgId, event.kind, now);
  if (event.count > allowance.remaining) throw generationLimitReached(allowance, event.count, now);
  for (let i = 0; i < event.count; i++) {
    await recordUsage(tx, { orgId: event.orgId, userId: event.userId, action: generationAction(event.kind), metadata: event.metadata });
  }
  return { ...allowance, used: allowance.used + event.count, remaining: allowance.remaining - event.count };
}

export function generationLimitReached(a: GenerationAllowance, wanted: number, now = new Date()): AppError {
  const retryAfter = Math.max(1, Math.ceil((a.resets_at.getTime() - now.getTime()) / 1000));
  const left = a.remaining === 0 ? `all ${a.limit} ${a.kind} generations of this month are used` : `only ${a.remaining} of ${a.limit} ${a.kind} generations are left this month and this needs ${wanted}`;
  return new AppError(
    429,
    'GENERATION_LIMIT_REACHED',
    `The ${a.plan} plan's allowance is exhausted: ${left}. More come on ${a.resets_at.toISOString().slice(0, 10)}; an admin can move the organisation to a larger plan${a.remaining > 0 ? ', or ask for fewer variations' : ''}.`,
    { kind: a.kind, plan: a.plan, limit: a.limit, used: a.used, remaining: a.remaining, resets_at: a.resets_at.toISOString() },
    { 'retry-after': String(retryAfter) },
    { retryable: false },
  );
}
