import { z } from 'zod';

/**
 * Response schemas of the device routes: what DevicesService answers, field for field. The
 * serializer strips any field a schema does not name, so a field added to the service's answer
 * must be added here too (and then `npm run web:api`, for the web client's types).
 */

/** A device's settings as answered: the stored ones over the defaults, so every part is there. */
export const deviceConfigView = z.object({
  normal_description: z.string(),
  trigger: z.object({ enabled: z.boolean(), interval_seconds: z.number().int() }),
  notifications: z.object({ email_recipients: z.array(z.string()), cooldown_minutes: z.number().int() }),
});

export const deviceView = z.object({
  id: z.string(),
  device_id: z.string(),
  friendly_name: z.string().nullable(),
  status: z.enum(['active', 'inactive', 'transferred']),
  created_at: z.date(),
  updated_at: z.date(),
  last_seen_at: z.date().nullable(),
  last_ip: z.string().nullable(),
  device_version: z.string().nullable(),
  config: deviceConfigView,
  online: z.boolean().describe('Seen within three trigger intervals (at least 5 minutes)'),
});

export const registeredDevice = z.object({
  device: deviceView,
  api_key: z.string().describe('The device\'s API key. Shown only once: store it now.'),
  api_key_prefix: z.string(),
  config_file: z.object({ filename: z.string(), content_type: z.string(), content: z.string().describe('The JSON config file for the camera, with its key') }),
  qr_code: z.string().describe('The config file as a QR code (PNG data URL)'),
});

export const deviceStatusView = z.object({
  device_id: z.string(),
  status: deviceView.shape.status,
  online: z.boolean(),
  last_seen_at: z.date().nullable(),
  last_ip: z.string().nullable(),
  device_version: z.string().nullable(),
  captures_count: z.number().int(),
  last_capture_at: z.date().nullable(),
  pending_evaluations: z.number().int(),
  abnormal_count: z.number().int(),
});
