import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { noContent, requestMeta } from '../../../platform/http/schemas.js';
import { badRequest } from '../../../platform/errors.js';
import { GENADS_ROLES, requireGenAds } from '../access.js';
import { multipartRouteValidator } from '../uploads/read-form.js';
import { guidelinesType, imageAsPng } from '../uploads/validate-files.js';
import { onboardBrandForm, updateBrandForm } from './brand-form.js';
import { BrandsService, brandView } from './brands.service.js';
import { brandOf } from '../onboarding-guard.js';
import { AssetLinks } from '../assets/asset-links.js';
import { brandResponse, brandStatsResponse, onboardedBrandResponse } from '../responses.js';

export async function brandsRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const brands = new BrandsService(app.ctx);
  const links = new AssetLinks(app.ctx);
  const tags = ['genads: brands'];

  app.post('/brands/onboard', {
    config: { genadsBeforeOnboarding: true },
    validatorCompiler: multipartRouteValidator,
    schema: {
      tags,
      consumes: ['multipart/form-data'],
      body: onboardBrandForm.body,
      response: { 201: onboardedBrandResponse },
      description: 'Complete onboarding (once per organisation): multipart with `brand_name` (2-100 characters, unique across all brands), `logo` (PNG/JPG/WebP, ≤ 5 MB) and `guidelines` (PDF/DOCX, ≤ 10 MB). Answers 201 with the brand.',
    },
  }, async (request, reply) => {
    const p = requireGenAds(request, GENADS_ROLES.brand);
    const { fields: { brand_name }, files } = await onboardBrandForm.read(request);
    const logo = files.get('logo');
    const guidelines = files.get('guidelines');
    if (!logo || !guidelines) throw badRequest(`Missing ${!logo ? '"logo"' : '"guidelines"'}: onboarding needs the brand logo and guidelines`, undefined, 'MISSING_FILE');
    const { png } = await imageAsPng(logo.bytes, 'logo');
    const type = await guidelinesType(guidelines.bytes);
    const brand = await brands.onboard(p, { brandName: brand_name, logoPng: png, guidelines: { bytes: guidelines.bytes, type } }, requestMeta(request));
    const view = brandView(brand);
    return reply.status(201).send({ brand_id: view.brand_id, brand_name: view.brand_name, brand_logo_url: view.brand_logo_url, brand_guidelines_url: view.brand_guidelines_url, onboarding_completed: true, created_at: view.created_at });
  });

  app.get('/brands/me', { config: { genadsBeforeOnboarding: true }, schema: { tags, description: 'The organisation\'s brand; 404 before onboarding.', response: { 200: brandResponse } } }, async (request) =>
    brandView(await brands.get(requireGenAds(request, GENADS_ROLES.read))),
  );

  app.put('/brands/me', {
    validatorCompiler: multipartRouteValidator,
    schema: {
      tags,
      consumes: ['multipart/form-data'],
      body: updateBrandForm.body,
      response: { 200: brandResponse },
      description: 'Update the brand: multipart with any of `brand_name`, `logo`, `guidelines`. New guidelines are analysed again at the next generation.',
    },
  }, async (request) => {
    const p = requireGenAds(request, GENADS_ROLES.brand);
    const { fields: { brand_name }, files } = await updateBrandForm.read(request);
    const logo = files.get('logo');
    const guidelines = files.get('guidelines');
    if (!brand_name && !logo && !guidelines) throw badRequest('Nothing to update: send brand_name, logo or guidelines', undefined, 'EMPTY_UPDATE');
    const brand = await brands.update(p, brandOf(request), {
      brandName: brand_name,
      logoPng: logo ? (await imageAsPng(logo.bytes, 'logo')).png : undefined,
      guidelines: guidelines ? { bytes: guidelines.bytes, type: await guidelinesType(guidelines.bytes) } : undefined,
    }, requestMeta(request));
    return brandView(brand);
  });

  app.get('/brands/me/stats', { schema: { tags, description: 'Counts and total cost of the brand\'s perfumes and campaigns.', response: { 200: brandStatsResponse } } }, async (request) =>
    brands.stats(requireGenAds(request, GENADS_ROLES.read), brandOf(request)),
  );

  app.get('/brands/me/logo', { schema: { tags, description: 'Redirects (302) to a presigned URL of the logo, valid 1 hour.', response: { 302: noContent('To the logo\'s presigned URL (Location)') } } }, async (request, reply) => {
    const p = requireGenAds(request, GENADS_ROLES.read);
    return reply.redirect(await links.presign(p, brandOf(request).brand_logo_url), 302);
  });

  app.get('/brands/me/guidelines', { schema: { tags, description: 'Redirects (302) to a presigned URL of the guidelines document, valid 1 hour.', response: { 302: noContent('To the guidelines\' presigned URL (Location)') } } }, async (request, reply) => {
    const p = requireGenAds(request, GENADS_ROLES.read);
    return reply.redirect(await links.presign(p, brandOf(request).brand_guidelines_url), 302);
  });
}
