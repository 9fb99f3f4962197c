import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import { idParams, nonJsonResponse, pageQuery, parseInput, requestMeta } from '../../../platform/http/schemas.js';
import { pageSchema } from '../../../platform/db/page.js';
import { sendDownload } from '../../../platform/storage/download-reply.js';
import { badRequest, unsupportedMediaType } from '../../../platform/errors.js';
import { ok, wrap } from '../http/envelope.js';
import { requireWorkspace } from '../http/social-principal.js';
import type { SocialConfig } from '../config.js';
import { MediaService } from './media.service.js';
import { mediaChanges, mediaDetail, mediaView, uploadFields } from './media.schema.js';

export async function mediaRoutes(root: FastifyInstance, opts: { config: SocialConfig }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const media = new MediaService(app.ctx);
  const tags = ['social: media'];
  const largest = Math.max(opts.config.imageMaxBytes, opts.config.videoMaxBytes);

  // The platform's upload kinds enforce each type's own limit while the bytes stream.
  await app.register(multipart, { limits: { files: 1, fields: 10, fileSize: largest + 1, fieldSize: 16 * 1024 } });

  app.post('/media', {
    bodyLimit: largest + 1024 * 1024,
    schema: {
      tags,
      description: `Upload to the media library: multipart/form-data with optional fields name, tags (comma-separated), alt_text, then the file part "file". Images JPEG/PNG/WebP/GIF up to ${opts.config.imageMaxBytes / 1024 / 1024} MB, video MP4 up to ${opts.config.videoMaxBytes / 1024 / 1024} MB (SOCIAL_MEDIA_*_MAX_MB); the type is checked from the bytes.`,
      response: { 201: ok(mediaView) },
    },
  }, async (request, reply) => {
    const p = requireWorkspace(request, 'editor');
    return reply.status(201).send(wrap(await readUpload(request, (file, fields) => media.upload(p, file, fields, requestMeta(request))), 'Uploaded'));
  });

  app.get('/media', {
    schema: {
      tags,
      description: 'The media library, newest first: search names and alt text (`q`), files carrying every `tag` (repeat or comma-separate), by type.',
      querystring: pageQuery.extend({
        q: z.string().trim().min(1).max(200).optional(),
        tag: z.union([z.string(), z.array(z.string())]).optional().transform((t) => (t === undefined ? undefined : (Array.isArray(t) ? t : [t]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean).slice(0, 20))),
        media_type: z.enum(['image', 'video']).optional(),
      }),
      response: { 200: ok(pageSchema(mediaView)) },
    },
  }, async (request) => wrap(await media.list(requireWorkspace(request), request.query)));

  app.get('/media/:id', { schema: { tags, params: idParams, response: { 200: ok(mediaDetail) } } }, async (request) => wrap(await media.get(requireWorkspace(request), request.params.id)));

  app.get('/media/:id/file', {
    schema: { tags, description: 'The file\'s bytes (ranges supported, for video).', params: idParams, response: { 200: nonJsonResponse('The file', ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'video/mp4']), 206: nonJsonResponse('A range of the file', ['video/mp4']) } },
  }, async (request, reply) => sendDownload(request, reply, await media.download(requireWorkspace(request), request.params.id)));

  app.get('/media/:id/thumbnail', {
    schema: { tags, description: 'The image\'s thumbnail (WebP, 400 px on its longest side). 404 THUMBNAIL_NOT_READY until its job has made it, and for video.', params: idParams, response: { 200: nonJsonResponse('The thumbnail', ['image/webp']) } },
  }, async (request, reply) => sendDownload(request, reply, await media.thumbnail(requireWorkspace(request), request.params.id)));

  app.patch('/media/:id', { schema: { tags, params: idParams, body: mediaChanges, response: { 200: ok(mediaView) } } }, async (request) =>
    wrap(await media.update(requireWorkspace(request, 'editor'), request.params.id, request.body, requestMeta(request))),
  );

  app.delete('/media/:id', {
    schema: { tags, description: 'Delete a file that no post uses (409 MEDIA_IN_USE lists the posts otherwise); its bytes are freed.', params: idParams, response: { 200: ok(z.object({ id: z.string(), deleted: z.literal(true) })) } },
  }, async (request) => {
    await media.delete(requireWorkspace(request, 'editor'), request.params.id, requestMeta(request));
    return wrap({ id: request.params.id, deleted: true as const }, 'Deleted');
  });
}

type Upload = Parameters<MediaService['upload']>[1];
type Fields = Parameters<MediaService['upload']>[2];

/** The form's fields, then its file streamed straight into `store` (never buffered here). */
async function readUpload<T>(request: FastifyRequest, store: (file: Upload, fields: Fields) => Promise<T>): Promise<T> {
  if (!request.isMultipart()) throw unsupportedMediaType('Send the file as multipart/form-data with a file part named "file"', 'MULTIPART_REQUIRED');
  const raw: Record<string, unknown> = {};
  let result: { value: T } | null = null;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file') throw badRequest(`Unexpected file field "${part.fieldname}": send the file as "file"`, undefined, 'UNEXPECTED_FILE');
      if (result) throw badRequest('One file per upload', undefined, 'TOO_MANY_FILES');
      const fields = parseInput(uploadFields, raw);
      result = { value: await store({ stream: part.file, fileName: part.filename || 'file', declaredType: part.mimetype }, fields) };
    } else {
      if (result) throw badRequest('Send the fields before the file', undefined, 'FIELDS_AFTER_FILE');
      raw[part.fieldname] = part.fieldname === 'tags' ? String(part.value).split(',').map((t) => t.trim()).filter(Boolean) : String(part.value);
    }
  }
  if (!result) throw badRequest('No file in the form: add a file part named "file"', undefined, 'FILE_REQUIRED');
  return result.value;
}
