import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireBrandkitUser } from '../access.js';
import { ProfilesService } from './profiles.service.js';

const profileView = z.object({
  user_id: z.string(), email: z.string(), full_name: z.string().nullable(), phone: z.string().nullable(),
  tc_accepted_at: z.date().nullable().describe('when the terms were accepted (POST /api/v1/auth/accept-terms)'),
  created_at: z.date(), updated_at: z.date(),
});

/** The seed's profile: the platform user plus phone and full name (terms acceptance is the platform's). */
export async function profilesRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const profiles = new ProfilesService(app.ctx);
  const tags = ['brandkit: profile'];

  app.get('/profile', { schema: { tags, response: { 200: profileView } } }, async (request) => profiles.get(requireBrandkitUser(request)));

  app.put('/profile', {
    schema: {
      tags,
      body: z.strictObject({
        full_name: z.string().trim().min(1).max(200).nullable().optional(),
        phone: z.string().trim().regex(/^\+?[0-9][0-9 ().-]{5,30}$/, 'a phone number: digits, spaces, ( ) . -, optionally starting with +, e.g. +44 20 7946 0958').nullable().optional(),
      }),
      response: { 200: profileView },
    },
  }, async (request) => profiles.put(requireBrandkitUser(request), request.body));
}
