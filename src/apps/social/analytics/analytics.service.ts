import { sql } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { badRequest, notFound } from '../../../platform/errors.js';
import { socialDb } from '../db.js';

/**
 * The dashboard's reads over the metrics time series. A target's figures are its latest
 * reading (networks report running totals); a post's are the sum over its targets.
 * Engagements = reactions + comments + shares + clicks; the engagement rate divides them by
 * impressions, over the targets whose network reports impressions (Bluesky and Mastodon count
 * none), so a rate is never diluted by posts that cannot have one.
 */
export const METRICS = ['impressions', 'reactions', 'comments', 'shares', 'clicks', 'engagements'] as const;
export type MetricName = (typeof METRICS)[number];

export interface Totals {
  impressions: number;
  reactions: number;
  comments: number;
  shares: number;
  clicks: number;
  engagements: number;
  /** engagements ÷ impressions over targets that report impressions; null when none do. */
  engagement_rate: number | null;
}

export interface Period {
  from?: string;
  to?: string;
}

/** Widest period one request may ask for. */
export const MAX_PERIOD_DAYS = 366;
const DAY = 86_400_000;

/** from/to are days (UTC), both included; default the last 30 days. */
export function resolvePeriod(q: Period, now = new Date()): { from: Date; to: Date; fromDay: string; toDay: string } {
  const to = q.to ? new Date(`${q.to}T00:00:00Z`) : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const from = q.from ? new Date(`${q.from}T00:00:00Z`) : new Date(to.getTime() - 29 * DAY);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw badRequest('from and to must be days like 2026-11-30', undefined, 'INVALID_PERIOD');
  if (from > to) throw badRequest('from must be on or before to', undefined, 'INVALID_PERIOD');
  if ((to.getTime() - from.getTime()) / DAY + 1 > MAX_PERIOD_DAYS) throw badRequest(`A period covers at most ${MAX_PERIOD_DAYS} days: narrow from/to`, undefined, 'INVALID_PERIOD');
  return { from, to: new Date(to.getTime() + DAY), fromDay: from.toISOString().slice(0, 10), toDay: to.toISOString().slice(0, 10) };
}

type Num = string | number | null;
interface SumRow {
  impressions: Num;
  reactions: Num;
  comments: Num;
  shares: Num;
  clicks: Num;
  rate_impressions: Num;
  rate_engagements: Num;
}

const n = (v: Num | undefined) => Number(v ?? 0);

function totalsOf(r: SumRow | undefined): Totals {
  const t = { impressions: n(r?.impressions), reactions: n(r?.reactions), comments: n(r?.comments), shares: n(r?.shares), clicks: n(r?.clicks) };
  const rateImpressions = n(r?.rate_impressions);
  return { ...t, engagements: t.reactions + t.comments + t.shares + t.clicks, engagement_rate: rateImpressions > 0 ? n(r?.rate_engagements) / rateImpressions : null };
}

/** The sums over a set of targets' latest readings (`l` joined laterally), as SQL select items. */
const SUMS = sql`coalesce(sum(l.impressions), 0) as impressions, coalesce(sum(l.reactions), 0) as reactions, coalesce(sum(l.comments), 0) as comments,
  coalesce(sum(l.shares), 0) as shares, coalesce(sum(l.clicks), 0) as clicks,
  coalesce(sum(l.impressions) filter (where l.impressions > 0), 0) as rate_impressions,
  coalesce(sum(coalesce(l.reactions, 0) + coalesce(l.comments, 0) + coalesce(l.shares, 0) + coalesce(l.clicks, 0)) filter (where l.impressions > 0), 0) as rate_engagements`;

const LATEST = sql`left join lateral (
  select m.impressions, m.reactions, m.comments, m.shares, m.clicks, m.collected_at from social_post_analytics m
  where m.org_id = t.org_id and m.post_platform_id = t.id order by m.collected_at desc limit 1) l on true`;

const ENGAGEMENTS = sql`(coalesce(sum(l.reactions), 0) + coalesce(sum(l.comments), 0) + coalesce(sum(l.shares), 0) + coalesce(sum(l.clicks), 0))`;

/** Series points returned per target at most (the newest). */
export const SERIES_MAX_POINTS = 500;

