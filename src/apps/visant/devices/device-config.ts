import { z } from 'zod';

/** Per-device settings (seed phase 5, week 3): normal description, trigger, notifications. */
export const deviceConfigSchema = z.strictObject({
  normal_description: z.string().trim().max(2000).optional(),
  trigger: z.strictObject({
    enabled: z.boolean(),
    interval_seconds: z.number().int().min(5).max(86_400),
  }).optional(),
  notifications: z.strictObject({
    email_recipients: z.array(z.email()).max(20),
    cooldown_minutes: z.number().int().min(1).max(10_080),
  }).optional(),
});

export type DeviceConfigInput = z.infer<typeof deviceConfigSchema>;

export const DEFAULT_DEVICE_CONFIG: Required<DeviceConfigInput> = {
  normal_description: '',
  trigger: { enabled: true, interval_seconds: 60 },
  notifications: { email_recipients: [], cooldown_minutes: 30 },
};

/** A device counts as online while it has been seen within three trigger intervals (at least 5 minutes). */
export function isOnline(lastSeenAt: Date | null, config: DeviceConfigInput, now = Date.now()): boolean {
  if (!lastSeenAt) return false;
  const interval = config.trigger?.interval_seconds ?? DEFAULT_DEVICE_CONFIG.trigger.interval_seconds;
  return now - lastSeenAt.getTime() <= Math.max(300, interval * 3) * 1000;
}
