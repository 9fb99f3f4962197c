import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuthService } from './auth.service.js';
import { SupabaseIdentities } from './supabase-identity.js';
import { requirePrincipal, requireUser } from './authenticate.js';
import { email, noContent, password, requestMeta, uuid } from '../http/schemas.js';
import { authResult, emailOnItsWay, meView } from './auth.schema.js';
import { limitCredentialAttempts as credentialLimit } from './credential-attempts.js';

const refreshBody = z.strictObject({ refresh_token: z.string().min(10).max(200) });
const tokenBody = z.strictObject({ token: z.string().min(10).max(200) });

export async function authRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const auth = new AuthService(app.ctx);
  const supabase = new SupabaseIdentities(app.ctx);
  const tags = ['auth'];

  // Credential endpoints get a tighter per-IP limit than the rest of the API.
  const limitCredentialAttempts = credentialLimit(app.ctx);

  app.post('/signup', {
    schema: {
      tags,
      security: [],
      body: z.strictObject({
        email,
        password,
        display_name: z.string().trim().min(1).max(120).optional(),
        org_name: z.string().trim().min(1).max(120).optional(),
        accept_terms: z.boolean().optional(),
      }),
      response: { 201: authResult },
    },
    preHandler: limitCredentialAttempts,
  }, async (request, reply) => reply.status(201).send(await auth.signup(request.body, requestMeta(request))));

  app.post('/login', {
    schema: {
      tags,
      security: [],
      body: z.strictObject({ email, password: z.string().min(1).max(256), org_id: uuid.optional() }),
      response: { 200: authResult },
    },
    preHandler: limitCredentialAttempts,
  }, async (request) => auth.login(request.body, requestMeta(request)));

  app.post('/refresh', { schema: { tags, security: [], body: refreshBody, response: { 200: authResult } } }, async (request) =>
    auth.refresh(request.body.refresh_token, requestMeta(request)),
  );

  app.post('/logout', { schema: { tags, security: [], body: refreshBody, response: { 204: noContent('Signed out: the refresh token no longer works') } } }, async (request, reply) => {
    await auth.logout(request.body.refresh_token);
    return reply.status(204).send();
  });

  // Any credential may ask who it is, whatever its scopes.
  app.get('/me', { schema: { tags, response: { 200: meView } } }, async (request) => auth.me(requirePrincipal(request, 'viewer', null)));

  app.post('/switch-org', { schema: { tags, body: z.strictObject({ org_id: uuid }), response: { 200: authResult } } }, async (request) =>
    auth.switchOrg(requireUser(request), request.body.org_id, requestMeta(request)),
  );

  app.post('/accept-terms', { schema: { tags, response: { 200: z.object({ tc_accepted_at: z.date() }) } } }, async (request) => ({
    tc_accepted_at: await auth.acceptTerms(requireUser(request)),
  }));

  app.post('/password-reset/request', { schema: { tags, security: [], body: z.strictObject({ email }), response: { 202: emailOnItsWay } }, preHandler: limitCredentialAttempts }, async (request, reply) => {
    await auth.requestPasswordReset(request.body.email);
    return reply.status(202).send({ message: 'If an account exists for this email, a reset link is on its way' });
  });

  app.post('/password-reset/confirm', { schema: { tags, security: [], body: z.strictObject({ token: z.string().min(10).max(200), password }), response: { 204: noContent('The password is changed; sign in with it') } }, preHandler: limitCredentialAttempts }, async (request, reply) => {
    await auth.resetPassword(request.body.token, request.body.password, requestMeta(request));
    return reply.status(204).send();
  });

  app.post('/verify-email/request', { schema: { tags, response: { 202: emailOnItsWay } } }, async (request, reply) => {
    await auth.requestEmailVerification(requireUser(request));
    return reply.status(202).send({ message: 'A verification link is on its way' });
  });

  app.post('/verify-email/confirm', { schema: { tags, security: [], body: tokenBody, response: { 204: noContent('The email address is verified') } } }, async (request, reply) => {
    await auth.verifyEmail(request.body.token);
    return reply.status(204).send();
  });

  // Proof that the Supabase identity and this platform account are one person: the caller holds both.
  app.post('/supabase/link', {
    schema: {
      tags,
      body: z.strictObject({ supabase_token: z.string().min(20).max(8192) }),
      response: { 200: z.object({ user_id: z.string(), supabase_user_id: z.string() }) },
    },
  }, async (request) => supabase.link(requireUser(request), request.body.supabase_token, requestMeta(request)));
}
