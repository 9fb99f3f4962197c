import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, requestMeta, uuid } from '../../../platform/http/schemas.js';
import { ok, wrap } from '../http/envelope.js';
import { requireWorkspace } from '../http/social-principal.js';
import type { SocialConfig } from '../config.js';
import { PostsService } from './posts.service.js';
import { savedPost, versionDiff, versionView } from './post.schema.js';

const versionNumber = z.coerce.number().int().min(1).max(1_000_000);
const versionParams = z.strictObject({ id: uuid, version: versionNumber });

export async function postVersionsRoutes(root: FastifyInstance, opts: { config: SocialConfig }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const posts = new PostsService(app.ctx, opts.config);
  const tags = ['social: posts'];

  app.get('/posts/:id/versions', {
    schema: { tags, description: 'Every version of the post\'s content, newest first.', params: idParams, response: { 200: ok(z.array(versionView)) } },
  }, async (request) => wrap(await posts.versions(requireWorkspace(request), request.params.id)));

  app.get('/posts/:id/versions/:version', {
    schema: { tags, params: versionParams, response: { 200: ok(versionView) } },
  }, async (request) => wrap(await posts.getVersion(requireWorkspace(request), request.params.id, request.params.version)));

  app.post('/posts/:id/versions/:version/restore', {
    schema: { tags, description: 'Copy an old version forward as a new version (history is never rewritten).', params: versionParams, response: { 200: ok(savedPost) } },
  }, async (request) => {
    const saved = await posts.restore(requireWorkspace(request, 'editor'), request.params.id, request.params.version, requestMeta(request));
    return wrap(saved, `Version ${request.params.version} restored as version ${saved.post.current_version}`);
  });

  app.get('/posts/:id/diff', {
    schema: {
      tags,
      description: 'Word diff between two versions: runs of equal, deleted and inserted text, for the text and for each network\'s variant; media added and removed per network.',
      params: idParams,
      querystring: z.strictObject({ from: versionNumber, to: versionNumber }),
      response: { 200: ok(versionDiff) },
    },
  }, async (request) => wrap(await posts.diff(requireWorkspace(request), request.params.id, request.query.from, request.query.to)));
}
