import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idParams, requestMeta } from '../../../platform/http/schemas.js';
import { pageQuery, pageSchema } from '../../../platform/db/page.js';
import { requireAuraAdmin, requireAuraReader } from '../access.js';
import { TrashService } from './trash.service.js';
import { RetentionSettingsService } from './retention-settings.js';
import { keepBody, keepResult, permanentDeleteBody, permanentDeleteResult, restoredPhotoView, retentionBody, retentionView, trashedPhotoView } from './trash.schema.js';

export async function trashRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const trash = new TrashService(app.ctx);
  const settings = new RetentionSettingsService(app.ctx);
  const tags = ['aura: trash'];

  app.delete('/photos/:id', {
    schema: { tags, params: idParams, description: 'Move a photo to trash (admin): its files move under photos/{org_slug}/_trash/, it leaves lists and searches, and can be restored until the retention ends.', response: { 200: trashedPhotoView } },
  }, async (request) => trash.trash(requireAuraAdmin(request), request.params.id, requestMeta(request)));

  app.post('/photos/:id/keep', {
    schema: { tags, params: idParams, body: keepBody, description: 'Keep an event_temp photo for good (admin): the retention sweep no longer moves it to trash after 30 days. {"keep": false} undoes it.', response: { 200: keepResult } },
  }, async (request) => trash.keep(requireAuraAdmin(request), request.params.id, request.body.keep, requestMeta(request)));

  app.get('/trash', { schema: { tags, querystring: pageQuery, description: 'Trashed photos, most recently trashed first (admin).', response: { 200: pageSchema(trashedPhotoView) } } }, async (request) =>
    trash.list(requireAuraAdmin(request), request.query),
  );

  app.post('/trash/restore/:id', {
    schema: { tags, params: idParams, description: 'Put a trashed photo back where it was (admin). If its name was taken there since, it comes back with a timestamp suffix (renamed: true).', response: { 200: restoredPhotoView } },
  }, async (request) => trash.restore(requireAuraAdmin(request), request.params.id, requestMeta(request)));

  app.delete('/trash/:id', {
    schema: { tags, params: idParams, body: permanentDeleteBody.nullish(), description: 'Delete a trashed photo for good (admin), with {"confirm": true}: its files go, the storage they used is freed, an audit record stays.', response: { 200: permanentDeleteResult } },
  }, async (request) => trash.deletePermanently(requireAuraAdmin(request), request.params.id, request.body?.confirm, requestMeta(request)));

  app.get('/settings/retention', { schema: { tags, response: { 200: retentionView } } }, async (request) => settings.get(requireAuraReader(request)));

  app.put('/settings/retention', {
    schema: { tags, body: retentionBody, description: 'Days a trashed photo stays restorable (1-365, default 30; admin).', response: { 200: retentionView } },
  }, async (request) => settings.set(requireAuraAdmin(request), request.body.trash_retention_days, requestMeta(request)));
}
