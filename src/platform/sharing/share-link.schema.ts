import { z } from 'zod';

/** Response schemas of share links (ShareLinksService's view), for the platform's routes and the apps' own. */

export const shareStatus = z.enum(['active', 'expired', 'revoked', 'exhausted']);

export const linkView = z.object({
  id: z.string(),
  app: z.string(),
  resource_type: z.string(),
  resource_id: z.string(),
  filters: z.record(z.string(), z.unknown()),
  title: z.string().nullable(),
  token_prefix: z.string().describe('The first characters of the token, to tell links apart; not a credential'),
  has_password: z.boolean(),
  expires_at: z.date(),
  max_views: z.number().nullable(),
  view_count: z.number(),
  last_viewed_at: z.date().nullable(),
  revoked_at: z.date().nullable(),
  created_by: z.string().nullable(),
  created_at: z.date(),
  updated_at: z.date(),
  status: shareStatus,
});
export const createdLink = linkView.extend({
  token: z.string().describe('The secret token. Shown only once: store it or share the url now.'),
  url: z.string(),
  qr_url: z.string(),
});
