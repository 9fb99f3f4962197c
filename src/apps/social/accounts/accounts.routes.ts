import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../../../platform/http/schemas.js';
import { ok, wrap } from '../http/envelope.js';
import { requireWorkspace } from '../http/social-principal.js';
import { ACCOUNT_STATUSES, NETWORKS } from '../schema.js';
import { AccountsService } from './accounts.service.js';

const accountView = z.object({
  id: z.string(),
  network: z.enum(NETWORKS),
  remote_account_id: z.string(),
  display_name: z.string(),
  handle: z.string().nullable(),
  instance_url: z.string().nullable(),
  expires_at: z.date().nullable(),
  scopes: z.array(z.string()),
  status: z.enum(ACCOUNT_STATUSES),
  last_error: z.string().nullable(),
  last_checked_at: z.date().nullable(),
  connected_by: z.string().nullable(),
  created_at: z.date(),
  updated_at: z.date(),
});

export async function accountsRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const accounts = new AccountsService(app.ctx);
  const tags = ['social: accounts'];

  app.get('/accounts', {
    schema: { tags, description: 'The workspace\'s connected accounts (several per network), with their health; never their tokens.', querystring: z.strictObject({ network: z.enum(NETWORKS).optional() }), response: { 200: ok(z.array(accountView)) } },
  }, async (request) => wrap(await accounts.list(requireWorkspace(request), request.query)));

  app.get('/accounts/:id', { schema: { tags, params: idParams, response: { 200: ok(accountView) } } }, async (request) => wrap(await accounts.get(requireWorkspace(request), request.params.id)));
}
