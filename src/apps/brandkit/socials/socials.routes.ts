import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noContent } from '../../../platform/http/schemas.js';
import { SOCIAL_PLATFORMS } from '../schema.js';
import { requireBrandkitUser } from '../access.js';
import { SocialsService } from './socials.service.js';
import { storedAnalysisSchema } from './analyzer.js';

const platformParams = z.strictObject({ platform: z.enum(SOCIAL_PLATFORMS) });
const socialBody = z.strictObject({
  handle: z.string().trim().transform((h) => h.replace(/^@/, '')).pipe(z.string().regex(/^[A-Za-z0-9._]{1,100}$/, 'a handle is letters, digits, . and _ (up to 100), with or without the @')),
  profile_url: z.url({ protocol: /^https?$/ }).max(500).nullable().optional(),
  bio: z.string().max(5000).optional(),
  captions: z.array(z.string().max(5000)).max(50).optional(),
});
const socialView = z.object({
  id: z.string(), platform: z.enum(SOCIAL_PLATFORMS), handle: z.string(), profile_url: z.string().nullable(),
  bio: z.string().nullable(), captions: z.array(z.string()),
  analysis_data: storedAnalysisSchema.nullable().describe('tone, themes, suggested_values, archetype, colors, based_on (the evidence), analyzer'),
  analyzed_at: z.date().nullable(), created_at: z.date(), updated_at: z.date(),
});

export async function socialsRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const socials = new SocialsService(app.ctx);
  const tags = ['brandkit: socials'];

  app.get('/socials', { schema: { tags, response: { 200: z.object({ items: z.array(socialView) }) } } }, async (request) => socials.list(requireBrandkitUser(request)));

  app.put('/socials/:platform', {
    schema: { tags, params: platformParams, body: socialBody, description: 'Save the profile of one platform with what the user pastes (bio, recent captions): the offline analyser reads those.', response: { 200: socialView } },
  }, async (request) => socials.put(requireBrandkitUser(request), request.params.platform, request.body));

  app.delete('/socials/:platform', { schema: { tags, params: platformParams, response: { 204: noContent('Removed, with its analysis') } } }, async (request, reply) => {
    await socials.delete(requireBrandkitUser(request), request.params.platform);
    return reply.status(204).send();
  });

  app.post('/socials/:platform/analyze', {
    schema: { tags, params: platformParams, description: 'Queue the analysis (a job: follow it at GET /api/v1/jobs/{job_id} or on its realtime topic); the result lands in analysis_data.', response: { 202: z.object({ job_id: z.string(), social_id: z.string() }) } },
  }, async (request, reply) => reply.status(202).send(await socials.analyze(requireBrandkitUser(request), request.params.platform)));
}
