import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AdminService } from './admin.service.js';
import { requireSuperadmin } from '../auth/authenticate.js';
import { email, idParams, noContent, password, requestMeta, uuid } from '../http/schemas.js';
import { pageQuery, pageSchema } from '../db/page.js';
import { cursorPageSchema, cursorQuery } from '../db/cursor.js';
import { seriesQuery } from '../usage/usage-series.js';
import { activityEntry, adminOrgListItem, adminOrgView, platformStats, platformUsage } from './admin.schema.js';

const plan = z.enum(['free', 'pro', 'enterprise']);

export async function adminRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const admin = new AdminService(app.ctx, () => app.authenticator.invalidate());
  const tags = ['admin'];

  app.get('/orgs', {
    schema: { tags, querystring: pageQuery.extend({ status: z.enum(['active', 'suspended']).optional(), search: z.string().max(100).optional() }), response: { 200: pageSchema(adminOrgListItem) } },
  }, async (request) => {
    requireSuperadmin(request);
    return admin.listOrgs(request.query);
  });

  app.post('/orgs', {
    schema: {
      tags,
      body: z.strictObject({
        name: z.string().trim().min(1).max(120),
        slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes, 2–63 characters').optional(),
        plan: plan.default('free'),
        storage_limit_bytes: z.number().int().min(0).optional(),
        owner_email: email.optional(),
        owner_password: password.optional(),
      }),
      response: { 201: adminOrgView },
    },
  }, async (request, reply) => reply.status(201).send(await admin.createOrg(requireSuperadmin(request), request.body, requestMeta(request))));

  app.get('/orgs/:id', { schema: { tags, params: idParams, response: { 200: adminOrgView } } }, async (request) => {
    requireSuperadmin(request);
    return admin.getOrg(request.params.id);
  });

  app.patch('/orgs/:id', {
    schema: {
      tags,
      params: idParams,
      body: z.strictObject({ plan: plan.optional(), storage_limit_bytes: z.number().int().min(0).optional(), name: z.string().trim().min(1).max(120).optional() })
        .refine((b) => Object.keys(b).length > 0, 'give at least one of plan, storage_limit_bytes, name'),
      response: { 200: adminOrgView },
    },
  }, async (request) => admin.updateOrg(requireSuperadmin(request), request.params.id, request.body, requestMeta(request)));

  app.post('/orgs/:id/suspend', { schema: { tags, params: idParams, response: { 200: adminOrgView } } }, async (request) =>
    admin.setStatus(requireSuperadmin(request), request.params.id, 'suspended', requestMeta(request)),
  );
  app.post('/orgs/:id/activate', { schema: { tags, params: idParams, response: { 200: adminOrgView } } }, async (request) =>
    admin.setStatus(requireSuperadmin(request), request.params.id, 'active', requestMeta(request)),
  );
  app.delete('/orgs/:id', { schema: { tags, params: idParams, response: { 204: noContent('Deleted; its stored files follow after the grace period') } } }, async (request, reply) => {
    await admin.deleteOrg(requireSuperadmin(request), request.params.id, requestMeta(request));
    return reply.status(204).send();
  });

  app.get('/stats', { schema: { tags, response: { 200: platformStats } } }, async (request) => {
    requireSuperadmin(request);
    return admin.stats();
  });

  app.get('/activity', {
    schema: {
      tags,
      description: 'Every org\'s audit log, newest first, in cursor pages (`next_cursor` → `?cursor=`), each entry with its org\'s name (null once deleted). `action` takes an exact action or a family such as `admin.*`.',
      querystring: cursorQuery.extend({ org_id: uuid.optional(), action: z.string().max(100).optional() }),
      response: { 200: cursorPageSchema(activityEntry) },
    },
  }, async (request) => {
    requireSuperadmin(request);
    return admin.activity(request.query);
  });

  app.get('/usage/daily', {
    schema: {
      tags,
      description: 'Metered actions (events and bytes) per UTC day and action, storage used per UTC day (daily snapshots; today live) and authenticated API requests per UTC day, over [from, to), summed across every org or of one with `org_id`; by default the last 30 days, at most 366. Also the storage used and allowed now.',
      querystring: seriesQuery.extend({ org_id: uuid.optional() }),
      response: { 200: platformUsage },
    },
  }, async (request) => {
    requireSuperadmin(request);
    return admin.dailyUsage(request.query);
  });
}
