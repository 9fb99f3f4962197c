import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestMeta } from '../../../platform/http/schemas.js';
import { ok, wrap } from '../http/envelope.js';
import { requireWorkspace } from '../http/social-principal.js';
import { SettingsService } from './settings.service.js';
import { timeZoneSchema } from './time-zone.js';

const settingsView = z.object({
  approval_required: z.boolean(),
  timezone: z.string(),
  default_hashtags: z.array(z.string()),
  near_duplicate_threshold: z.number(),
});

const hashtag = z.string().regex(/^#?[\p{L}\p{N}_]{1,100}$/u, 'a hashtag is letters, digits or _ (up to 100), with or without the leading #');

const settingsChanges = z.strictObject({
  approval_required: z.boolean().optional(),
  timezone: timeZoneSchema.optional(),
  default_hashtags: z.array(hashtag).max(30).optional(),
  near_duplicate_threshold: z.number().min(0.5).max(1).optional(),
});

export async function settingsRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const settings = new SettingsService(app.ctx);
  const tags = ['social: workspace'];

  app.get('/settings', { schema: { tags, response: { 200: ok(settingsView) } } }, async (request) => wrap(await settings.get(requireWorkspace(request))));

  app.put('/settings', {
    schema: { tags, description: 'Change the workspace\'s settings (admins). `approval_required`: posts need an admin\'s approval before they can be scheduled.', body: settingsChanges, response: { 200: ok(settingsView) } },
  }, async (request) => wrap(await settings.update(requireWorkspace(request, 'admin'), request.body, requestMeta(request)), 'Settings saved'));
}
