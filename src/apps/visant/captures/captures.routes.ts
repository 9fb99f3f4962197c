import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import { parseInput, requestMeta } from '../../../platform/http/schemas.js';
import { cursorQuery } from '../../../platform/db/cursor.js';
import { badRequest, payloadTooLarge } from '../../../platform/errors.js';
import { CapturesService } from './captures.service.js';
import { decodeBase64Image, MAX_CAPTURE_BYTES } from './capture-image.js';
import { requireCaptureClient, requireDashboard } from '../devices/device-principal.js';
import { deviceIdSchema } from '../devices/devices.routes.js';
import type { VisantConfig } from '../config.js';
import { EVALUATION_STATUSES } from '../schema.js';

const recordIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/, 'letters, digits and . _ : -, up to 255 characters');
const recordParams = z.strictObject({ id: recordIdSchema });
const isoDate = z.iso.datetime({ offset: true });

const captureFields = z.strictObject({
  device_id: deviceIdSchema,
  record_id: recordIdSchema.optional(),
  captured_at: isoDate.optional(),
  trigger_label: z.string().trim().max(100).optional(),
  device_version: z.string().trim().min(1).max(50).optional().describe('the camera\'s software version: kept on the device (GET /devices/{id}/status shows it)'),
  metadata: z.record(z.string(), z.unknown()).optional(),
  image_to_follow: z.boolean().optional().describe('true: the image is not in this request but will be attached with POST /captures/{record_id}/image; the capture waits as evaluation_status "awaiting_image"'),
});
const jsonCapture = captureFields.extend({ image_base64: z.string().max(Math.ceil((MAX_CAPTURE_BYTES * 4) / 3) + 1024).optional() });

/** Base64 inflates by a third; leave room for the JSON around it. */
const JSON_BODY_LIMIT = Math.ceil((MAX_CAPTURE_BYTES * 4) / 3) + 64 * 1024;

export async function capturesRoutes(root: FastifyInstance, opts: { config: VisantConfig }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const captures = new CapturesService(app.ctx, opts.config);
  const tags = ['visant: captures'];

  await app.register(multipart, { limits: { files: 1, fields: 10, fileSize: MAX_CAPTURE_BYTES + 1, fieldSize: 64 * 1024 } });
  // Raw image bodies for POST /captures/:id/image.
  app.addContentTypeParser(['image/jpeg', 'image/png', 'image/webp'], { parseAs: 'buffer', bodyLimit: MAX_CAPTURE_BYTES }, (_req, body, done) => done(null, body));

  app.post('/captures', {
    bodyLimit: JSON_BODY_LIMIT,
    schema: {
      tags,
      description: 'Upload a capture with the device key (or as an editor). JSON with `image_base64` (the seed\'s form), or multipart/form-data with the fields and a file part `image`. Answers 201 with evaluation_status "pending". While the device\'s trigger is disabled (config `trigger.enabled: false`), captures are refused: 409 TRIGGER_DISABLED. Without an image: 400 IMAGE_REQUIRED, unless `image_to_follow` is true; the capture then waits as "awaiting_image" until POST /captures/{record_id}/image.',
    },
  }, async (request, reply) => {
    const p = requireCaptureClient(request);
    const { fields, image } = await readCapture(request);
    return reply.status(201).send(await captures.ingest(p, fields, image, requestMeta(request)));
  });

  app.get('/captures', {
    schema: {
      tags,
      querystring: cursorQuery.extend({
        device_id: deviceIdSchema.optional(),
        state: z.enum(['normal', 'abnormal', 'uncertain']).optional(),
        evaluation_status: z.enum(EVALUATION_STATUSES).optional(),
        from: isoDate.optional(),
        to: isoDate.optional(),
      }),
    },
  }, async (request) => captures.list(requireDashboard(request), request.query));

  app.get('/captures/:id', { schema: { tags, params: recordParams } }, async (request) => captures.get(requireDashboard(request), request.params.id));

  // Devices poll this after uploading, so their key may read their own captures' status.
  app.get('/captures/:id/status', { schema: { tags, params: recordParams } }, async (request) => captures.status(requireCaptureClient(request), request.params.id));

  app.delete('/captures/:id', { schema: { tags, params: recordParams } }, async (request, reply) => {
    await captures.delete(requireDashboard(request, 'editor'), request.params.id, requestMeta(request));
    return reply.status(204).send();
  });

  app.post('/captures/:id/image', {
    bodyLimit: JSON_BODY_LIMIT,
    schema: { tags, params: recordParams, description: 'Attach the image to a capture created without one: the raw JPEG/PNG/WebP body, or JSON {image_base64}.' },
  }, async (request) => {
    const p = requireCaptureClient(request);
    let image: Buffer;
    if (Buffer.isBuffer(request.body)) image = request.body;
    else image = decodeBase64Image(parseInput(z.strictObject({ image_base64: z.string().min(1) }), request.body).image_base64);
    return captures.attachImage(p, request.params.id, image);
  });

  app.post('/captures/:id/mark-normal', { schema: { tags, params: recordParams, body: z.strictObject({ normal: z.boolean().default(true) }) } }, async (request) =>
    captures.markNormal(requireDashboard(request, 'member'), request.params.id, request.body.normal, requestMeta(request)),
  );

  app.post('/captures/:id/evaluate', { schema: { tags, params: recordParams } }, async (request, reply) =>
    reply.status(202).send(await captures.reevaluate(requireDashboard(request, 'member'), request.params.id)),
  );
}

/** The capture fields and image from either a JSON body (image_base64) or a multipart form. */
async function readCapture(request: FastifyRequest): Promise<{ fields: z.infer<typeof captureFields>; image: Buffer | null }> {
  if (!request.isMultipart()) {
    const body = parseInput(jsonCapture, request.body ?? {});
    const { image_base64, ...fields } = body;
    return { fields, image: image_base64 ? decodeBase64Image(image_base64) : null };
  }
  const raw: Record<string, unknown> = {};
  let image: Buffer | null = null;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'image') throw badRequest(`Unexpected file field "${part.fieldname}": send the image as "image"`, undefined, 'UNEXPECTED_FILE');
      image = await part.toBuffer().catch((err: { code?: string }) => {
        if (err.code === 'FST_REQ_FILE_TOO_LARGE') throw payloadTooLarge(`The image is larger than ${MAX_CAPTURE_BYTES / 1024 / 1024} MB`, 'IMAGE_TOO_LARGE');
        throw err;
      });
      if (part.file.truncated) throw payloadTooLarge(`The image is larger than ${MAX_CAPTURE_BYTES / 1024 / 1024} MB`, 'IMAGE_TOO_LARGE');
    } else {
      const value = String(part.value);
      if (part.fieldname === 'metadata') {
        try {
          raw.metadata = JSON.parse(value);
        } catch {
          throw badRequest('metadata must be a JSON object', undefined, 'VALIDATION_ERROR');
        }
      } else if (part.fieldname === 'image_to_follow') {
        raw.image_to_follow = value === 'true' ? true : value === 'false' ? false : value;
      } else raw[part.fieldname] = value;
    }
  }
  return { fields: parseInput(captureFields, raw), image };
}
