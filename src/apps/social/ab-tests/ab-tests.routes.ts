import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, requestMeta, uuid } from '../../../platform/http/schemas.js';
import { ok, wrap } from '../http/envelope.js';
import { requireWorkspace } from '../http/social-principal.js';
import { AB_METRICS, AbTestsService } from './ab-tests.service.js';

const createBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  hypothesis: z.string().trim().max(2000).nullish(),
  campaign_id: uuid.nullish(),
  metric: z.enum(AB_METRICS).default('engagement').describe('The rate compared, per impression: engagement = reactions + comments + shares + clicks'),
  alpha: z.number().min(0.001).max(0.2).default(0.05).describe('Significance level a winner must beat (p < alpha)'),
  variants: z
    .array(z.strictObject({ label: z.string().trim().min(1).max(50), post_id: uuid, account_id: uuid.nullish().describe('Compare this account\'s target only (default: every target of the post)') }))
    .min(2, 'a test needs at least two variants')
    .max(10),
});

const variantView = z.object({
  id: z.string(),
  label: z.string(),
  post_id: z.string(),
  account_id: z.string().nullable(),
  targets_published: z.number(),
  published_at: z.date().nullable(),
  impressions: z.number(),
  successes: z.number().describe('The metric\'s count over the targets that report impressions'),
  rate: z.number().nullable(),
});
const verdictView = z.object({
  winner: z.object({ id: z.string(), label: z.string() }).nullable(),
  test: z.string().describe('The significance test used'),
  p_value: z.number().nullable(),
  statistic: z.number().nullable().describe('z (two variants) or chi-square'),
  alpha: z.number(),
  pairwise: z.object({ p_value: z.number(), threshold: z.number() }).nullable().describe('More than two variants: best vs runner-up, Bonferroni threshold alpha / (k − 1)'),
  significant: z.boolean(),
  message: z.string().describe('The winner and why, or "No winner yet: …" with what is needed'),
});
const testView = z.object({
  id: z.string(),
  name: z.string(),
  hypothesis: z.string().nullable(),
  campaign_id: z.string().nullable(),
  metric: z.string(),
  alpha: z.number(),
  status: z.enum(['draft', 'running', 'completed', 'cancelled']),
  test_method: z.string().nullable(),
  p_value: z.number().nullable().describe('As recorded by the last evaluation'),
  winner: z.object({ id: z.string(), label: z.string() }).nullable(),
  started_at: z.date().nullable(),
  ended_at: z.date().nullable(),
  created_at: z.date(),
  variants: z.array(variantView).describe('By label'),
  warnings: z.array(z.string()).describe('Slots that are not comparable (published more than 24 hours apart), variants not published yet'),
  verdict: verdictView.describe('The verdict on the figures as they are now'),
});
const summary = z.object({
  id: z.string(),
  name: z.string(),
  metric: z.string(),
  status: z.string(),
  alpha: z.number(),
  test_method: z.string().nullable(),
  p_value: z.number().nullable(),
  winner_variant_id: z.string().nullable(),
  campaign_id: z.string().nullable(),
  started_at: z.date().nullable(),
  ended_at: z.date().nullable(),
  created_at: z.date(),
});

/** A/B tests: editors create, evaluate and cancel; viewers read the figures and the verdict. */
export async function abTestsRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tests = new AbTestsService(app.ctx);
  const tags = ['social: a/b tests'];

  app.post('/ab-tests', {
    schema: { tags, description: 'A running test over two or more variants (posts) published to the same networks; at least one must report impressions (X, Facebook, Instagram).', body: createBody, response: { 201: ok(testView) } },
  }, async (request, reply) => reply.status(201).send(wrap(await tests.create(requireWorkspace(request, 'editor'), request.body, requestMeta(request)), 'A/B test started')));

  app.get('/ab-tests', {
    schema: { tags, querystring: z.strictObject({ status: z.enum(['running', 'completed', 'cancelled']).optional(), limit: z.coerce.number().int().min(1).max(100).default(50) }), response: { 200: ok(z.array(summary)) } },
  }, async (request) => wrap(await tests.list(requireWorkspace(request), request.query)));

  app.get('/ab-tests/:id', {
    schema: { tags, description: 'The test, each variant\'s figures and the current verdict.', params: idParams, response: { 200: ok(testView) } },
  }, async (request) => wrap(await tests.get(requireWorkspace(request), request.params.id)));

  app.post('/ab-tests/:id/evaluate', {
    schema: { tags, description: 'Record the verdict: a significant one completes the test with its winner; otherwise it keeps running.', params: idParams, response: { 200: ok(testView) } },
  }, async (request) => {
    const result = await tests.evaluate(requireWorkspace(request, 'editor'), request.params.id, requestMeta(request));
    return wrap(result, result.verdict.message);
  });

  app.post('/ab-tests/:id/cancel', { schema: { tags, params: idParams, response: { 200: ok(testView) } } }, async (request) =>
    wrap(await tests.cancel(requireWorkspace(request, 'editor'), request.params.id, requestMeta(request)), 'A/B test cancelled'),
  );

  app.delete('/ab-tests/:id', { schema: { tags, params: idParams, response: { 200: ok(z.object({ id: z.string(), deleted: z.literal(true) })) } } }, async (request) => {
    await tests.delete(requireWorkspace(request, 'editor'), request.params.id, requestMeta(request));
    return wrap({ id: request.params.id, deleted: true as const }, 'A/B test deleted');
  });
}
