import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseInput, requestMeta, uuid } from '../../../platform/http/schemas.js';
import { badRequest, notFound, unprocessable } from '../../../platform/errors.js';
import { GENADS_ROLES, requireGenAds } from '../access.js';
import { brandOf } from '../onboarding-guard.js';
import { readForm, type FormFile } from '../uploads/read-form.js';
import { imageAsPng, MAX_IMAGE_BYTES } from '../uploads/validate-files.js';
import { AssetLinks } from '../assets/asset-links.js';
import type { ProductAngle } from '../pipeline/types.js';
import { ANGLES, OPTIONAL_ANGLES, PerfumesService, perfumeView } from './perfumes.service.js';

const perfumeName = z.string().trim().min(2, 'must be at least 2 characters').max(200, 'must be at most 200 characters');
const gender = z.enum(['masculine', 'feminine', 'unisex']);
const perfumeParams = z.strictObject({ perfumeId: uuid });
const IMAGE_FILES = Object.fromEntries(ANGLES.map((a) => [`${a}_image`, MAX_IMAGE_BYTES]));

/** Every image of the form, checked and converted to PNG. */
async function imagesOf(files: Map<string, FormFile>): Promise<Partial<Record<ProductAngle, Buffer>>> {
  const images: Partial<Record<ProductAngle, Buffer>> = {};
  for (const angle of ANGLES) {
    const file = files.get(`${angle}_image`);
    if (file) images[angle] = (await imageAsPng(file.bytes, `${angle}_image`)).png;
  }
  return images;
}

export async function perfumesRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const perfumes = new PerfumesService(app.ctx);
  const links = new AssetLinks(app.ctx);
  const tags = ['genads: perfumes'];

  app.post('/perfumes', {
    schema: {
      tags,
      consumes: ['multipart/form-data'],
      description: 'Create a perfume: multipart with `perfume_name` (2-200, unique in the brand), `perfume_gender` (masculine|feminine|unisex), `front_image` (required) and optional `back_image`, `top_image`, `left_image`, `right_image` (PNG/JPG/WebP, ≤ 5 MB each). 422 MISSING_FRONT_IMAGE without a front image.',
    },
  }, async (request, reply) => {
    const p = requireGenAds(request, GENADS_ROLES.create);
    const { fields, files } = await readForm(request, { files: IMAGE_FILES });
    const input = parseInput(z.object({ perfume_name: perfumeName, perfume_gender: gender }), fields);
    if (!files.has('front_image')) throw unprocessable('A front image is required: send it as "front_image"', 'MISSING_FRONT_IMAGE');
    const images = await imagesOf(files);
    const row = await perfumes.create(p, brandOf(request), { name: input.perfume_name, gender: input.perfume_gender, images: { ...images, front: images.front! } }, requestMeta(request));
    const { updated_at: _u, ...view } = perfumeView(row);
    return reply.status(201).send(view);
  });

  app.get('/perfumes', {
    schema: {
      tags,
      querystring: z.strictObject({
        page: z.coerce.number().int().min(1).default(1),
        limit: z.coerce.number().int().min(1).max(100).default(20),
        gender: gender.optional(),
        sort: z.enum(['created_at', 'name']).default('created_at'),
        order: z.enum(['asc', 'desc']).default('desc'),
      }),
    },
  }, async (request) => perfumes.list(requireGenAds(request, GENADS_ROLES.read), brandOf(request), request.query));

  app.get('/perfumes/:perfumeId', { schema: { tags, params: perfumeParams } }, async (request) =>
    perfumes.getWithCounts(requireGenAds(request, GENADS_ROLES.read), brandOf(request), request.params.perfumeId),
  );

  app.put('/perfumes/:perfumeId', {
    schema: {
      tags,
      params: perfumeParams,
      consumes: ['multipart/form-data'],
      description: 'Update a perfume: multipart with any of `perfume_name`, `perfume_gender`, the five `*_image` files (replacing the stored image), and `remove_images` (comma-separated optional angles: back,top,left,right).',
    },
  }, async (request) => {
    const p = requireGenAds(request, GENADS_ROLES.create);
    // Another brand's id answers 404 whatever the body holds.
    const current = await perfumes.get(p, brandOf(request), request.params.perfumeId);
    const { fields, files } = await readForm(request, { files: IMAGE_FILES });
    const input = parseInput(
      z.object({
        perfume_name: perfumeName.optional(),
        perfume_gender: gender.optional(),
        remove_images: z.string().optional().transform((s, c) => {
          const list = (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
          const bad = list.find((a) => !(OPTIONAL_ANGLES as readonly string[]).includes(a));
          if (bad) c.addIssue({ code: 'custom', message: `"${bad}" cannot be removed: use back, top, left or right (the front image is required)` });
          return list as (typeof OPTIONAL_ANGLES)[number][];
        }),
      }),
      fields,
    );
    if (!input.perfume_name && !input.perfume_gender && files.size === 0 && input.remove_images.length === 0) {
      throw badRequest('Nothing to update: send perfume_name, perfume_gender, images or remove_images', undefined, 'EMPTY_UPDATE');
    }
    return perfumes.update(p, brandOf(request), current, {
      name: input.perfume_name, gender: input.perfume_gender, images: await imagesOf(files), removeAngles: input.remove_images,
    }, requestMeta(request));
  });

  app.delete('/perfumes/:perfumeId', { schema: { tags, params: perfumeParams, description: '204; 409 PERFUME_HAS_CAMPAIGNS while campaigns exist.' } }, async (request, reply) => {
    await perfumes.delete(requireGenAds(request, GENADS_ROLES.remove), brandOf(request), request.params.perfumeId, requestMeta(request));
    return reply.status(204).send();
  });

  app.get('/perfumes/:perfumeId/images/:angle', {
    schema: { tags, params: z.strictObject({ perfumeId: uuid, angle: z.enum(ANGLES) }), description: 'Redirects (302) to a presigned URL of the image, valid 1 hour; 404 when the perfume has no image at that angle.' },
  }, async (request, reply) => {
    const p = requireGenAds(request, GENADS_ROLES.read);
    const perfume = await perfumes.get(p, brandOf(request), request.params.perfumeId);
    const key = perfume[`${request.params.angle}_image_url`];
    if (!key) throw notFound('Image', 'NO_SUCH_IMAGE', `This perfume has no ${request.params.angle} image`);
    return reply.redirect(await links.presign(p, key), 302);
  });
}
