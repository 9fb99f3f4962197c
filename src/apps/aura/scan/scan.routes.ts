import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import multipart from '@fastify/multipart';
import { nonJsonResponse, parseInput } from '../../../platform/http/schemas.js';
import { sendDownload } from '../../../platform/storage/download-reply.js';
import { contentDisposition } from '../../../platform/storage/driver.js';
import { downloadName } from '../../../platform/storage/catalog.js';
import { MAX_SELFIE_BYTES } from '../faces/face-search.schema.js';
import { readSelfie } from '../faces/faces.routes.js';
import type { PhotoImage } from '../photos/photos.service.js';
import { GuestScanService } from './guest-scan.service.js';
import { scanDescriptorBody, scanEvent, scanParams, scanPhotoParams, scanResult, scanSessionQuery } from './scan.schema.js';

const IMAGES = ['thumb', 'full', 'original'] as const satisfies readonly PhotoImage[];

/** The session token: the query (links, <img src>) or the x-guest-session header (fetch). */
function sessionOf(request: FastifyRequest, query: { session?: string }): string | undefined {
  const header = request.headers['x-guest-session'];
  return query.session ?? (typeof header === 'string' && header ? header : undefined);
}

/**
 * Guest scan, no login (/aura/api/scan/{token}…): the event's guest token is the credential to
 * search; the session token a search answers is the credential to download what it matched.
 */
export async function scanRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const scan = new GuestScanService(app.ctx);
  const tags = ['aura: guest scan'];

  await app.register(multipart, { limits: { files: 1, fields: 2, fileSize: MAX_SELFIE_BYTES + 1, fieldSize: 1024 } });
  // Nothing here may be cached by a shared cache or leak the tokens through a Referer.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'private, no-store').header('referrer-policy', 'no-referrer');
  });

  app.get('/scan/:token', {
    schema: {
      tags, security: [], params: scanParams, response: { 200: scanEvent },
      description: 'The event behind a guest link: its name and date. 404 GUEST_LINK_NOT_FOUND for an unknown link, 404 GUEST_ACCESS_OFF while guest access is off, 410 GUEST_LINK_EXPIRED after guest_expires_at.',
    },
  }, async (request) => scan.info(request.params.token));

  app.post('/scan/:token/search', {
    schema: {
      tags, security: [], params: scanParams, response: { 200: scanResult },
      description: 'Find the guest\'s photos of this event: multipart with the selfie as the file part `selfie` (read in memory, never stored; neither is its embedding), or JSON `{descriptor: number[128]}` computed in the browser. Answers a session token (valid AURA_GUEST_SESSION_MINUTES) and the matched photos\' links, which work with that session only. 422 NO_FACE / SEVERAL_FACES; 429 past AURA_GUEST_SEARCH_PER_IP_PER_MINUTE or AURA_GUEST_SEARCH_PER_TOKEN_PER_MINUTE.',
    },
  }, async (request) => {
    const { token } = request.params;
    await scan.checkRate(token, request.ip);
    if (!request.isMultipart()) return scan.searchByDescriptor(token, parseInput(scanDescriptorBody, request.body ?? {}).descriptor);
    const { selfie } = await readSelfie(request);
    return scan.searchBySelfie(token, selfie);
  });

  for (const image of IMAGES) {
    app.get(`/scan/:token/photos/:id/${image}`, {
        schema: {
        tags, security: [], params: scanPhotoParams, querystring: scanSessionQuery,
        description: `One photo the guest's search matched (${image}), streamed (Range supported). 404 for any other photo; 410 GUEST_SESSION_EXPIRED when the session is unknown or over.`,
        response: { 200: nonJsonResponse('The image', image === 'original' ? ['image/jpeg', 'image/png', 'image/webp', 'image/tiff', 'image/avif', 'image/gif'] : ['image/webp']) },
      },
    }, async (request, reply) => {
      const object = await scan.image(request.params.token, sessionOf(request, request.query), request.params.id, image);
      return sendDownload(request, reply, {
        size: object.sizeBytes,
        contentType: object.contentType,
        downloadName: downloadName(object.key),
        etag: `"${object.sha256}"`,
        open: (range) => app.ctx.storage.driver.get(object.storageKey, { range }),
      });
    });
  }

  app.get('/scan/:token/zip', {
    schema: {
      tags, security: [], params: scanParams, querystring: scanSessionQuery,
      description: 'Every photo the guest\'s search matched, originals, as one streamed ZIP.',
      response: { 200: nonJsonResponse('The photos', ['application/zip']) },
    },
  }, async (request, reply) => {
    const zip = await scan.zip(request.params.token, sessionOf(request, request.query));
    reply.header('content-disposition', contentDisposition(zip.fileName));
    return reply.type('application/zip').send(zip.stream);
  });
}
