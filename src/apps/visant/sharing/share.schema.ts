import { z } from 'zod';
import { shareStatus } from '../../../platform/sharing/share-link.schema.js';

/**
 * Response schemas of Visant's share links and of their public JSON (/api/s/{token}), field
 * for field as VisantSharesService and the share handler answer. The serializer strips any
 * field a schema does not name: a field added to an answer must be added here too.
 */

export const visantShareView = z.object({
  id: z.string(),
  token_prefix: z.string().describe('The first characters of the token, to tell links apart; not a credential'),
  device_id: z.string().nullable(),
  share_type: z.enum(['device', 'capture', 'date_range']),
  capture_id: z.string().nullable(),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  title: z.string().nullable(),
  has_password: z.boolean(),
  expires_at: z.date(),
  max_views: z.number().int().nullable(),
  view_count: z.number().int(),
  last_viewed_at: z.date().nullable(),
  status: shareStatus,
  created_at: z.date(),
});

export const createdVisantShare = visantShareView.extend({
  token: z.string().describe('The secret token. Shown only once: store it or share the url now.'),
  url: z.string(),
  qr_url: z.string(),
});

/** What a visitor of a Visant link gets as JSON: the gallery (gallery.ts) and the link's counters. */
export const publicGallery = z.object({
  device: z.object({ device_id: z.string(), name: z.string() }),
  share_type: visantShareView.shape.share_type,
  range: z.object({ start: z.string().nullable(), end: z.string().nullable() }),
  stats: z.object({
    captures: z.number().int(),
    normal: z.number().int(),
    abnormal: z.number().int(),
    uncertain: z.number().int(),
    last_capture_at: z.date().nullable(),
  }),
  captures: z.array(z.object({
    record_id: z.string(),
    captured_at: z.date(),
    state: z.string().nullable(),
    score: z.number().nullable(),
    reason: z.string().nullable(),
    thumbnail_url: z.string().nullable(),
    image_url: z.string().nullable(),
  })),
  next_cursor: z.string().nullable().describe('older captures: GET this link again with ?cursor=<next_cursor>; null on the last page'),
  expires_at: z.date(),
  view_count: z.number().int(),
  max_views: z.number().int().nullable(),
  powered_by: z.literal('Visant'),
  get_visant_url: z.string(),
});
