import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ok, wrap } from '../http/envelope.js';
import { requireWorkspace } from '../http/social-principal.js';
import type { SocialConfig } from '../config.js';
import { NETWORKS } from '../schema.js';
import { ContentAiService } from './content-ai.service.js';
import { TONES } from './offline-writer.js';

const body = z.strictObject({
  draft: z.string().trim().min(1, 'write a draft to adapt').max(10_000),
  networks: z.array(z.enum(NETWORKS)).min(1).max(NETWORKS.length).refine((n) => new Set(n).size === n.length, 'name each network once'),
  tone: z.enum(TONES).default('neutral'),
  keywords: z.array(z.string().trim().min(1).max(40)).max(10).default([]).describe('Become hashtags (#CamelCase)'),
  max_hashtags: z.number().int().min(0).max(10).default(3),
  provider: z.enum(['auto', 'offline']).default('auto').describe('auto: the hosted model when the server has one, else the offline adapter'),
});

const version = z.object({
  network: z.enum(NETWORKS),
  text: z.string(),
  length: z.number().describe('Counted the network\'s way (X weighs URLs and CJK; Bluesky counts graphemes)'),
  max_length: z.number(),
  length_unit: z.string(),
  hashtags: z.array(z.string()),
  notes: z.array(z.string()).describe('What was done to the draft for this network'),
});
const result = z.object({
  provider: z.enum(['hosted', 'offline']),
  model: z.string().nullable(),
  versions: z.array(version),
  fallback_reason: z.string().nullable().describe('Why the offline adapter answered although a hosted model is configured'),
});

/** The seed's server-side AI proxy (editors): one draft in, a version per network out. */
export async function aiRoutes(root: FastifyInstance, opts: { config: SocialConfig }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const ai = new ContentAiService(app.ctx, opts.config);

  app.post('/ai/generate', {
    schema: {
      tags: ['social: ai'],
      description: 'Adapt a draft to each network: the hosted model when configured (SOCIAL_AI_*), else (or when it fails) the offline adapter, which applies a tone template, hashtags from the keywords and the network\'s length limit, and says what it did. Limited per user (SOCIAL_AI_REQUESTS_PER_MINUTE).',
      body,
      response: { 200: ok(result) },
    },
  }, async (request) => {
    const r = await ai.generate(requireWorkspace(request, 'editor'), request.body);
    const message = r.fallback_reason
      ? `The hosted model failed (${r.fallback_reason}): these versions are the offline adapter's`
      : r.provider === 'hosted' ? `Written by ${r.model}; check the facts before publishing` : 'Adapted offline: tone template, hashtags from the keywords, length limits';
    return wrap(r, message);
  });
}
