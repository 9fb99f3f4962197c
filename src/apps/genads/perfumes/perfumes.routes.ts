import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Principal } from '../../../platform/auth/principal.js';
import { noContent, requestMeta, uuid } from '../../../platform/http/schemas.js';
import { badRequest, notFound, unprocessable } from '../../../platform/errors.js';
import { GENADS_ROLES, requireGenAds } from '../access.js';
import { brandOf } from '../onboarding-guard.js';
import { multipartRouteValidator, type FormFile } from '../uploads/read-form.js';
import { imageAsPng } from '../uploads/validate-files.js';
import { AssetLinks, LINK_TTL_SECONDS } from '../assets/asset-links.js';
import type { ProductAngle } from '../pipeline/types.js';
import { ANGLES, PerfumesService, perfumeView } from './perfumes.service.js';
import { createPerfumeForm, perfumeGender as gender, updatePerfumeForm } from './perfume-form.js';
import { createdPerfumeResponse, imageLinkResponse, perfumeListResponse, perfumeResponse } from '../responses.js';

const perfumeParams = z.strictObject({ perfumeId: uuid });

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
    validatorCompiler: multipartRouteValidator,
    schema: {
      tags,
      consumes: ['multipart/form-data'],
      body: createPerfumeForm.body,
      response: { 201: createdPerfumeResponse },
      description: 'Create a perfume: multipart with `perfume_name` (2-200, unique in the brand), `perfume_gender` (masculine|feminine|unisex), `front_image` (required) and optional `back_image`, `top_image`, `left_image`, `right_image` (PNG/JPG/WebP, ≤ 5 MB each). 422 MISSING_FRONT_IMAGE without a front image.',
    },
  }, async (request, reply) => {
    const p = requireGenAds(request, GENADS_ROLES.create);
    const { fields: input, files } = await createPerfumeForm.read(request);
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
      response: { 200: perfumeListResponse },
    },
  }, async (request) => perfumes.list(requireGenAds(request, GENADS_ROLES.read), brandOf(request), request.query));

  app.get('/perfumes/:perfumeId', { schema: { tags, params: perfumeParams, response: { 200: perfumeResponse } } }, async (request) =>
    perfumes.getWithCounts(requireGenAds(request, GENADS_ROLES.read), brandOf(request), request.params.perfumeId),
  );

  app.put('/perfumes/:perfumeId', {
    validatorCompiler: multipartRouteValidator,
    schema: {
      tags,
      params: perfumeParams,
      consumes: ['multipart/form-data'],
      body: updatePerfumeForm.body,
      response: { 200: perfumeResponse },
      description: 'Update a perfume: multipart with any of `perfume_name`, `perfume_gender`, the five `*_image` files (replacing the stored image), and `remove_images` (comma-separated optional angles: back,top,left,right).',
    },
  }, async (request) => {
    const p = requireGenAds(request, GENADS_ROLES.create);
    // Another brand's id answers 404 whatever the body holds.
    const current = await perfumes.get(p, brandOf(request), request.params.perfumeId);
    const { fields: input, files } = await updatePerfumeForm.read(request);
    if (!input.perfume_name && !input.perfume_gender && files.size === 0 && input.remove_images.length === 0) {
      throw badRequest('Nothing to update: send perfume_name, perfume_gender, images or remove_images', undefined, 'EMPTY_UPDATE');
    }
    return perfumes.update(p, brandOf(request), current, {
      name: input.perfume_name, gender: input.perfume_gender, images: await imagesOf(files), removeAngles: input.remove_images,
    }, requestMeta(request));
  });

  app.delete('/perfumes/:perfumeId', { schema: { tags, params: perfumeParams, description: '204; 409 PERFUME_HAS_CAMPAIGNS while campaigns exist.', response: { 204: noContent('Deleted, with its images') } } }, async (request, reply) => {
    await perfumes.delete(requireGenAds(request, GENADS_ROLES.remove), brandOf(request), request.params.perfumeId, requestMeta(request));
    return reply.status(204).send();
  });

  const imageParams = z.strictObject({ perfumeId: uuid, angle: z.enum(ANGLES) });
  /** The presigned URL of a perfume's image at one angle; 404 when it has none there. */
  const imageLink = async (p: Principal, brand: ReturnType<typeof brandOf>, { perfumeId, angle }: z.infer<typeof imageParams>) => {
    const key = (await perfumes.get(p, brand, perfumeId))[`${angle}_image_url`];
    if (!key) throw notFound('Image', 'NO_SUCH_IMAGE', `This perfume has no ${angle} image`);
    return links.presign(p, key);
  };

  app.get('/perfumes/:perfumeId/images/:angle', {
    schema: { tags, params: imageParams, description: 'Redirects (302) to a presigned URL of the image, valid 1 hour; 404 when the perfume has no image at that angle.', response: { 302: noContent('To the image\'s presigned URL (Location)') } },
  }, async (request, reply) => {
    return reply.redirect(await imageLink(requireGenAds(request, GENADS_ROLES.read), brandOf(request), request.params), 302);
  });

  // The same URL as JSON, for pages: an <img> shows a presigned URL on the bucket's own origin
  // without CORS, where a fetch that followed the redirect above would need the bucket to allow the app.
  app.get('/perfumes/:perfumeId/images/:angle/link', {
    schema: { tags, params: imageParams, description: 'The image\'s presigned URL (valid 1 hour) as JSON; 404 when the perfume has no image at that angle.', response: { 200: imageLinkResponse } },
  }, async (request) => {
    return { url: await imageLink(requireGenAds(request, GENADS_ROLES.read), brandOf(request), request.params), expires_in_seconds: LINK_TTL_SECONDS };
  });
}
