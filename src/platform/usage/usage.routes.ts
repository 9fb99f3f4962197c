import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withTenant } from '../db/tenant.js';
import { requirePrincipal } from '../auth/authenticate.js';
import { badRequest } from '../errors.js';
import { usageSummary } from './usage.service.js';

export async function usageRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/', {
    schema: {
      tags: ['usage'],
      querystring: z.strictObject({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() }),
    },
  }, async (request) => {
    const p = requirePrincipal(request, 'admin');
    const to = request.query.to ? new Date(request.query.to) : new Date();
    const from = request.query.from ? new Date(request.query.from) : new Date(to.getTime() - 30 * 86_400_000);
    if (from >= to) throw badRequest('"from" must be before "to"', undefined, 'INVALID_RANGE');
    return withTenant(app.ctx.database.db, { orgId: p.orgId, userId: p.userId }, async (tx) => {
      const org = await tx.selectFrom('orgs').select(['storage_used_bytes', 'storage_limit_bytes']).where('id', '=', p.orgId).executeTakeFirstOrThrow();
      return { from, to, storage: org, actions: await usageSummary(tx, p.orgId, from, to) };
    });
  });
}
