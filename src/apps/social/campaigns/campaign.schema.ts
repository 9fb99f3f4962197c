import { z } from 'zod';

const day = z.iso.date();

export const campaignFields = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5000).nullable().optional(),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like "#1d4ed8"').nullable().optional(),
  starts_on: day.nullable().optional(),
  ends_on: day.nullable().optional(),
});

export const campaignView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  color: z.string().nullable(),
  starts_on: z.string().nullable(),
  ends_on: z.string().nullable(),
  status: z.enum(['active', 'archived']),
  created_by: z.string().nullable(),
  created_at: z.date(),
  updated_at: z.date(),
  archived_at: z.date().nullable(),
  post_count: z.number().int(),
});
