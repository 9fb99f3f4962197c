import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireBrandkitUser } from '../access.js';
import { brandParams } from '../brands/brands.routes.js';
import { MOCKUP_STATUSES } from '../schema.js';
import { MockupsService } from './mockups.service.js';

export const mockupView = z.object({
  id: z.string(), brand_id: z.string(), product_id: z.string().nullable(),
  mockup_url: z.string().nullable().describe('signed URL, valid 1 hour'), label_url: z.string().nullable(),
  prompt_used: z.string().nullable(), generation_params: z.record(z.string(), z.unknown()), variation_number: z.number().int(),
  status: z.enum(MOCKUP_STATUSES), created_at: z.date(), updated_at: z.date(),
});
const mockupParams = brandParams.extend({ mockupId: z.uuid() });

export async function mockupsRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const mockups = new MockupsService(app.ctx);
  const tags = ['brandkit: mockups'];

  app.get('/brands/:brandId/mockups', { schema: { tags, params: brandParams, querystring: z.strictObject({ status: z.enum(MOCKUP_STATUSES).optional() }), response: { 200: z.object({ items: z.array(mockupView) }) } } }, async (request) =>
    mockups.list(requireBrandkitUser(request), request.params.brandId, request.query.status));

  for (const [path, decision] of [['approve', 'approved'], ['reject', 'rejected']] as const) {
    app.post(`/brands/:brandId/mockups/:mockupId/${path}`, {
      schema: { tags, params: mockupParams, description: decision === 'approved' ? 'Approve: the mockup becomes one of the brand\'s assets (type mockup).' : 'Reject: an approved mockup stops being an asset.', response: { 200: mockupView } },
    }, async (request) => mockups.review(requireBrandkitUser(request, 'member'), request.params.brandId, request.params.mockupId, decision));
  }
}
