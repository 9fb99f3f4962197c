import { z } from 'zod';
import { FACE_THRESHOLD_MAX, FACE_THRESHOLD_MIN } from '../config.js';
import { DESCRIPTOR_LENGTH } from './face-engine.js';

/** Most photos one search returns. */
export const MAX_FACE_RESULTS = 100;
/** A selfie is read in memory and dropped: 15 MB is plenty for a phone photo. */
export const MAX_SELFIE_BYTES = 15 * 1024 * 1024;

export const faceSearchOptions = z.strictObject({
  threshold: z.coerce.number().min(FACE_THRESHOLD_MIN).max(FACE_THRESHOLD_MAX).optional()
    .describe(`cosine similarity a face must reach, ${FACE_THRESHOLD_MIN}-${FACE_THRESHOLD_MAX} (default AURA_FACE_MATCH_THRESHOLD)`),
  limit: z.coerce.number().int().min(1).max(MAX_FACE_RESULTS).default(20),
  event_id: z.uuid().optional().describe('only photos of this event'),
});

export const faceSearchJson = faceSearchOptions.extend({
  descriptor: z.array(z.number().finite()).length(DESCRIPTOR_LENGTH, `descriptor must hold exactly ${DESCRIPTOR_LENGTH} numbers (face-api's embedding)`)
    .describe('the face\'s 128-number embedding, computed in the browser with face-api'),
});

export const photoMatchView = z.object({
  photo_id: z.uuid(),
  event_id: z.uuid().nullable(),
  similarity: z.number(),
  box: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
});

export const faceSearchResult = z.object({
  results: z.array(photoMatchView),
  threshold: z.number(),
  /** "vector": HNSW (approximate, fast); "exact": every face of the org compared. */
  mode: z.enum(['vector', 'exact']),
});
export type FaceSearchResult = z.infer<typeof faceSearchResult>;
