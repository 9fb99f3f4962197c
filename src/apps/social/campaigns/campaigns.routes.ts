import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, pageQuery, requestMeta } from '../../../platform/http/schemas.js';
import { pageSchema } from '../../../platform/db/page.js';
import { cursorPageSchema, cursorQuery } from '../../../platform/db/cursor.js';
import { ok, wrap } from '../http/envelope.js';
import { requireWorkspace } from '../http/social-principal.js';
import type { SocialConfig } from '../config.js';
import { PostListService } from '../posts/post-list.service.js';
import { listFilters, postSummary } from '../posts/post.schema.js';
import { CampaignsService } from './campaigns.service.js';
import { campaignFields, campaignView } from './campaign.schema.js';

export async function campaignsRoutes(root: FastifyInstance, opts: { config: SocialConfig }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const campaigns = new CampaignsService(app.ctx);
  const posts = new PostListService(app.ctx, opts.config);
  const tags = ['social: campaigns'];

  app.get('/campaigns', {
    schema: { tags, querystring: pageQuery.extend({ status: z.enum(['active', 'archived']).optional(), q: z.string().trim().min(1).max(200).optional() }), response: { 200: ok(pageSchema(campaignView)) } },
  }, async (request) => wrap(await campaigns.list(requireWorkspace(request), request.query)));

  app.post('/campaigns', { schema: { tags, body: campaignFields, response: { 201: ok(campaignView) } } }, async (request, reply) =>
    reply.status(201).send(wrap(await campaigns.create(requireWorkspace(request, 'editor'), request.body, requestMeta(request)), 'Campaign created')),
  );

  app.get('/campaigns/:id', { schema: { tags, params: idParams, response: { 200: ok(campaignView) } } }, async (request) => wrap(await campaigns.get(requireWorkspace(request), request.params.id)));

  app.patch('/campaigns/:id', {
    schema: { tags, params: idParams, body: campaignFields.partial().refine((c) => Object.keys(c).length > 0, 'send at least one field to change'), response: { 200: ok(campaignView) } },
  }, async (request) => wrap(await campaigns.update(requireWorkspace(request, 'editor'), request.params.id, request.body, requestMeta(request))));

  app.post('/campaigns/:id/archive', {
    schema: { tags, description: 'Archive: the campaign and its posts stay readable; no post can join it until it is unarchived.', params: idParams, response: { 200: ok(campaignView) } },
  }, async (request) => wrap(await campaigns.setArchived(requireWorkspace(request, 'editor'), request.params.id, true, requestMeta(request)), 'Campaign archived'));

  app.post('/campaigns/:id/unarchive', { schema: { tags, params: idParams, response: { 200: ok(campaignView) } } }, async (request) =>
    wrap(await campaigns.setArchived(requireWorkspace(request, 'editor'), request.params.id, false, requestMeta(request)), 'Campaign active again'),
  );

  app.delete('/campaigns/:id', {
    schema: { tags, description: 'Delete (soft, admins): its posts stay and leave the campaign.', params: idParams, response: { 200: ok(z.object({ id: z.string(), deleted: z.literal(true) })) } },
  }, async (request) => {
    await campaigns.delete(requireWorkspace(request, 'admin'), request.params.id, requestMeta(request));
    return wrap({ id: request.params.id, deleted: true as const }, 'Campaign deleted');
  });

  app.get('/campaigns/:id/posts', {
    schema: { tags, description: 'The campaign\'s posts, newest first (the posts list\'s filters apply).', params: idParams, querystring: cursorQuery.extend(listFilters.omit({ campaign_id: true }).shape), response: { 200: ok(cursorPageSchema(postSummary)) } },
  }, async (request) => {
    const p = requireWorkspace(request);
    await campaigns.get(p, request.params.id);
    return wrap(await posts.list(p, { ...request.query, campaign_id: request.params.id }));
  });
}
