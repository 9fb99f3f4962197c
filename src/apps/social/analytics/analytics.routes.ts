import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../../../platform/http/schemas.js';
import { ok, wrap } from '../http/envelope.js';
import { requireWorkspace } from '../http/social-principal.js';
import { ACCOUNT_STATUSES, NETWORKS } from '../schema.js';
import { AnalyticsService, MAX_PERIOD_DAYS, METRICS } from './analytics.service.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day like 2026-11-30');
const period = z.strictObject({
  from: day.optional().describe(`First day (UTC), default 29 days before \`to\`; at most ${MAX_PERIOD_DAYS} days in all`),
  to: day.optional().describe('Last day (UTC), included; default today'),
});
const totals = z.object({
  impressions: z.number(),
  reactions: z.number(),
  comments: z.number(),
  shares: z.number(),
  clicks: z.number(),
  engagements: z.number().describe('reactions + comments + shares + clicks'),
  engagement_rate: z.number().nullable().describe('engagements ÷ impressions over the targets whose network reports impressions; null when none does'),
});
const reading = z.object({ collected_at: z.date(), impressions: z.number().nullable(), reactions: z.number().nullable(), comments: z.number().nullable(), shares: z.number().nullable(), clicks: z.number().nullable() });
const postAnalytics = z.object({
  post_id: z.string(),
  title: z.string().nullable(),
  status: z.string(),
  campaign_id: z.string().nullable(),
  published_at: z.date().nullable(),
  totals,
  targets: z.array(
    z.object({
      target_id: z.string(),
      account_id: z.string(),
      network: z.enum(NETWORKS),
      account_name: z.string(),
      state: z.string(),
      remote_url: z.string().nullable(),
      published_at: z.date().nullable(),
      latest: reading.nullable(),
      series: z.array(reading).describe('Readings, oldest first (the newest 500): networks report running totals'),
    }),
  ),
});
const dayRow = z.object({ day: z.string(), posts_published: z.number(), impressions: z.number(), reactions: z.number(), comments: z.number(), shares: z.number(), clicks: z.number(), engagements: z.number() });
const campaignAnalytics = z.object({ campaign_id: z.string(), name: z.string(), from: z.string(), to: z.string(), totals, days: z.array(dayRow) });
const accountAnalytics = z.object({
  account_id: z.string(),
  network: z.enum(NETWORKS),
  display_name: z.string(),
  status: z.enum(ACCOUNT_STATUSES),
  from: z.string(),
  to: z.string(),
  posts_published: z.number(),
  totals,
  days: z.array(totals.extend({ day: z.string(), posts_published: z.number() })),
});
const topPosts = z.object({
  metric: z.enum(METRICS),
  from: z.string(),
  to: z.string(),
  posts: z.array(z.object({ post_id: z.string(), title: z.string().nullable(), excerpt: z.string(), published_at: z.date().nullable(), networks: z.array(z.string()), value: z.number(), totals })),
});
const overview = z.object({
  from: z.string(),
  to: z.string(),
  posts_published: z.number(),
  targets_published: z.number(),
  posts_failed: z.number(),
  totals,
  networks: z.array(z.object({ network: z.string(), posts_published: z.number(), targets_published: z.number(), totals })),
  accounts: z.record(z.string(), z.number()).describe('Connected accounts by health: active, reconnect_needed, disconnected'),
});

/** The analytics dashboard's reads (viewers): figures come from the social.metrics job's readings. */
export async function analyticsRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const analytics = new AnalyticsService(app.ctx);
  const tags = ['social: analytics'];

  app.get('/analytics/overview', {
    schema: { tags, description: 'The workspace over a period: posts published and failed, totals and engagement rate, per network, account health.', querystring: period, response: { 200: ok(overview) } },
  }, async (request) => wrap(await analytics.overview(requireWorkspace(request), request.query)));

  app.get('/analytics/posts/:id', {
    schema: { tags, description: 'One post: totals over its targets and each target\'s time series.', params: idParams, response: { 200: ok(postAnalytics) } },
  }, async (request) => wrap(await analytics.post(requireWorkspace(request), request.params.id)));

  app.get('/analytics/campaigns/:id', {
    schema: { tags, description: 'One campaign: current totals and its daily rows (totals as last seen that day, posts published that day).', params: idParams, querystring: period, response: { 200: ok(campaignAnalytics) } },
  }, async (request) => wrap(await analytics.campaign(requireWorkspace(request), request.params.id, request.query)));

  app.get('/analytics/accounts/:id', {
    schema: { tags, description: 'One connected account: the posts it published in the period, their totals, per publishing day.', params: idParams, querystring: period, response: { 200: ok(accountAnalytics) } },
  }, async (request) => wrap(await analytics.account(requireWorkspace(request), request.params.id, request.query)));

  app.get('/analytics/top-posts', {
    schema: {
      tags,
      description: 'Posts published in the period, best first by `metric`.',
      querystring: period.extend({ metric: z.enum(METRICS).default('engagements'), limit: z.coerce.number().int().min(1).max(100).default(10) }),
      response: { 200: ok(topPosts) },
    },
  }, async (request) => wrap(await analytics.topPosts(requireWorkspace(request), request.query)));
}
