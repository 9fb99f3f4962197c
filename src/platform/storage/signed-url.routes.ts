import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { forbidden, notFound } from '../errors.js';
import { LocalDiskDriver, SIGNED_URL_PATH } from './local-driver.js';
import { sendDownload } from './download-reply.js';
import { downloadName } from './catalog.js';
import { assertSignedObjectServable } from './signed-access.js';

const signedQuery = z.strictObject({
  m: z.literal('GET'),
  k: z.string().min(1).max(2048),
  exp: z.string().regex(/^\d{1,12}$/),
  ct: z.string().max(255).optional(),
  dn: z.string().max(255).optional(),
  u: z.uuid().optional(),
  sig: z.string().max(128),
});

/**
 * The local driver's presigned download URLs, served at the root (no auth: the signature is
 * the credential). Tampered or expired → 403; an object since trashed or deleted, or a URL
 * issued to a user who has left the org → 404. With the S3 driver the bucket serves them and
 * this route answers 404. There is no signed upload: writes go through the files API, which
 * checks size and quota.
 */
export async function signedUrlRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const driver = app.ctx.storage.driver;

  app.get(SIGNED_URL_PATH, { schema: { hide: true, querystring: signedQuery } }, async (request, reply) => {
    if (!(driver instanceof LocalDiskDriver)) throw notFound('Route', 'ROUTE_NOT_FOUND', 'Signed URLs are served by the storage service itself');
    const q = request.query;
    const verdict = driver.signer.verify({ method: q.m, key: q.k, expires: Number(q.exp), contentType: q.ct, downloadName: q.dn, userId: q.u }, q.sig);
    if (verdict === 'invalid') throw forbidden('This link is invalid: ask for a new one', 'INVALID_SIGNATURE');
    if (verdict === 'expired') throw forbidden('This link has expired: ask for a new one', 'SIGNED_URL_EXPIRED');
    await assertSignedObjectServable(app.ctx, q.k, q.u);
    const head = await driver.head(q.k);
    if (!head) throw notFound('File');
    return sendDownload(request, reply, {
      size: head.size,
      contentType: q.ct ?? 'application/octet-stream',
      downloadName: q.dn ?? downloadName(q.k),
      open: (range) => driver.get(q.k, { range }),
    });
  });
}
