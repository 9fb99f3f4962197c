import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MembersService } from './members.service.js';
import { OrgService } from './org.service.js';
import { orgSettingsSchema } from './org-settings.js';
import { requirePrincipal, requireUser } from '../auth/authenticate.js';
import { limitCredentialAttempts } from '../auth/credential-attempts.js';
import { email, idParams, noContent, password, requestMeta, role, uuid } from '../http/schemas.js';
import { pageQuery, pageSchema } from '../db/page.js';
import { authResult } from '../auth/auth.schema.js';
import { inviteListItem, inviteView as invite, memberView, orgView, roleChange } from './tenancy.schema.js';

const userParams = z.strictObject({ userId: uuid });

export async function membersRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const members = new MembersService(app.ctx, () => app.authenticator.invalidate());
  const orgs = new OrgService(app.ctx);

  app.get('/org', { schema: { tags: ['org'], response: { 200: orgView } } }, async (request) => orgs.current(requirePrincipal(request)));

  app.patch('/org', {
    schema: {
      tags: ['org'],
      body: z.strictObject({ name: z.string().trim().min(1).max(120).optional(), settings: orgSettingsSchema.optional() }),
      response: { 200: orgView },
    },
  }, async (request) => orgs.update(requirePrincipal(request, 'admin'), request.body, requestMeta(request)));

  app.post('/org/leave', { schema: { tags: ['org'], response: { 204: noContent('You are no longer a member of this org') } } }, async (request, reply) => {
    await members.leave(requireUser(request), requestMeta(request));
    return reply.status(204).send();
  });

  app.get('/members', { schema: { tags: ['members'], querystring: pageQuery, response: { 200: pageSchema(memberView) } } }, async (request) => {
    return members.listMembers(requirePrincipal(request), request.query);
  });

  app.patch('/members/:userId', { schema: { tags: ['members'], params: userParams, body: z.strictObject({ role }), response: { 200: roleChange } } }, async (request) =>
    members.changeRole(requireUser(request, 'admin'), request.params.userId, request.body.role, requestMeta(request)),
  );

  app.delete('/members/:userId', { schema: { tags: ['members'], params: userParams, response: { 204: noContent('Removed from the org') } } }, async (request, reply) => {
    await members.removeMember(requireUser(request), request.params.userId, requestMeta(request));
    return reply.status(204).send();
  });

  app.post('/invites', { schema: { tags: ['invites'], body: z.strictObject({ email, role: role.default('member') }), response: { 201: invite } } }, async (request, reply) =>
    reply.status(201).send(await members.createInvite(requireUser(request, 'admin'), request.body, requestMeta(request))),
  );

  app.post('/invites/:id/resend', { schema: { tags: ['invites'], params: idParams, response: { 200: invite } } }, async (request) =>
    members.resendInvite(requireUser(request, 'admin'), request.params.id, requestMeta(request)),
  );

  app.get('/invites', { schema: { tags: ['invites'], response: { 200: z.object({ items: z.array(inviteListItem) }) } } }, async (request) => ({ items: await members.listInvites(requirePrincipal(request, 'admin')) }));

  app.delete('/invites/:id', { schema: { tags: ['invites'], params: idParams, response: { 204: noContent('Revoked: the invitation link no longer works') } } }, async (request, reply) => {
    await members.revokeInvite(requirePrincipal(request, 'admin'), request.params.id, requestMeta(request));
    return reply.status(204).send();
  });

  app.post('/invites/accept', {
    schema: {
      tags: ['invites'],
      security: [],
      body: z.strictObject({ token: z.string().min(10).max(200), password: password.optional(), display_name: z.string().trim().min(1).max(120).optional() }),
      response: { 200: authResult },
    },
    preHandler: limitCredentialAttempts(app.ctx),
  }, async (request) => members.acceptInvite(request.body, request.principal, requestMeta(request)));
}
