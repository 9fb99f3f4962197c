import { sql, type Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import type { RequestMeta } from '../../../platform/audit/audit.service.js';
import { conflict, isUniqueViolation, notFound, unprocessable } from '../../../platform/errors.js';
import { logActivity } from '../activity/activity-log.js';
import { assertOpenCampaign } from '../campaigns/campaigns.service.js';
import { socialDb } from '../db.js';
import type { Network, SocialTables } from '../schema.js';
import { judge, METHOD_MANY, METHOD_TWO, type Verdict } from './verdict.js';

export const AB_METRICS = ['engagement', 'reactions', 'comments', 'shares', 'clicks'] as const;
export type AbMetric = (typeof AB_METRICS)[number];

/** Networks whose metrics include impressions, the trials of every rate a test compares. */
const WITH_IMPRESSIONS: readonly Network[] = ['x', 'facebook', 'instagram'];

export interface AbTestInput {
  name: string;
  hypothesis?: string | null;
  campaign_id?: string | null;
  metric: AbMetric;
  alpha: number;
  variants: Array<{ label: string; post_id: string; account_id?: string | null }>;
}

type Tx = Transaction<SocialTables>;

/** Running tests one metrics run evaluates per workspace at most (the oldest first). */
const MAX_AUTO_EVALUATIONS = 50;
/** Variants published further apart than this get a warning that their slots are not comparable. */
export const SLOT_SPREAD_HOURS = 24;

/**
 * A/B tests: two or more variants (each a post, optionally one of its accounts) published to
 * comparable slots; each variant's figures are the latest readings of its published targets
 * on networks that report impressions. Reading a test shows the current verdict (verdict.ts);
 * `evaluate` records it, and a significant one completes the test with its winner; the
 * metrics job does the same after each run (`completeSettled`).
 */
export class AbTestsService {
  constructor(private readonly ctx: PlatformContext) {}

  create(p: Principal, input: AbTestInput, meta: RequestMeta) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      if (input.campaign_id) await assertOpenCampaign(tx, p.orgId, input.campaign_id);
      const networksOf: string[] = [];
      for (const v of input.variants) {
        const post = await tx.selectFrom('social_posts').select('id').where('org_id', '=', p.orgId).where('id', '=', v.post_id).where('deleted_at', 'is', null).executeTakeFirst();
        if (!post) throw notFound('Post');
        let targets = tx
          .selectFrom('social_post_platforms as t')
          .innerJoin('social_accounts as a', (j) => j.onRef('a.org_id', '=', 't.org_id').onRef('a.id', '=', 't.account_id'))
          .select('a.network')
          .where('t.org_id', '=', p.orgId)
          .where('t.post_id', '=', v.post_id);
        if (v.account_id) {
          const account = await tx.selectFrom('social_accounts').select('id').where('org_id', '=', p.orgId).where('id', '=', v.account_id).where('deleted_at', 'is', null).executeTakeFirst();
          if (!account) throw notFound('Account');
          targets = targets.where('t.account_id', '=', v.account_id);
        }
        const networks = [...new Set((await targets.execute()).map((r) => r.network))].sort();
        if (!networks.length) throw unprocessable(`Variant ${v.label}: the post has no ${v.account_id ? 'target on that account' : 'accounts to publish to'}; add the account to the post first`, 'AB_VARIANT_NO_TARGET');
        if (!networks.some((n) => WITH_IMPRESSIONS.includes(n))) {
          throw unprocessable(`Variant ${v.label} goes only to ${networks.join(', ')}, which report no impressions, so no rate can be compared: use X, Facebook or Instagram accounts`, 'AB_NO_IMPRESSIONS');
        }
        networksOf.push(networks.join(','));
      }
      // Comparable slots: every variant reaches the same networks.
      if (new Set(networksOf).size > 1) {
        throw unprocessable(`The variants go to different networks (${input.variants.map((v, i) => `${v.label}: ${networksOf[i]}`).join('; ')}): compare variants on the same networks`, 'AB_NOT_COMPARABLE');
      }
      const test = await tx
        .insertInto('social_a_b_tests')
        .values({ org_id: p.orgId, name: input.name, hypothesis: input.hypothesis ?? null, campaign_id: input.campaign_id ?? null, metric: input.metric, alpha: input.alpha, status: 'running', started_at: new Date(), created_by: p.userId, test_method: input.variants.length === 2 ? METHOD_TWO : METHOD_MANY })
        .returning('id')
        .executeTakeFirstOrThrow();
      try {
        await tx.insertInto('social_a_b_test_variants').values(input.variants.map((v) => ({ org_id: p.orgId, test_id: test.id, label: v.label, post_id: v.post_id, account_id: v.account_id ?? null }))).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('Each variant needs its own label and its own post', 'AB_VARIANT_DUPLICATE');
        throw err;
      }
      await logActivity(tx, p, meta, { action: 'ab_test.created', entityType: 'ab_test', entityId: test.id, details: { name: input.name, variants: input.variants.length } });
      return this.view(tx, p.orgId, test.id);
    });
  }

  list(p: Principal, q: { status?: 'running' | 'completed' | 'cancelled'; limit: number }) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      let query = tx.selectFrom('social_a_b_tests').select(['id', 'name', 'metric', 'status', 'alpha', 'test_method', 'p_value', 'winner_variant_id', 'campaign_id', 'started_at', 'ended_at', 'created_at']).where('org_id', '=', p.orgId).where('deleted_at', 'is', null);
      if (q.status) query = query.where('status', '=', q.status);
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
    });
  }

  get(p: Principal, id: string) {
    return socialDb.withTenant(this.ctx, p, (tx) => this.view(tx, p.orgId, id));
  }

  /** Records the current verdict; a significant one completes the test with its winner. */
  evaluate(p: Principal, id: string, meta: RequestMeta) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const current = await this.view(tx, p.orgId, id);
      if (current.status !== 'running') throw conflict(`The test is ${current.status}: only a running test is evaluated`, 'AB_TEST_NOT_RUNNING');
      const v = current.verdict;
      await tx
        .updateTable('social_a_b_tests')
        .set({ test_method: v.test, p_value: v.p_value, ...(v.winner ? { winner_variant_id: v.winner.id, status: 'completed', ended_at: new Date() } : {}) })
        .where('org_id', '=', p.orgId)
        .where('id', '=', id)
        .execute();
      await logActivity(tx, p, meta, { action: v.winner ? 'ab_test.completed' : 'ab_test.evaluated', entityType: 'ab_test', entityId: id, details: { p_value: v.p_value, winner: v.winner?.label ?? null } });
      return this.view(tx, p.orgId, id);
    });
  }

  /**
   * After a metrics run (no user): each running test of the workspace whose verdict is now
   * significant is completed with its winner, logged as the system's, and announced on
   * `social:ab-tests`. Tests without a verdict keep running untouched.
   */
  async completeSettled(orgId: string): Promise<string[]> {
    const completed = await socialDb.withTenant(this.ctx, { orgId }, async (tx) => {
      const running = await tx.selectFrom('social_a_b_tests').select('id').where('org_id', '=', orgId).where('status', '=', 'running').where('deleted_at', 'is', null).orderBy('created_at').limit(MAX_AUTO_EVALUATIONS).execute();
      const done: Array<{ id: string; winner: string }> = [];
      for (const { id } of running) {
        const v = (await this.view(tx, orgId, id)).verdict;
        if (!v.winner) continue;
        await tx.updateTable('social_a_b_tests').set({ test_method: v.test, p_value: v.p_value, winner_variant_id: v.winner.id, status: 'completed', ended_at: new Date() }).where('org_id', '=', orgId).where('id', '=', id).execute();
        await logActivity(tx, { orgId, userId: null }, {}, { action: 'ab_test.completed', entityType: 'ab_test', entityId: id, details: { p_value: v.p_value, winner: v.winner.label, by: 'social.metrics' } });
        done.push({ id, winner: v.winner.label });
      }
      return done;
    });
    for (const c of completed) await this.ctx.events.publish(orgId, 'social:ab-tests', { type: 'ab_test.completed', test_id: c.id, winner: c.winner });
    return completed.map((c) => c.id);
  }

  cancel(p: Principal, id: string, meta: RequestMeta) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const current = await this.find(tx, p.orgId, id);
      if (current.status !== 'running') throw conflict(`The test is ${current.status}: only a running test can be cancelled`, 'AB_TEST_NOT_RUNNING');
      await tx.updateTable('social_a_b_tests').set({ status: 'cancelled', ended_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', id).execute();
      await logActivity(tx, p, meta, { action: 'ab_test.cancelled', entityType: 'ab_test', entityId: id });
      return this.view(tx, p.orgId, id);
    });
  }

  delete(p: Principal, id: string, meta: RequestMeta) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      await this.find(tx, p.orgId, id);
      await tx.updateTable('social_a_b_tests').set({ deleted_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', id).execute();
      await logActivity(tx, p, meta, { action: 'ab_test.deleted', entityType: 'ab_test', entityId: id });
    });
  }

  private async find(tx: Tx, orgId: string, id: string) {
    const row = await tx.selectFrom('social_a_b_tests').selectAll().where('org_id', '=', orgId).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    if (!row) throw notFound('A/B test');
    return row;
  }

  private async view(tx: Tx, orgId: string, id: string) {
    const test = await this.find(tx, orgId, id);
    // Only readings with impressions join (`on l.impressions > 0`): a rate needs its trials.
    const successes = test.metric === 'engagement' || test.metric === 'impressions'
      ? sql<string>`coalesce(sum(coalesce(l.reactions, 0) + coalesce(l.comments, 0) + coalesce(l.shares, 0) + coalesce(l.clicks, 0)), 0)`
      : sql<string>`coalesce(sum(${sql.ref(`l.${test.metric}`)}), 0)`;
    // Each variant: its post's published targets (on its account when one is set) that report impressions, latest reading each.
    const rows = await sql<{ id: string; label: string; post_id: string; account_id: string | null; targets: string | number; impressions: string | number; successes: string | number; published_at: Date | null }>`
      select v.id, v.label, v.post_id, v.account_id, count(t.id) as targets, coalesce(sum(l.impressions), 0) as impressions, ${successes} as successes, min(t.published_at) as published_at
      from social_a_b_test_variants v
      left join social_post_platforms t on t.org_id = v.org_id and t.post_id = v.post_id and t.state = 'published' and (v.account_id is null or t.account_id = v.account_id)
      left join lateral (
        select m.impressions, m.reactions, m.comments, m.shares, m.clicks from social_post_analytics m
        where m.org_id = t.org_id and m.post_platform_id = t.id order by m.collected_at desc limit 1) l on l.impressions > 0
      where v.org_id = ${orgId} and v.test_id = ${id}
      group by v.id, v.label, v.post_id, v.account_id
      order by v.label`.execute(tx);
    const all = await tx.selectFrom('social_a_b_test_variants').select(['id', 'label', 'post_id', 'account_id']).where('org_id', '=', orgId).where('test_id', '=', id).orderBy('label').execute();
    const byId = new Map(rows.rows.map((r) => [r.id, r]));
    const variants = all.map((v) => {
      const r = byId.get(v.id);
      const impressions = Number(r?.impressions ?? 0);
      const s = Number(r?.successes ?? 0);
      return { id: v.id, label: v.label, post_id: v.post_id, account_id: v.account_id, targets_published: Number(r?.targets ?? 0), published_at: r?.published_at ?? null, impressions, successes: s, rate: impressions > 0 ? s / impressions : null };
    });
    const verdict: Verdict = judge(variants.map((v) => ({ id: v.id, label: v.label, successes: v.successes, impressions: v.impressions })), test.alpha);
    const winner = test.winner_variant_id ? variants.find((v) => v.id === test.winner_variant_id) : undefined;
    // Comparable slots: variants published far apart may differ by the hour, not by their words.
    const warnings: string[] = [];
    const times = variants.map((v) => v.published_at?.getTime()).filter((x): x is number => x !== undefined);
    if (times.length > 1 && Math.max(...times) - Math.min(...times) > SLOT_SPREAD_HOURS * 3_600_000) {
      warnings.push(`The variants were published ${Math.round((Math.max(...times) - Math.min(...times)) / 3_600_000)} hours apart: the time of day or the day of the week may explain a difference as much as the variants do`);
    }
    const unpublished = variants.filter((v) => v.targets_published === 0).map((v) => v.label);
    if (unpublished.length) warnings.push(`Not published yet: ${unpublished.join(', ')}`);
    return {
      id: test.id,
      name: test.name,
      hypothesis: test.hypothesis,
      campaign_id: test.campaign_id,
      metric: test.metric,
      alpha: test.alpha,
      status: test.status,
      test_method: test.test_method,
      p_value: test.p_value,
      winner: winner ? { id: winner.id, label: winner.label } : null,
      started_at: test.started_at,
      ended_at: test.ended_at,
      created_at: test.created_at,
      variants,
      warnings,
      /** The figures as they are now (for a completed test, the recorded winner stays). */
      verdict,
    };
  }
}
