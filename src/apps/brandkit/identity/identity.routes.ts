import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { nonJsonResponse } from '../../../platform/http/schemas.js';
import { badRequest } from '../../../platform/errors.js';
import { requireBrandkitUser } from '../access.js';
import { ARCHETYPES, ARCHETYPE_INFO, suggestArchetypes } from './archetypes.js';
import { HEX_COLOR } from './color.js';
import { HARMONIES, harmonyPalette } from './palette.js';
import { baseColorOf, dominantColors } from './dominant-colors.js';
import { fontPairings, pairingPreviewSvg } from './fonts.js';
import { PALETTE_ROLES } from '../schema.js';
import type { BrandkitConfig } from '../config.js';

const archetypeView = z.object({ archetype: z.enum(ARCHETYPES), label: z.string(), motto: z.string(), keywords: z.array(z.string()) });
const suggestionView = z.object({ archetype: z.enum(ARCHETYPES), label: z.string(), score: z.number(), matched: z.array(z.string()) });
const paletteView = z.object({
  harmony: z.enum(HARMONIES),
  colors: z.array(z.object({ hex: z.string(), role: z.enum(PALETTE_ROLES) })),
  contrast: z.array(z.object({ foreground: z.enum(PALETTE_ROLES), background: z.enum(PALETTE_ROLES), ratio: z.number(), aa: z.boolean(), aa_large: z.boolean(), aaa: z.boolean() })),
});
const pairingView = z.object({
  id: z.string(), name: z.string(), rationale: z.string(), licence: z.string(), preview_url: z.string(),
  heading: z.object({ family: z.string(), weight: z.number(), category: z.string() }),
  body: z.object({ family: z.string(), weight: z.number(), category: z.string() }),
});
const hex = z.string().regex(HEX_COLOR, 'a colour is written #rrggbb, e.g. #1a73e8');

/** The identity step's helpers: archetypes, palettes (from a colour or an image) and font pairings. */
export async function identityRoutes(root: FastifyInstance, opts: { config: BrandkitConfig }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['brandkit: identity'];

  app.addContentTypeParser(['image/png', 'image/jpeg', 'image/webp', 'image/gif'], { parseAs: 'buffer', bodyLimit: opts.config.maxImageBytes }, (_req, body, done) => done(null, body));

  app.get('/archetypes', { schema: { tags, response: { 200: z.object({ items: z.array(archetypeView) }) } } }, async (request) => {
    requireBrandkitUser(request);
    return { items: ARCHETYPES.map((a) => ({ archetype: a, ...ARCHETYPE_INFO[a] })) };
  });

  app.post('/identity/archetype', {
    schema: {
      tags,
      body: z.strictObject({ brand_values: z.array(z.string().trim().min(1).max(40)).min(1).max(10), target_audience: z.string().max(2000).default('') }),
      description: 'The twelve archetypes ranked for these values and audience, each with the words that point at it. `suggested` is null when no word matched any.',
      response: { 200: z.object({ suggested: z.enum(ARCHETYPES).nullable(), ranking: z.array(suggestionView) }) },
    },
  }, async (request) => {
    requireBrandkitUser(request);
    const ranking = suggestArchetypes(request.body.brand_values, request.body.target_audience);
    return { suggested: ranking[0].score > 0 ? ranking[0].archetype : null, ranking };
  });

  app.post('/identity/palette', {
    schema: { tags, body: z.strictObject({ base_color: hex, harmony: z.enum(HARMONIES).default('complementary') }), description: 'A palette by colour harmony from a base colour, with roles and WCAG contrast checks of each text role on the background.', response: { 200: paletteView } },
  }, async (request) => {
    requireBrandkitUser(request);
    return harmonyPalette(request.body.base_color, request.body.harmony);
  });

  app.post('/identity/palette/from-image', {
    schema: {
      tags,
      querystring: z.strictObject({ harmony: z.enum(HARMONIES).default('analogous') }),
      description: 'Send an image (PNG, JPEG, WebP or GIF body): its dominant colours, and a palette by harmony from the most vivid of them. Not an image: 415 NOT_AN_IMAGE.',
      response: { 200: paletteView.extend({ dominant: z.array(z.object({ hex: z.string(), share: z.number() })) }) },
    },
  }, async (request) => {
    requireBrandkitUser(request);
    if (!Buffer.isBuffer(request.body) || request.body.length === 0) throw badRequest('Send the image as the body, with Content-Type image/png, image/jpeg, image/webp or image/gif', undefined, 'IMAGE_REQUIRED');
    const dominant = await dominantColors(request.body);
    return { ...harmonyPalette(baseColorOf(dominant), request.query.harmony), dominant };
  });

  app.get('/fonts', { schema: { tags, description: 'Font pairings from the fonts shipped with the project (SIL Open Font Licence).', response: { 200: z.object({ items: z.array(pairingView) }) } } }, async (request) => {
    requireBrandkitUser(request);
    return { items: fontPairings().map((p) => ({ ...p, preview_url: `/brandkit/api/fonts/${p.id}/preview.svg` })) };
  });

  app.get('/fonts/:pairing/preview.svg', {
    schema: {
      tags,
      params: z.strictObject({ pairing: z.string().max(60) }),
      querystring: z.strictObject({ heading: z.string().max(40).default('Your Brand'), body: z.string().max(120).default('The quick brown fox jumps over the lazy dog'), color: hex.optional(), background: hex.optional() }),
      response: { 200: nonJsonResponse('An SVG preview of the pairing with both fonts embedded', ['image/svg+xml']) },
    },
  }, async (request, reply) => {
    requireBrandkitUser(request);
    const svg = pairingPreviewSvg(request.params.pairing, request.query);
    return reply.type('image/svg+xml').header('cache-control', 'private, max-age=3600').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; font-src data:").send(svg);
  });
}
