import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noContent, requestMeta } from '../../../platform/http/schemas.js';
import { pageQuery, pageSchema } from '../../../platform/db/page.js';
import { requireBrandkitUser } from '../access.js';
import { BrandsService } from './brands.service.js';
import { brandSummary, brandView, STEP_BODY_NOTES, stepBodies } from './brand.schema.js';
import { WIZARD_STEPS } from './wizard-steps.js';

export const brandParams = z.strictObject({ brandId: z.uuid() });

export async function brandsRoutes(root: FastifyInstance, opts: { brands: BrandsService }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { brands } = opts;
  const tags = ['brandkit: brands'];

  app.post('/brands', {
    schema: { tags, body: z.strictObject({ name: z.string().trim().min(1).max(120).optional() }).default({}), description: 'Start a brand: a draft at the wizard\'s first step.', response: { 201: brandView } },
  }, async (request, reply) => reply.status(201).send(await brands.create(requireBrandkitUser(request, 'member'), request.body, requestMeta(request))));

  app.get('/brands', { schema: { tags, querystring: pageQuery, description: 'The signed-in user\'s brands, last changed first.', response: { 200: pageSchema(brandSummary) } } }, async (request) =>
    brands.list(requireBrandkitUser(request), request.query));

  app.get('/brands/:brandId', { schema: { tags, params: brandParams, description: 'The brand with each wizard step\'s state (complete, what is missing) and step_url to resume at.', response: { 200: brandView } } }, async (request) =>
    brands.get(requireBrandkitUser(request), request.params.brandId));

  // One route per step, so the OpenAPI description (and the web app's generated client) knows
  // each step's body. A complete step moves the wizard to the next one.
  for (const step of WIZARD_STEPS) {
    app.put(`/brands/:brandId/steps/${step}`, {
      schema: { tags, params: brandParams, body: stepBodies[step], description: `Save the ${step} step (partial: only the fields sent change). ${STEP_BODY_NOTES[step]}`, response: { 200: brandView } },
    }, async (request) => brands.saveStep(requireBrandkitUser(request, 'member'), request.params.brandId, step, request.body));
  }

  // Only a step that does not exist reaches this route: its params check answers 400 with the steps' names.
  app.put('/brands/:brandId/steps/:step', { schema: { hide: true, params: brandParams.extend({ step: z.enum(WIZARD_STEPS) }) } }, async () => {
    throw new Error('unreachable: every wizard step has its own route');
  });

  app.post('/brands/:brandId/go-to', {
    schema: { tags, params: brandParams, body: z.strictObject({ step: z.enum(WIZARD_STEPS) }), description: 'Open a step without saving (revisit an earlier one): the wizard resumes there.', response: { 200: brandView } },
  }, async (request) => brands.goTo(requireBrandkitUser(request, 'member'), request.params.brandId, request.body.step));

  app.post('/brands/:brandId/submit', {
    schema: { tags, params: brandParams, description: 'Submit the brand. 409 STEPS_INCOMPLETE lists the required steps still missing something (details.missing).', response: { 200: brandView } },
  }, async (request) => brands.submit(requireBrandkitUser(request, 'member'), request.params.brandId, requestMeta(request)));

  app.delete('/brands/:brandId', { schema: { tags, params: brandParams, response: { 204: noContent('Deleted, with its assets, mockups, selections and files') } } }, async (request, reply) => {
    await brands.delete(requireBrandkitUser(request, 'member'), request.params.brandId, requestMeta(request));
    return reply.status(204).send();
  });
}
