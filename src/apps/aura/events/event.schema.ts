import { z } from 'zod';
import { pageSchema } from '../../../platform/db/page.js';

/** An event as EventsService answers it, field for field. */
export const eventView = z.object({
  id: z.string(),
  name: z.string(),
  folder: z.string().describe('The {event_or_folder} segment of its photos\' storage paths'),
  event_date: z.string().nullable(),
  guest_access: z.boolean(),
  guest_expires_at: z.date().nullable(),
  guest_url: z.string().describe('The guest scan link (/scan/<token>); works only while guest_access is on and not expired'),
  photo_count: z.number().int(),
  created_by: z.string().nullable(),
  created_at: z.date(),
  updated_at: z.date(),
});
export const eventPage = pageSchema(eventView);

const isoDay = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' });
export const folderName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, 'lower-case letters, digits, _ and -, starting with a letter or digit, up to 100');

export const createEventBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  folder: folderName.optional().describe('Defaults to the name made safe (e.g. "Wedding Jan 15" → "wedding-jan-15")'),
  event_date: isoDay.nullable().optional(),
  guest_access: z.boolean().optional(),
  guest_expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
});

export const updateEventBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  event_date: isoDay.nullable().optional(),
  guest_access: z.boolean().optional(),
  guest_expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
});