export class AnalyticsService {
  constructor(private readonly ctx: PlatformContext) {}

  post(p: Principal, postId: string) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const post = await tx.selectFrom('social_posts').select(['id', 'title', 'status', 'campaign_id', 'published_at']).where('org_id', '=', p.orgId).where('id', '=', postId).where('deleted_at', 'is', null).executeTakeFirst();
      if (!post) throw notFound('Post');
      const targets = await tx
        .selectFrom('social_post_platforms as t')
        .innerJoin('social_accounts as a', (j) => j.onRef('a.org_id', '=', 't.org_id').onRef('a.id', '=', 't.account_id'))
        .select(['t.id', 't.account_id', 'a.network', 'a.display_name', 't.state', 't.remote_url', 't.published_at'])
        .where('t.org_id', '=', p.orgId)
        .where('t.post_id', '=', postId)
        .orderBy('t.created_at')
        .execute();
      const out = [];
      for (const t of targets) {
        const series = (
          await tx
            .selectFrom('social_post_analytics')
            .select(['collected_at', 'impressions', 'reactions', 'comments', 'shares', 'clicks'])
            .where('org_id', '=', p.orgId)
            .where('post_platform_id', '=', t.id)
            .orderBy('collected_at', 'desc')
            .limit(SERIES_MAX_POINTS)
            .execute()
        ).reverse();
        const last = series.at(-1);
        out.push({ target_id: t.id, account_id: t.account_id, network: t.network, account_name: t.display_name, state: t.state, remote_url: t.remote_url, published_at: t.published_at, latest: last ?? null, series });
      }
      const totals = await sql<SumRow>`select ${SUMS} from social_post_platforms t ${LATEST} where t.org_id = ${p.orgId} and t.post_id = ${postId}`.execute(tx);
      return { post_id: post.id, title: post.title, status: post.status, campaign_id: post.campaign_id, published_at: post.published_at, totals: totalsOf(totals.rows[0]), targets: out };
    });
  }

  campaign(p: Principal, campaignId: string, period: Period) {
    const range = resolvePeriod(period);
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const campaign = await tx.selectFrom('social_campaigns').select(['id', 'name']).where('org_id', '=', p.orgId).where('id', '=', campaignId).where('deleted_at', 'is', null).executeTakeFirst();
      if (!campaign) throw notFound('Campaign');
      const days = await tx
        .selectFrom('social_campaign_analytics')
        .select([sql<string>`day::text`.as('day'), 'posts_published', 'impressions', 'reactions', 'comments', 'shares', 'clicks'])
        .where('org_id', '=', p.orgId)
        .where('campaign_id', '=', campaignId)
        .where('day', '>=', range.fromDay)
        .where('day', '<=', range.toDay)
        .orderBy('day')
        .execute();
      const totals = await sql<SumRow>`select ${SUMS} from social_post_platforms t join social_posts p on p.org_id = t.org_id and p.id = t.post_id ${LATEST}
        where t.org_id = ${p.orgId} and p.campaign_id = ${campaignId} and p.deleted_at is null and t.state = 'published'`.execute(tx);
      return {
        campaign_id: campaign.id,
        name: campaign.name,
        from: range.fromDay,
        to: range.toDay,
        totals: totalsOf(totals.rows[0]),
        days: days.map((d) => ({ ...d, day: dayString(d.day), engagements: d.reactions + d.comments + d.shares + d.clicks })),
      };
    });
  }

  account(p: Principal, accountId: string, period: Period) {
    const range = resolvePeriod(period);
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const account = await tx.selectFrom('social_accounts').select(['id', 'network', 'display_name', 'status']).where('org_id', '=', p.orgId).where('id', '=', accountId).where('deleted_at', 'is', null).executeTakeFirst();
      if (!account) throw notFound('Account');
      const rows = await sql<SumRow & { day: string | Date; posts: Num }>`
        select ((t.published_at at time zone 'UTC')::date)::text as day, count(*) as posts, ${SUMS}
        from social_post_platforms t ${LATEST}
        where t.org_id = ${p.orgId} and t.account_id = ${accountId} and t.state = 'published' and t.published_at >= ${range.from} and t.published_at < ${range.to}
        group by 1 order by 1`.execute(tx);
      const totals = await sql<SumRow & { posts: Num }>`select count(*) as posts, ${SUMS} from social_post_platforms t ${LATEST}
        where t.org_id = ${p.orgId} and t.account_id = ${accountId} and t.state = 'published' and t.published_at >= ${range.from} and t.published_at < ${range.to}`.execute(tx);
      return {
        account_id: account.id,
        network: account.network,
        display_name: account.display_name,
        status: account.status,
        from: range.fromDay,
        to: range.toDay,
        posts_published: n(totals.rows[0]?.posts),
        totals: totalsOf(totals.rows[0]),
        days: rows.rows.map((r) => ({ day: dayString(r.day), posts_published: n(r.posts), ...totalsOf(r) })),
      };
    });
  }

  topPosts(p: Principal, q: Period & { metric: MetricName; limit: number }) {
    const range = resolvePeriod(q);
    const order = q.metric === 'engagements' ? ENGAGEMENTS : sql`coalesce(sum(${sql.ref(`l.${q.metric}`)}), 0)`;
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const rows = await sql<SumRow & { post_id: string; title: string | null; current_text: string; published_at: Date | null; value: Num; networks: string[] }>`
        select p.id as post_id, p.title, p.current_text, p.published_at, ${order} as value, array_agg(distinct a.network) as networks, ${SUMS}
        from social_posts p
        join social_post_platforms t on t.org_id = p.org_id and t.post_id = p.id and t.state = 'published'
        join social_accounts a on a.org_id = t.org_id and a.id = t.account_id
        ${LATEST}
        where p.org_id = ${p.orgId} and p.deleted_at is null and p.published_at >= ${range.from} and p.published_at < ${range.to}
        group by p.id order by value desc, p.published_at desc, p.id limit ${q.limit}`.execute(tx);
      return {
        metric: q.metric,
        from: range.fromDay,
        to: range.toDay,
        posts: rows.rows.map((r) => ({ post_id: r.post_id, title: r.title, excerpt: r.current_text.slice(0, 200), published_at: r.published_at, networks: r.networks, value: n(r.value), totals: totalsOf(r) })),
      };
    });
  }

  overview(p: Principal, period: Period) {
    const range = resolvePeriod(period);
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const byNetwork = await sql<SumRow & { network: string; posts: Num; targets: Num }>`
        select a.network, count(distinct t.post_id) as posts, count(*) as targets, ${SUMS}
        from social_post_platforms t
        join social_accounts a on a.org_id = t.org_id and a.id = t.account_id
        ${LATEST}
        where t.org_id = ${p.orgId} and t.state = 'published' and t.published_at >= ${range.from} and t.published_at < ${range.to}
        group by a.network order by a.network`.execute(tx);
      const all = await sql<SumRow & { posts: Num; targets: Num }>`
        select count(distinct t.post_id) as posts, count(*) as targets, ${SUMS}
        from social_post_platforms t ${LATEST}
        where t.org_id = ${p.orgId} and t.state = 'published' and t.published_at >= ${range.from} and t.published_at < ${range.to}`.execute(tx);
      const health = await tx.selectFrom('social_accounts').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).where('org_id', '=', p.orgId).where('deleted_at', 'is', null).groupBy('status').execute();
      const failed = await tx.selectFrom('social_posts').select((eb) => eb.fn.countAll<string>().as('n')).where('org_id', '=', p.orgId).where('deleted_at', 'is', null).where('status', 'in', ['failed', 'partially_published']).where('updated_at', '>=', range.from).executeTakeFirst();
      return {
        from: range.fromDay,
        to: range.toDay,
        posts_published: n(all.rows[0]?.posts),
        targets_published: n(all.rows[0]?.targets),
        posts_failed: n(failed?.n),
        totals: totalsOf(all.rows[0]),
        networks: byNetwork.rows.map((r) => ({ network: r.network, posts_published: n(r.posts), targets_published: n(r.targets), totals: totalsOf(r) })),
        accounts: Object.fromEntries(health.map((h) => [h.status, n(h.n)])) as Record<string, number>,
      };
    });
  }
}

/** Days are selected as text (YYYY-MM-DD), so no driver turns them into a local-midnight Date. */
function dayString(d: string | Date): string {
  return typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);
}

