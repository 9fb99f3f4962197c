import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import multipart from '@fastify/multipart';
import { parseInput } from '../../../platform/http/schemas.js';
import { requirePrincipal } from '../../../platform/auth/authenticate.js';
import { badRequest, payloadTooLarge } from '../../../platform/errors.js';
import { FaceSearchService } from './face-search.service.js';
import { faceSearchJson, faceSearchOptions, faceSearchResult, MAX_SELFIE_BYTES } from './face-search.schema.js';

/** POST /aura/api/search/faces: find the org's photos of a person. */
export async function facesRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const search = new FaceSearchService(app.ctx);
  const tags = ['aura: faces'];

  await app.register(multipart, { limits: { files: 1, fields: 5, fileSize: MAX_SELFIE_BYTES + 1, fieldSize: 1024 } });

  app.post('/search/faces', {
    schema: {
      tags,
      description: 'Find photos of a person, for the org\'s members (employees too). Either multipart/form-data with a selfie as the file part `selfie` (read in memory, never stored; neither is its embedding) and optional fields `threshold`, `limit`, `event_id`; or JSON `{descriptor: number[128], threshold?, limit?, event_id?}` with the embedding computed in the browser. Answers photos best first, each once with its best face. 422 NO_FACE / SEVERAL_FACES when the selfie does not show exactly one face; 404 for an event of another org.',
      response: { 200: faceSearchResult },
    },
  }, async (request) => {
    const p = requirePrincipal(request, 'member', 'aura');
    if (!request.isMultipart()) {
      const { descriptor, ...options } = parseInput(faceSearchJson, request.body ?? {});
      return search.byDescriptor(p, descriptor, options);
    }
    const { selfie, fields } = await readSelfie(request);
    return search.bySelfie(p, selfie, parseInput(faceSearchOptions, fields));
  });
}

/** The multipart selfie (file part `selfie`, in memory, bounded) and the form's other fields. */
export async function readSelfie(request: FastifyRequest): Promise<{ selfie: Buffer; fields: Record<string, string> }> {
  const fields: Record<string, string> = {};
  let selfie: Buffer | null = null;
  const tooLarge = () => payloadTooLarge(`The selfie is larger than ${MAX_SELFIE_BYTES / 1024 / 1024} MB: send a smaller photo`, 'IMAGE_TOO_LARGE');
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'selfie') throw badRequest(`Unexpected file field "${part.fieldname}": send the photo as "selfie"`, undefined, 'UNEXPECTED_FILE');
      selfie = await part.toBuffer().catch((err: { code?: string }) => {
        if (err.code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
        throw err;
      });
      if (part.file.truncated) throw tooLarge();
    } else {
      fields[part.fieldname] = String(part.value);
    }
  }
  if (!selfie || selfie.length === 0) throw badRequest('Send a selfie as the file part "selfie", or JSON with a "descriptor"', undefined, 'SELFIE_REQUIRED');
  return { selfie, fields };
}
