import { z } from 'zod';
import { EVALUATION_STATUSES } from '../schema.js';

/**
 * Response schemas of the capture routes: what CapturesService answers, field for field. The
 * serializer strips any field a schema does not name, so a field added to the service's answer
 * must be added here too (and then `npm run web:api`, for the web client's types).
 */

const state = z.enum(['normal', 'abnormal', 'uncertain']).nullable();
const evaluationStatus = z.enum(EVALUATION_STATUSES);

/** CapturesService.view: a capture with short-lived signed URLs for its pictures. */
export const captureView = z.object({
  record_id: z.string(),
  device_id: z.string(),
  captured_at: z.date(),
  ingested_at: z.date(),
  image_stored: z.boolean(),
  thumbnail_stored: z.boolean(),
  state,
  score: z.number().nullable(),
  reason: z.string().nullable(),
  agent_details: z.record(z.string(), z.unknown()).nullable(),
  evaluation_status: evaluationStatus,
  evaluated_at: z.date().nullable(),
  trigger_label: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  marked_normal: z.boolean(),
  thumbnail_url: z.string().nullable().describe('Signed, valid for an hour'),
  image_url: z.string().nullable().optional().describe('Signed, valid for an hour; only on GET /captures/{id}'),
});

export const captureStatus = z.object({
  record_id: z.string(),
  device_id: z.string(),
  evaluation_status: evaluationStatus,
  state,
  score: z.number().nullable(),
  reason: z.string().nullable(),
  evaluated_at: z.date().nullable(),
});

export const reevaluation = z.object({
  record_id: z.string(),
  evaluation_status: z.literal('pending'),
  job_id: z.string().describe('The evaluation job: GET /api/v1/jobs/{id}'),
});
