import { sql } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import { socialDb } from '../db.js';

/**
 * social_campaign_analytics: one row per campaign and (UTC) day. A day's figures are the
 * campaign's totals as last seen that day: the sum, over its published targets, of each
 * target's latest reading, and how many of its posts were published that day. Rewritten after
 * every collection that touched the campaign, so today's row grows and yesterday's stays as
 * the day ended: the rows form the campaign's daily time series.
 */
export async function refreshCampaignDay(ctx: PlatformContext, orgId: string, campaignId: string, now: Date): Promise<void> {
  const day = now.toISOString().slice(0, 10);
  await socialDb.withTenant(ctx, { orgId }, async (tx) => {
    const totals = await sql<{ impressions: string | number | null; reactions: string | number | null; comments: string | number | null; shares: string | number | null; clicks: string | number | null; posts_published: string | number }>`
      select coalesce(sum(l.impressions), 0) as impressions, coalesce(sum(l.reactions), 0) as reactions, coalesce(sum(l.comments), 0) as comments,
             coalesce(sum(l.shares), 0) as shares, coalesce(sum(l.clicks), 0) as clicks,
             (select count(*) from social_posts p2 where p2.org_id = ${orgId} and p2.campaign_id = ${campaignId} and p2.deleted_at is null
                and p2.published_at >= ${day}::date and p2.published_at < ${day}::date + 1) as posts_published
      from social_post_platforms t
      join social_posts p on p.org_id = t.org_id and p.id = t.post_id
      left join lateral (
        select m.impressions, m.reactions, m.comments, m.shares, m.clicks from social_post_analytics m
        where m.org_id = t.org_id and m.post_platform_id = t.id order by m.collected_at desc limit 1
      ) l on true
      where t.org_id = ${orgId} and p.campaign_id = ${campaignId} and p.deleted_at is null and t.state = 'published'`.execute(tx);
    const r = totals.rows[0];
    const n = (v: string | number | null | undefined) => Number(v ?? 0);
    const values = { impressions: n(r.impressions), reactions: n(r.reactions), comments: n(r.comments), shares: n(r.shares), clicks: n(r.clicks), posts_published: n(r.posts_published) };
    await tx
      .insertInto('social_campaign_analytics')
      .values({ org_id: orgId, campaign_id: campaignId, day, ...values })
      .onConflict((oc) => oc.columns(['campaign_id', 'day']).doUpdateSet(values))
      .execute();
  });
}
