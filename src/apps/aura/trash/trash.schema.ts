import { z } from 'zod';
import { MAX_TRASH_RETENTION_DAYS, MIN_TRASH_RETENTION_DAYS } from './retention-settings.js';

/** A photo as the trash shows it (trash.service.ts trashView). */
export const trashedPhotoView = z.object({
  id: z.string(),
  original_name: z.string(),
  path: z.string(),
  full_path: z.string().describe('Where the original is stored now (under _trash/ while trashed)'),
  event_id: z.string().nullable(),
  source_type: z.string(),
  size_bytes: z.number().int(),
  trashed_at: z.date().nullable(),
  trashed_by: z.string().nullable(),
  trashed_from: z.string().nullable().describe('The original full_path, where a restore puts it back'),
  delete_after: z.date().nullable().describe('When the retention sweep deletes it for good'),
});

export const restoredPhotoView = trashedPhotoView.extend({
  renamed: z.boolean().describe('true when the original name was taken: the seed\'s timestamp suffix was added'),
});

export const permanentDeleteBody = z.strictObject({
  confirm: z.boolean().optional().describe('Must be true: deleting for good cannot be undone'),
});

export const permanentDeleteResult = z.object({ deleted: z.number().int(), freed_bytes: z.number().int() });

export const keepBody = z.strictObject({ keep: z.boolean().default(true) });
export const keepResult = z.object({ id: z.string(), source_type: z.string(), kept_permanently: z.boolean(), trashed: z.boolean() });

export const retentionBody = z.strictObject({
  trash_retention_days: z.number().int('a whole number of days').min(MIN_TRASH_RETENTION_DAYS).max(MAX_TRASH_RETENTION_DAYS),
});
export const retentionView = z.object({ trash_retention_days: z.number().int(), event_temp_days: z.number().int() });
