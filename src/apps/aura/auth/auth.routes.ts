import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { email, requestMeta } from '../../../platform/http/schemas.js';
import { limitCredentialAttempts } from '../../../platform/auth/credential-attempts.js';
import { AuraAuthService } from './aura-auth.service.js';
import { StationLoginService } from './station-login.service.js';
import { auraAuthResult, orgSlug, pin } from './auth.schema.js';
import type { AuraConfig } from '../config.js';

export async function auraAuthRoutes(root: FastifyInstance, opts: { config: AuraConfig }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const auth = new AuraAuthService(app.ctx);
  const station = new StationLoginService(app.ctx, opts.config);
  const tags = ['aura: auth'];
  const preHandler = limitCredentialAttempts(app.ctx);

  app.post('/auth/login', {
    schema: {
      tags,
      security: [],
      description: 'Email and password (the platform\'s login), answered with the seed\'s claims `role`, `org_id`, `org_slug` and the portal to open (`redirect`). `org_slug` picks the studio when the account belongs to several.',
      body: z.strictObject({ email, password: z.string().min(1).max(256), org_slug: orgSlug.optional() }),
      response: { 200: auraAuthResult },
    },
    preHandler,
  }, async (request) => auth.login(request.body, requestMeta(request)));

  app.post('/auth/station', {
    schema: {
      tags,
      security: [],
      description: 'Capture-station login with the studio\'s slug and an employee\'s PIN (set by an admin with PUT /aura/api/team/{user_id}/pin). Only when the studio turned PIN login on (PUT /aura/api/settings). Wrong PINs are limited per address and per studio; past the limit the studio\'s PIN login locks (429).',
      body: z.strictObject({ org_slug: orgSlug, pin }),
      response: { 200: auraAuthResult },
    },
    preHandler,
  }, async (request) => station.login(request.body, requestMeta(request)));
}
