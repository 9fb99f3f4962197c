import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import { idParams, nonJsonResponse, parseInput, requestMeta } from '../../../platform/http/schemas.js';
import { badRequest } from '../../../platform/errors.js';
import { sendDownload } from '../../../platform/storage/download-reply.js';
import { downloadName } from '../../../platform/storage/catalog.js';
import type { Principal } from '../../../platform/auth/principal.js';
import type { RequestMeta } from '../../../platform/audit/audit.service.js';
import { requireAuraAdmin, requireAuraEmployee, requireAuraReader } from '../access.js';
import type { AuraConfig } from '../config.js';
import { PhotosService, type PhotoImage } from './photos.service.js';
import type { PlatformContext } from '../../../platform/context.js';
import { checkStorageAlerts } from '../usage/storage-alerts.js';
import { PhotoUploadService, type UploadOutcome, type UploadTarget } from './upload.service.js';
import { photoListQuery, photoPage, photoView, updatePhotoBody, uploadFields, uploadResult } from './photo.schema.js';

const PHOTO_IMAGES = ['thumb', 'full', 'original'] as const satisfies readonly PhotoImage[];
const IMAGE_DESCRIPTIONS: Record<PhotoImage, string> = {
  thumb: 'The 400 px WebP, streamed (Range supported).',
  full: 'The 2000 px WebP, streamed (Range supported).',
  original: 'The original file as uploaded, streamed (Range supported).',
};

export async function photosRoutes(root: FastifyInstance, opts: { config: AuraConfig }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const photos = new PhotosService(app.ctx);
  const uploads = new PhotoUploadService(app.ctx);
  const tags = ['aura: photos'];
  const { maxPhotoBytes, maxFilesPerUpload } = opts.config;

  // Over-large files arrive truncated (not thrown), so the batch goes on and that file alone fails.
  await app.register(multipart, { throwFileSizeLimit: false, limits: { files: maxFilesPerUpload, fields: 10, fileSize: maxPhotoBytes, fieldSize: 1024 } });

  app.post('/photos', {
    // The form is read part by part in the handler; only the declared fields are validated.
    validatorCompiler: () => (body: unknown) => ({ value: body }),
    schema: {
      tags,
      description: `Employees and admins. multipart/form-data: the fields \`event_id\` (optional) and \`source_type\` (cloud | local_sync | event_temp, default cloud) first, then any number of files (up to ${maxFilesPerUpload}, each up to ${Math.round(maxPhotoBytes / 1024 / 1024)} MB) under any field name. Each file gets its own outcome: "stored", "duplicate" (the same bytes are already a photo: that photo is answered) or "failed" with the error (415 not a photo / HEIC / RAW, 413 over the quota or too large, 422 unreadable). Files stored before a failure stay stored.`,
      consumes: ['multipart/form-data'],
      body: uploadFields.extend({ files: z.any().optional().meta({ type: 'array', items: { type: 'string', format: 'binary' } }) }),
      response: { 200: uploadResult },
    },
  }, async (request) => readAndStore(app.ctx, request, requireAuraEmployee(request), uploads, maxPhotoBytes, requestMeta(request)));

  app.get('/photos', { schema: { tags, querystring: photoListQuery, response: { 200: photoPage } } }, async (request) => photos.list(requireAuraReader(request), request.query));

  app.get('/photos/:id', { schema: { tags, params: idParams, response: { 200: photoView } } }, async (request) => photos.get(requireAuraReader(request), request.params.id));

  app.patch('/photos/:id', { schema: { tags, description: 'Admins only: event, source type, date and metadata.', params: idParams, body: updatePhotoBody, response: { 200: photoView } } }, async (request) =>
    photos.update(requireAuraAdmin(request), request.params.id, request.body, requestMeta(request)),
  );

  // Three static routes rather than one "/photos/:id/:image", so other GETs under a photo stay free.
  for (const image of PHOTO_IMAGES) {
    app.get(`/photos/:id/${image}`, {
      schema: { tags, description: IMAGE_DESCRIPTIONS[image], params: idParams, response: { 200: nonJsonResponse('The image', image === 'original' ? ['image/jpeg', 'image/png', 'image/webp', 'image/tiff', 'image/avif', 'image/gif'] : ['image/webp']) } },
    }, async (request, reply) => {
      const object = await photos.image(requireAuraReader(request), request.params.id, image);
      return sendDownload(request, reply, {
        size: object.sizeBytes,
        contentType: object.contentType,
        downloadName: downloadName(object.key),
        etag: `"${object.sha256}"`,
        open: (range) => app.ctx.storage.driver.get(object.storageKey, { range }),
      });
    });
  }
}

/**
 * Stream the form: fields first, then each file read (up to the size limit), stored and
 * forgotten before the next arrives, so a batch never sits in memory whole.
 */
async function readAndStore(ctx: PlatformContext, request: FastifyRequest, p: Principal, uploads: PhotoUploadService, maxBytes: number, meta: RequestMeta) {
  if (!request.isMultipart()) throw badRequest('Send photos as multipart/form-data: the fields event_id and source_type, then the files', undefined, 'MULTIPART_REQUIRED');
  const fields: Record<string, string> = {};
  let target: UploadTarget | null = null;
  const files: UploadOutcome[] = [];
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      if (target) throw badRequest(`The field "${part.fieldname}" came after the first file: send event_id and source_type before the files`, undefined, 'FIELDS_AFTER_FILES');
      fields[part.fieldname] = String(part.value);
      continue;
    }
    target ??= await uploads.target(p, parseInput(uploadFields, fields));
    const name = part.filename || 'photo';
    const bytes = await part.toBuffer();
    if (part.file.truncated) {
      files.push({ file: name, status: 'failed', error: { status: 413, code: 'FILE_TOO_LARGE', message: `This file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB: export it smaller, or ask for AURA_MAX_PHOTO_MB to be raised` } });
      continue;
    }
    if (bytes.length === 0) {
      files.push({ file: name, status: 'failed', error: { status: 422, code: 'EMPTY_FILE', message: 'The file is empty: choose a file with content' } });
      continue;
    }
    files.push(await uploads.ingest(p, target, { filename: name, bytes }, meta));
  }
  if (files.length === 0) throw badRequest('No files in the form: add one or more photos', undefined, 'NO_FILES');
  // Stored photos may have crossed 80 % or 100 % of the storage limit: the admins hear of it now, not at the next sweep.
  if (files.some((f) => f.status === 'stored' || (f.status === 'failed' && f.error.code === 'QUOTA_EXCEEDED'))) await checkStorageAlerts(ctx, p.orgId);
  return {
    stored: files.filter((f) => f.status === 'stored').length,
    duplicates: files.filter((f) => f.status === 'duplicate').length,
    failed: files.filter((f) => f.status === 'failed').length,
    files,
  };
}
