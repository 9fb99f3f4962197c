import { z } from 'zod';
import { DESCRIPTOR_LENGTH } from '../faces/face-engine.js';

export const scanParams = z.strictObject({ token: z.string().min(16).max(64) });
export const scanPhotoParams = scanParams.extend({ id: z.uuid() });
/** The session token, in the query so the page's <img src> and download links carry it. */
export const scanSessionQuery = z.strictObject({ session: z.string().min(16).max(200).optional().describe('The session token a search answered (or the x-guest-session header)') });

export const scanEvent = z.object({
  name: z.string(),
  event_date: z.string().nullable(),
  /** Until when the link works; null: until the studio turns guest access off. */
  guest_expires_at: z.date().nullable(),
});

export const scanDescriptorBody = z.strictObject({
  descriptor: z.array(z.number().finite()).length(DESCRIPTOR_LENGTH, `descriptor must hold exactly ${DESCRIPTOR_LENGTH} numbers (face-api's embedding)`)
    .describe('the face\'s 128-number embedding, computed in the browser with face-api'),
});

export const scanPhoto = z.object({
  id: z.uuid(),
  thumb_url: z.string(),
  full_url: z.string(),
  original_url: z.string(),
});

export const scanResult = z.object({
  event: scanEvent,
  /** Bearer of this guest's session: downloads of these photos only, until expires_at. */
  session: z.string(),
  expires_at: z.date(),
  photos: z.array(scanPhoto),
  /** All of them as one ZIP of the originals; null when nothing matched. */
  zip_url: z.string().nullable(),
});
export type ScanResult = z.infer<typeof scanResult>;
