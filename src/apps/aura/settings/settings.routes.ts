import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestMeta } from '../../../platform/http/schemas.js';
import { requireAuraAdmin, requireAuraReader } from '../access.js';
import { SettingsService } from './settings.service.js';

const settingsView = z.object({
  station_login_enabled: z.boolean(),
  station_face_login: z.boolean().describe('The station asks for the employee\'s enrolled face with the PIN (POST /aura/api/auth/face-login); PIN alone is then refused'),
  station_locked_until: z.date().nullable().describe('Set while too many wrong PINs keep the station\'s PIN login locked; saving the settings unlocks it'),
});

export async function settingsRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const settings = new SettingsService(app.ctx);
  const tags = ['aura: settings'];

  app.get('/settings', { schema: { tags, response: { 200: settingsView } } }, async (request) => settings.get(requireAuraReader(request)));

  app.put('/settings', {
    schema: {
      tags,
      description: 'Admins only; a field left out keeps its value. Saving also ends a PIN-login lockout. `station_face_login` (off by default) makes the station ask for the employee\'s face together with the PIN, never instead of it.',
      body: z.strictObject({ station_login_enabled: z.boolean().optional(), station_face_login: z.boolean().optional() }),
      response: { 200: settingsView },
    },
  }, async (request) => settings.update(requireAuraAdmin(request), request.body, requestMeta(request)));
}
