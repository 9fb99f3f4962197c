import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest, forbidden, notFound } from '../errors.js';
import { LocalDiskDriver, SIGNED_URL_PATH } from './local-driver.js';
import { sendDownload } from './download-reply.js';
import { downloadName } from './catalog.js';

const signedQuery = z.strictObject({
  m: z.enum(['GET', 'PUT']),
  k: z.string().min(1).max(2048),
  exp: z.string().regex(/^\d{1,12}$/),
  ct: z.string().max(255).optional(),
  dn: z.string().max(255).optional(),
  sig: z.string().max(128),
});

/**
 * The local driver's presigned URLs, served at the root (no auth: the signature is the
 * credential). Tampered or expired → 403; with the S3 driver the bucket serves them and
 * this route answers 404.
 */
export async function signedUrlRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const driver = app.ctx.storage.driver;
  // Every body, JSON and text included, is streamed to the driver unread.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

  function check(method: 'GET' | 'PUT', q: z.infer<typeof signedQuery>): LocalDiskDriver {
    if (!(driver instanceof LocalDiskDriver)) throw notFound('Route', 'ROUTE_NOT_FOUND', 'Signed URLs are served by the storage service itself');
    const verdict = driver.signer.verify({ method: q.m, key: q.k, expires: Number(q.exp), contentType: q.ct, downloadName: q.dn }, q.sig);
    if (verdict === 'invalid' || q.m !== method) throw forbidden('This link is invalid: ask for a new one', 'INVALID_SIGNATURE');
    if (verdict === 'expired') throw forbidden('This link has expired: ask for a new one', 'SIGNED_URL_EXPIRED');
    return driver;
  }

  app.get(SIGNED_URL_PATH, { schema: { hide: true, querystring: signedQuery } }, async (request, reply) => {
    const local = check('GET', request.query);
    const head = await local.head(request.query.k);
    if (!head) throw notFound('File');
    return sendDownload(request, reply, {
      size: head.size,
      contentType: request.query.ct ?? 'application/octet-stream',
      downloadName: request.query.dn ?? downloadName(request.query.k),
      open: (range) => local.get(request.query.k, { range }),
    });
  });

  app.put(SIGNED_URL_PATH, { schema: { hide: true, querystring: signedQuery } }, async (request, reply) => {
    const local = check('PUT', request.query);
    const sent = request.headers['content-type']?.split(';')[0].trim();
    if (request.query.ct && sent !== request.query.ct) {
      throw badRequest(`This link only accepts Content-Type ${request.query.ct}`, undefined, 'CONTENT_TYPE_MISMATCH');
    }
    const put = await local.put(request.query.k, request.raw);
    reply.header('etag', `"${put.sha256}"`);
    return reply.status(200).send();
  });
}
