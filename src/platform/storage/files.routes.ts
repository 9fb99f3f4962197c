import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { idParams, noContent, nonJsonResponse, requestMeta } from '../http/schemas.js';
import { mapPage, pageQuery, pageSchema } from '../db/page.js';
import { badRequest, unsupportedMediaType, validationError } from '../errors.js';
import { storeUpload, tagsSchema } from './uploads.js';
import { ObjectsService, type CatalogEntry } from './objects.service.js';
import { downloadName, type StoredObject } from './catalog.js';
import { sendDownload } from './download-reply.js';

const fileView = z.object({
  id: z.string(),
  key: z.string(),
  kind: z.string(),
  size_bytes: z.number(),
  content_type: z.string(),
  sha256: z.string(),
  tags: z.record(z.string(), z.string()),
  lifecycle_class: z.string().nullable(),
  expires_at: z.date().nullable(),
  trashed_at: z.date().nullable(),
  restore_until: z.date().nullable().describe('Last moment a trashed file can be restored'),
  derived_from: z.string().nullable(),
  variant: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: z.date(),
});

function view(o: StoredObject | CatalogEntry): z.infer<typeof fileView> {
  return {
    id: o.id,
    key: o.key,
    kind: o.kind,
    size_bytes: o.sizeBytes,
    content_type: o.contentType,
    sha256: o.sha256,
    tags: o.tags,
    lifecycle_class: o.lifecycleClass,
    expires_at: o.expiresAt,
    trashed_at: o.trashedAt,
    restore_until: 'restoreUntil' in o ? o.restoreUntil : null,
    derived_from: o.derivedFrom,
    variant: o.variant,
    created_by: o.createdBy,
    created_at: o.createdAt,
  };
}

const uploadOptions = z.strictObject({
  kind: z.string().min(1).max(64).optional(),
  key: z.string().min(1).max(512).optional().describe('Tenant-relative key such as "reports/2024/q1.pdf"; generated when omitted'),
  tags: z.string().max(8192).optional().describe('JSON object of string tags, e.g. {"campaign":"spring"}'),
  lifecycle_class: z.string().min(1).max(64).optional(),
});
type UploadOptions = z.infer<typeof uploadOptions>;

function parseTags(raw: string | undefined): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw badRequest('tags must be a JSON object of strings, e.g. {"campaign":"spring"}', undefined, 'INVALID_TAGS');
  }
  const parsed = tagsSchema.safeParse(value);
  if (!parsed.success) throw badRequest(`Invalid tags: ${parsed.error.issues[0].message}`, undefined, 'INVALID_TAGS');
  return parsed.data;
}

