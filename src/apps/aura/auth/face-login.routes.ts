import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import multipart from '@fastify/multipart';
import { noContent, parseInput, requestMeta, uuid } from '../../../platform/http/schemas.js';
import { badRequest } from '../../../platform/errors.js';
import { limitCredentialAttempts } from '../../../platform/auth/credential-attempts.js';
import { requireAuraAdmin, requireAuraReader } from '../access.js';
import { MAX_SELFIE_BYTES } from '../faces/face-search.schema.js';
import { readSelfie } from '../faces/faces.routes.js';
import { FaceEnrolmentService } from '../team/face-enrolment.service.js';
import { StationLoginService } from './station-login.service.js';
import { auraAuthResult, orgSlug, pin } from './auth.schema.js';
import type { AuraConfig } from '../config.js';

const enrolment = z.object({ enrolled: z.boolean(), enrolled_at: z.date().nullable() });
const faceLoginFields = z.strictObject({ org_slug: orgSlug, pin });

/**
 * The station's face + PIN login and the employees' face enrolment: multipart (a selfie), so
 * in a plugin of their own with the selfie's limits.
 */
export async function faceLoginRoutes(root: FastifyInstance, opts: { config: AuraConfig }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const station = new StationLoginService(app.ctx, opts.config);
  const faces = new FaceEnrolmentService(app.ctx);
  const tags = ['aura: auth'];
  await app.register(multipart, { limits: { files: 1, fields: 2, fileSize: MAX_SELFIE_BYTES + 1, fieldSize: 1024 } });

  app.post('/auth/face-login', {
    schema: {
      tags,
      security: [],
      description: 'Capture-station login with face + PIN, where an admin turned it on (`station_face_login`): multipart with the fields `org_slug` and `pin`, then the selfie as the file part `selfie` (read in memory, never stored). The PIN names the employee; the selfie must match the face they enrolled. 401 INVALID_PIN / FACE_MISMATCH (both count towards the studio\'s lockout), 409 FACE_NOT_ENROLLED, 422 NO_FACE / SEVERAL_FACES, 403 FACE_LOGIN_DISABLED.',
      response: { 200: auraAuthResult },
    },
    preHandler: limitCredentialAttempts(app.ctx),
  }, async (request) => {
    if (!request.isMultipart()) throw badRequest('Send multipart/form-data with the fields org_slug and pin and the file part selfie', undefined, 'MULTIPART_REQUIRED');
    const { selfie, fields } = await readSelfie(request);
    const input = parseInput(faceLoginFields, fields);
    return station.faceLogin({ ...input, selfie }, requestMeta(request));
  });

  app.get('/me/face', {
    schema: { tags, description: 'Whether the caller enrolled a face for the station\'s face + PIN login.', response: { 200: enrolment } },
  }, async (request) => faces.status(requireAuraReader(request)));

  app.put('/me/face', {
    schema: {
      tags,
      description: 'Employees enrol their face for the station\'s face + PIN login: multipart with the selfie as the file part `selfie`, exactly one face. Only its 128-number descriptor is kept, never the image; a new selfie replaces the old. 422 NO_FACE / SEVERAL_FACES / FACE_NOT_FOR_ROLE.',
      response: { 200: enrolment },
    },
  }, async (request) => {
    const p = requireAuraReader(request);
    if (!request.isMultipart()) throw badRequest('Send the selfie as multipart/form-data, file part "selfie"', undefined, 'MULTIPART_REQUIRED');
    const { selfie } = await readSelfie(request);
    return faces.enrol(p, selfie, requestMeta(request));
  });

  app.delete('/me/face', { schema: { tags, response: { 204: noContent('The face is forgotten') } } }, async (request, reply) => {
    await faces.removeOwn(requireAuraReader(request), requestMeta(request));
    return reply.status(204).send();
  });

  app.delete('/team/:user_id/face', {
    schema: { tags, description: 'Admins: forget an employee\'s enrolled face (they enrol again).', params: z.strictObject({ user_id: uuid }), response: { 204: noContent('The face is forgotten') } },
  }, async (request, reply) => {
    await faces.remove(requireAuraAdmin(request), request.params.user_id, requestMeta(request));
    return reply.status(204).send();
  });
}
