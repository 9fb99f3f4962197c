import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireSuperadmin } from '../../../platform/auth/authenticate.js';
import { noContent, requestMeta } from '../../../platform/http/schemas.js';
import { pageQuery, pageSchema } from '../../../platform/db/page.js';
import { badRequest } from '../../../platform/errors.js';
import { requireBrandkitUser } from '../access.js';
import { brandParams } from '../brands/brands.routes.js';
import type { BrandkitConfig } from '../config.js';
import { ProductsService } from './products.service.js';
import { SelectionService } from './selection.service.js';
import { productView, selectionView } from './product.schema.js';

const productParams = z.strictObject({ productId: z.uuid() });
const productFields = {
  sku: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a SKU is letters, digits and . _ -, up to 64, starting with a letter or digit'),
  name: z.string().trim().min(1).max(200),
  category: z.string().trim().min(1).max(60),
  description: z.string().trim().max(2000).nullable().optional(),
  is_active: z.boolean().optional(),
};
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

/** The catalog (read by all, written by the superadmin) and each brand's selection of it. */
export async function productsRoutes(root: FastifyInstance, opts: { config: BrandkitConfig }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const products = new ProductsService(app.ctx);
  const selection = new SelectionService(app.ctx);
  const tags = ['brandkit: products'];

  app.addContentTypeParser(IMAGE_TYPES, { parseAs: 'buffer', bodyLimit: opts.config.maxImageBytes }, (_req, body, done) => done(null, body));

  app.get('/products', {
    schema: { tags, querystring: pageQuery.extend({ category: z.string().max(60).optional(), include_inactive: z.stringbool().optional().describe('superadmins: list inactive products too') }), response: { 200: pageSchema(productView) } },
  }, async (request) => products.list(requireBrandkitUser(request), request.query));

  app.get('/products/categories', { schema: { tags, response: { 200: z.object({ items: z.array(z.string()) }) } } }, async (request) => products.categories(requireBrandkitUser(request)));

  app.get('/products/:productId', { schema: { tags, params: productParams, response: { 200: productView } } }, async (request) => products.get(requireBrandkitUser(request), request.params.productId));

  app.post('/products', { schema: { tags, description: 'Superadmin: add a product to the catalog. 409 SKU_EXISTS for a SKU in use.', body: z.strictObject(productFields), response: { 201: productView } } }, async (request, reply) =>
    reply.status(201).send(await products.create(requireSuperadmin(request), request.body, requestMeta(request))));

  app.patch('/products/:productId', {
    schema: { tags, description: 'Superadmin: change a product; {"is_active": false} withdraws it from selection.', params: productParams, body: z.strictObject(productFields).partial().refine((b) => Object.keys(b).length > 0, 'send at least one field'), response: { 200: productView } },
  }, async (request) => products.update(requireSuperadmin(request), request.params.productId, request.body, requestMeta(request)));

  app.delete('/products/:productId', { schema: { tags, description: 'Superadmin: delete a product no brand selected (else 409 PRODUCT_IN_USE: deactivate it).', params: productParams, response: { 204: noContent('Deleted') } } }, async (request, reply) => {
    await products.delete(requireSuperadmin(request), request.params.productId, requestMeta(request));
    return reply.status(204).send();
  });

  for (const kind of ['image', 'mask'] as const) {
    app.put(`/products/:productId/${kind}`, {
      schema: {
        tags,
        params: productParams,
        description: `Superadmin: the product's ${kind === 'image' ? 'catalog photo' : 'mask (white where the label goes)'}: the raw image as the body (${IMAGE_TYPES.join(', ')}); stored as PNG. Not an image: 415 NOT_AN_IMAGE.`,
        response: { 200: productView },
      },
    }, async (request) => {
      const p = requireSuperadmin(request);
      if (!Buffer.isBuffer(request.body) || request.body.length === 0) throw badRequest(`Send the ${kind} as the body with Content-Type ${IMAGE_TYPES.join(', ')}`, undefined, 'IMAGE_REQUIRED');
      return products.setImage(p, request.params.productId, kind, request.body);
    });
  }

  // A brand's selection.
  const selectionBody = z.strictObject({ quantity: z.number().int().min(1).max(100_000).optional(), notes: z.string().trim().max(2000).nullable().optional() });
  app.get('/brands/:brandId/products', { schema: { tags, params: brandParams, response: { 200: z.object({ items: z.array(selectionView) }) } } }, async (request) =>
    selection.list(requireBrandkitUser(request), request.params.brandId));

  app.post('/brands/:brandId/products', {
    schema: { tags, params: brandParams, body: selectionBody.extend({ product_id: z.uuid() }), description: 'Select a product for the brand. 409 PRODUCT_INACTIVE for a withdrawn product, 409 PRODUCT_ALREADY_SELECTED for one selected already.', response: { 201: selectionView } },
  }, async (request, reply) => reply.status(201).send(await selection.add(requireBrandkitUser(request, 'member'), request.params.brandId, request.body)));

  app.patch('/brands/:brandId/products/:productId', {
    schema: { tags, params: brandParams.extend(productParams.shape), body: selectionBody, response: { 200: selectionView } },
  }, async (request) => selection.update(requireBrandkitUser(request, 'member'), request.params.brandId, request.params.productId, request.body));

  app.delete('/brands/:brandId/products/:productId', { schema: { tags, params: brandParams.extend(productParams.shape), response: { 204: noContent('No longer selected') } } }, async (request, reply) => {
    await selection.remove(requireBrandkitUser(request, 'member'), request.params.brandId, request.params.productId);
    return reply.status(204).send();
  });
}