/** /api/v1/files: upload (multipart or raw body), list, metadata, download, trash, restore, delete for good. */
export async function filesRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const objects = new ObjectsService(app.ctx);
  const tags = ['files'];
  const largestKind = () => Math.max(...app.ctx.storage.kinds.names().map((n) => app.ctx.storage.kinds.get(n).maxBytes));

  // Both registrations are scoped to this plugin. Multipart bodies are parsed lazily by
  // request.file(); any other content type is a raw upload whose body stays unread here and
  // is streamed by the handler, so Fastify's JSON body limit never applies to file bytes.
  // The default JSON and text parsers are removed too: a .json or .txt file is an upload like any other.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  await app.register(multipart, { limits: { files: 1, fields: 10, fieldSize: 64 * 1024, parts: 12, headerPairs: 100 } });

  async function upload(request: FastifyRequest, query: UploadOptions) {
    const principal = requirePrincipal(request, 'member');
    const contentType = request.headers['content-type'];
    if (!contentType) throw unsupportedMediaType('Send the file as multipart/form-data, or as the raw body with its Content-Type', 'CONTENT_TYPE_REQUIRED');
    let options: UploadOptions = query;
    let stream: Readable;
    let declaredType: string | undefined;
    let sizeHint: number | undefined;
    if (request.isMultipart()) {
      const part = await request.file({ limits: { fileSize: largestKind() + 1 } });
      if (!part) throw badRequest('The form has no file: send the file in a multipart field (after any kind/key/tags fields)', undefined, 'FILE_REQUIRED');
      // Fields sent before the file part are known now; the query string takes precedence.
      const fields: Record<string, string> = {};
      for (const [name, value] of Object.entries(part.fields)) {
        if (value && !Array.isArray(value) && value.type === 'field' && typeof value.value === 'string') fields[name] = value.value;
      }
      const merged = uploadOptions.safeParse({ ...pick(fields, ['kind', 'key', 'tags', 'lifecycle_class']), ...query });
      if (!merged.success) {
        part.file.resume();
        throw validationError(`Invalid form field: ${merged.error.issues[0].path.join('.')} ${merged.error.issues[0].message}`);
      }
      options = merged.data;
      stream = part.file;
      declaredType = part.mimetype;
    } else {
      stream = request.raw;
      declaredType = contentType;
      const length = request.headers['content-length'];
      if (length !== undefined && /^\d+$/.test(length)) sizeHint = Number(length);
    }
    if (options.key !== undefined) {
      try {
        app.ctx.storage.ownership.assertCanModify(principal, options.key);
      } catch (err) {
        stream.resume(); // drain the unread body, so the refusal is answered at once
        throw err;
      }
    }
    return storeUpload(app.ctx, principal, {
      stream,
      kind: options.kind,
      key: options.key,
      tags: parseTags(options.tags),
      lifecycleClass: options.lifecycle_class,
      contentType: declaredType,
      sizeHint,
    });
  }

  app.post('/', {
    schema: {
      tags,
      summary: 'Upload a file (multipart/form-data with one file, or the raw bytes with their Content-Type)',
      querystring: uploadOptions,
      response: { 201: fileView },
    },
  }, async (request, reply) => reply.status(201).send(view(await upload(request, request.query))));

  app.put('/', {
    schema: {
      tags,
      summary: 'Upload the raw request body to a key',
      querystring: uploadOptions.extend({ key: z.string().min(1).max(512) }),
      response: { 201: fileView },
    },
  }, async (request, reply) => reply.status(201).send(view(await upload(request, request.query))));

  app.get('/', {
    schema: {
      tags,
      querystring: pageQuery.extend({
        prefix: z.string().max(512).optional(),
        trashed: z.enum(['true', 'false']).default('false').describe('true lists the trash'),
      }),
      response: { 200: pageSchema(fileView) },
    },
  }, async (request) => {
    const q = request.query;
    return mapPage(await objects.list(requirePrincipal(request), { page: q.page, limit: q.limit, prefix: q.prefix, trashed: q.trashed === 'true' }), view);
  });

  app.get('/:id', { schema: { tags, params: idParams, response: { 200: fileView } } }, async (request) =>
    view(await objects.get(requirePrincipal(request), request.params.id)),
  );

  app.get('/:id/content', {
    schema: {
      tags,
      summary: 'Download the bytes (Range supported), or ?redirect=1 for a 302 to a short-lived signed URL',
      params: idParams,
      querystring: z.strictObject({ redirect: z.enum(['0', '1', 'true', 'false']).optional() }),
      response: {
        200: nonJsonResponse('The file\'s bytes, in the content type it was stored with', ['*/*']),
        206: nonJsonResponse('The requested range of the file\'s bytes', ['*/*']),
      },
    },
  }, async (request, reply) => {
    const principal = requirePrincipal(request);
    const o = await objects.getLive(principal, request.params.id);
    if (request.query.redirect === '1' || request.query.redirect === 'true') {
      reply.header('cache-control', 'no-store');
      return reply.redirect(await objects.presignDownload(principal, o), 302);
    }
    return sendDownload(request, reply, {
      size: o.sizeBytes,
      contentType: o.contentType,
      downloadName: downloadName(o.key),
      etag: `"${o.sha256}"`,
      open: (range) => objects.open(o, range),
    });
  });

  app.delete('/:id', { schema: { tags, summary: 'Move to the trash', params: idParams, response: { 200: fileView } } }, async (request) =>
    view(await objects.trash(requirePrincipal(request, 'member'), request.params.id, requestMeta(request))),
  );

  app.post('/:id/restore', { schema: { tags, summary: 'Restore from the trash', params: idParams, response: { 200: fileView } } }, async (request) =>
    view(await objects.restore(requirePrincipal(request, 'member'), request.params.id, requestMeta(request))),
  );

  app.delete('/:id/permanent', { schema: { tags, summary: 'Delete for good (admins), freeing quota', params: idParams, response: { 204: noContent('Deleted for good, with its derivatives') } } }, async (request, reply) => {
    await objects.deletePermanently(requirePrincipal(request, 'admin'), request.params.id, requestMeta(request));
    return reply.status(204).send();
  });
}

function pick(source: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((n) => n in source).map((n) => [n, source[n]]));
}
