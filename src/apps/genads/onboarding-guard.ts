import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BrandsService, type BrandRow } from './brands/brands.service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** GenAds routes reachable before onboarding (the seed's skipOnboardingCheck). */
    genadsBeforeOnboarding?: boolean;
  }
  interface FastifyRequest {
    genadsBrand?: BrandRow;
  }
}

/**
 * The seed's mandatory onboarding: until the org has a brand, every GenAds route other than
 * onboarding itself and GET /api/brands/me answers 403 ONBOARDING_REQUIRED. The brand is
 * loaded once here and handed to the route (brandOf), so services need not load it again.
 * It runs before body validation: an org without a brand learns that first.
 */
export function registerOnboardingGuard(app: FastifyInstance) {
  const brands = new BrandsService(app.ctx);
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config.genadsBeforeOnboarding) return;
    // Unauthenticated calls fall through to the route, which answers 401.
    if (!request.principal) return;
    request.genadsBrand = await brands.requireOnboarded(request.principal);
  });
}

export function brandOf(request: FastifyRequest): BrandRow {
  if (!request.genadsBrand) throw new Error('brandOf() called on a route without the onboarding guard');
  return request.genadsBrand;
}
