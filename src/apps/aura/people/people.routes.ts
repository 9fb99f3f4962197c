import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, nonJsonResponse, requestMeta } from '../../../platform/http/schemas.js';
import { pageQuery, pageSchema } from '../../../platform/db/page.js';
import { requireAuraAdmin, requireAuraReader } from '../access.js';
import { photoPage } from '../photos/photo.schema.js';
import { PeopleService } from './people.service.js';
import { faceView, photoFaceView, mergeBody, peopleQuery, personParams, personView, splitBody, updatePersonBody } from './people.schema.js';

/** /aura/api/people…: faces grouped into people. Everyone in the org reads; admins edit. */
export async function peopleRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const people = new PeopleService(app.ctx);
  const tags = ['aura: people'];

  app.get('/people', {
    schema: { tags, description: 'The org\'s people, most faces first, each with a cover face and the number of photos (not in the trash) they appear in. Hidden people only with include_hidden=true.', querystring: peopleQuery, response: { 200: pageSchema(personView) } },
  }, async (request) => people.list(requireAuraReader(request), request.query));

  app.get('/photos/:id/faces', {
    schema: { tags, description: 'The faces found in a photo (by its face detection job), left to right, placed on the picture and named by their person. Empty until the job has run, and for a photo without faces.', params: idParams, response: { 200: z.object({ items: z.array(photoFaceView) }) } },
  }, async (request) => people.facesOfPhoto(requireAuraReader(request), request.params.id));

  app.get('/people/:id', { schema: { tags, params: personParams, response: { 200: personView } } }, async (request) => people.get(requireAuraReader(request), request.params.id));

  app.get('/people/:id/photos', {
    schema: { tags, description: 'All photos of this person, newest first.', params: personParams, querystring: pageQuery, response: { 200: photoPage } },
  }, async (request) => people.photos(requireAuraReader(request), request.params.id, request.query));

  app.get('/people/:id/faces', {
    schema: { tags, description: 'The person\'s faces, best first (at most 1000), to choose a cover or split some off.', params: personParams, response: { 200: z.object({ items: z.array(faceView) }) } },
  }, async (request) => people.faces(requireAuraReader(request), request.params.id));

  app.patch('/people/:id', {
    schema: { tags, description: 'Admins: name (null forgets it), hide or show, choose the cover face.', params: personParams, body: updatePersonBody, response: { 200: personView } },
  }, async (request) => people.update(requireAuraAdmin(request), request.params.id, request.body, requestMeta(request)));

  app.post('/people/:id/merge', {
    schema: { tags, description: 'Admins: the listed people are the same person as this one: their faces move here and they go. This person keeps its name, or takes one of theirs if it had none.', params: personParams, body: mergeBody, response: { 200: personView } },
  }, async (request) => people.merge(requireAuraAdmin(request), request.params.id, request.body.person_ids, requestMeta(request)));

  app.post('/people/:id/split', {
    schema: { tags, description: 'Admins: these faces of the person are someone else: they become a new person (201, answered). 409 SPLIT_ALL when no face would stay.', params: personParams, body: splitBody, response: { 201: personView } },
  }, async (request, reply) => reply.status(201).send(await people.split(requireAuraAdmin(request), request.params.id, request.body.face_ids, request.body.name, requestMeta(request))));

  app.post('/people/recluster', {
    schema: {
      tags,
      description: 'Admins: rebuild the people nobody named from their faces, in the background (202 with the job; follow it at /api/v1/jobs/{id}). Named people keep their faces. 409 RECLUSTER_RUNNING while one runs.',
      response: { 202: z.object({ job_id: z.uuid() }) },
    },
  }, async (request, reply) => reply.status(202).send(await people.recluster(requireAuraAdmin(request), requestMeta(request))));

  app.get('/faces/:id/image', {
    schema: { tags, description: 'One face, cut from its photo with some margin (200 px WebP).', params: idParams, response: { 200: nonJsonResponse('The face', ['image/webp']) } },
  }, async (request, reply) => {
    const image = await people.faceImage(requireAuraReader(request), request.params.id);
    return reply.type('image/webp').header('cache-control', 'private, max-age=3600').send(image);
  });
}
