import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idParams, noContent, nonJsonResponse, requestMeta } from '../../../platform/http/schemas.js';
import { pageQuery, pageSchema } from '../../../platform/db/page.js';
import { publicBaseUrl } from '../../../platform/sharing/share-url.js';
import { contentDisposition } from '../../../platform/storage/driver.js';
import { requireAuraAdmin, requireAuraEmployee, requireAuraReader } from '../access.js';
import { BundlesService } from './bundles.service.js';
import { BundleSharesService } from './bundle-shares.service.js';
import { bundleZip } from './bundle-zip.js';
import { addPhotosBody, bundleDetail, bundlePhotoParams, bundleSummary, createBundleBody, createdBundleShare, renameBundleBody, shareBundleBody } from './bundle.schema.js';

/** Employees create bundles and add photos; admins rename, remove photos and delete (the seed's policy table). */
export async function bundlesRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const bundles = new BundlesService(app.ctx);
  const shares = new BundleSharesService(app.ctx);
  const tags = ['aura: bundles'];

  app.post('/bundles', { schema: { tags, body: createBundleBody, response: { 201: bundleDetail } } }, async (request, reply) =>
    reply.status(201).send(await bundles.create(requireAuraEmployee(request), request.body, requestMeta(request))),
  );

  app.get('/bundles', { schema: { tags, querystring: pageQuery, response: { 200: pageSchema(bundleSummary) } } }, async (request) => bundles.list(requireAuraReader(request), request.query));

  app.get('/bundles/:id', { schema: { tags, params: idParams, response: { 200: bundleDetail } } }, async (request) => bundles.get(requireAuraReader(request), request.params.id));

  app.patch('/bundles/:id', { schema: { tags, params: idParams, body: renameBundleBody, description: 'Rename (admin).', response: { 200: bundleDetail } } }, async (request) =>
    bundles.rename(requireAuraAdmin(request), request.params.id, request.body.name, requestMeta(request)),
  );

  app.post('/bundles/:id/photos', { schema: { tags, params: idParams, body: addPhotosBody, description: 'Add photos (employees too); ones already in the bundle are ignored.', response: { 200: bundleDetail } } }, async (request) =>
    bundles.addPhotos(requireAuraEmployee(request), request.params.id, request.body.photo_ids),
  );

  app.delete('/bundles/:id/photos/:photoId', { schema: { tags, params: bundlePhotoParams, description: 'Take a photo out of the bundle (admin); the photo itself stays.', response: { 200: bundleDetail } } }, async (request) =>
    bundles.removePhoto(requireAuraAdmin(request), request.params.id, request.params.photoId),
  );

  app.delete('/bundles/:id', { schema: { tags, params: idParams, description: 'Delete the bundle (admin); its photos stay, its share links are revoked.', response: { 204: noContent('Deleted') } } }, async (request, reply) => {
    await bundles.delete(requireAuraAdmin(request), request.params.id, requestMeta(request));
    return reply.status(204).send();
  });

  app.post('/bundles/:id/share', {
    schema: { tags, params: idParams, body: shareBundleBody, description: 'A public link to the bundle (page, QR code, ZIP download). The token is shown once.', response: { 201: createdBundleShare } },
  }, async (request, reply) =>
    reply.status(201).send(await shares.create(requireAuraEmployee(request), request.params.id, request.body, publicBaseUrl(request, app.ctx.config), requestMeta(request))),
  );

  app.get('/bundles/:id/zip', { schema: { tags, params: idParams, description: 'The bundle\'s originals as a ZIP, streamed.', response: { 200: nonJsonResponse('The bundle\'s photos', ['application/zip']) } } }, async (request, reply) => {
    const zip = await bundleZip(app.ctx, requireAuraReader(request), request.params.id);
    reply.header('content-disposition', contentDisposition(zip.fileName));
    return reply.type('application/zip').send(zip.stream);
  });
}
