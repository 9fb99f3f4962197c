import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, requestMeta } from '../../../platform/http/schemas.js';
import { ok, wrap } from '../http/envelope.js';
import { requireWorkspace } from '../http/social-principal.js';
import { NETWORKS } from '../schema.js';
import { ConnectService } from './connect.service.js';

const networkParams = z.strictObject({ network: z.enum(NETWORKS) });
const connected = ok(z.object({ account_ids: z.array(z.string()) }));

/** Connecting and disconnecting network accounts (workspace admins). */
export async function connectRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const connect = new ConnectService(app.ctx);
  const tags = ['social: accounts'];

  app.post('/accounts/connect/:network', {
    schema: {
      tags,
      description: 'Start connecting an account: the URL to send the browser to. Its state is single use and expires in 10 minutes. Mastodon needs instance_url, on the public internet: 422 SOCIAL_INSTANCE_UNKNOWN when the name does not resolve, 422 SOCIAL_INSTANCE_NOT_PUBLIC for a private or local address. 422 SOCIAL_CLIENT_MISSING when the operator has not configured this network\'s OAuth client.',
      params: networkParams,
      body: z.strictObject({ instance_url: z.string().min(1).max(500).optional() }),
      response: { 200: ok(z.object({ authorize_url: z.string(), expires_at: z.date() })) },
    },
  }, async (request) => wrap(await connect.start(requireWorkspace(request, 'admin'), request.params.network, request.body)));

  app.get('/accounts/callback/:network', {
    schema: {
      tags,
      description: 'Where the network sends the browser back: checks the state, exchanges the code, stores the account(s) with sealed tokens.',
      params: networkParams,
      querystring: z.object({ code: z.string().max(2000).optional(), state: z.string().max(200).optional(), error: z.string().max(200).optional(), error_description: z.string().max(1000).optional() }),
      response: { 200: connected },
    },
  }, async (request) => wrap({ account_ids: await connect.callback(requireWorkspace(request, 'admin'), requestMeta(request), request.params.network, request.query) }, 'Account connected'));

  app.post('/accounts/bluesky', {
    schema: {
      tags,
      description: 'Connect a Bluesky account with an app password (never stored: only the session tokens are kept, sealed).',
      body: z.strictObject({ identifier: z.string().min(1).max(255), app_password: z.string().min(1).max(255) }),
      response: { 200: connected },
    },
  }, async (request) => wrap({ account_ids: await connect.connectBluesky(requireWorkspace(request, 'admin'), requestMeta(request), request.body) }, 'Account connected'));

  app.delete('/accounts/:id', {
    schema: { tags, description: 'Disconnect an account: its tokens are deleted.', params: idParams, response: { 200: ok(z.object({ id: z.string() })) } },
  }, async (request) => {
    await connect.disconnect(requireWorkspace(request, 'admin'), requestMeta(request), request.params.id);
    return wrap({ id: request.params.id }, 'Account disconnected');
  });
}
