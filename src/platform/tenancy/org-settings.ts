import { z } from 'zod';

/** The longest trash retention an org may choose (ten years), as TRASH_RETENTION_DAYS allows. */
export const MAX_TRASH_RETENTION_DAYS = 3650;

/**
 * An org's settings (orgs.settings), validated at the boundary: the settings the platform
 * reads have bounds, and any other key (a web client's preference such as "theme") is a
 * small JSON scalar, so no value in this bag can break a query or a sweep that reads it.
 */
export const orgSettingsSchema = z
  .object({
    trash_retention_days: z
      .number()
      .int('trash_retention_days must be a whole number of days')
      .min(0)
      .max(MAX_TRASH_RETENTION_DAYS, `trash_retention_days is at most ${MAX_TRASH_RETENTION_DAYS} (ten years)`)
      .optional()
      .describe('Days a trashed file stays restorable before it is deleted for good; TRASH_RETENTION_DAYS when unset'),
  })
  .catchall(z.union([z.string().max(1000), z.number().refine(Number.isFinite, 'must be a finite number'), z.boolean(), z.null()]))
  .refine((s) => Object.keys(s).length <= 50, 'at most 50 settings')
  .refine((s) => Object.keys(s).every((k) => /^[a-z][a-z0-9_]{0,63}$/.test(k)), 'setting names are 1-64 lower-case letters, digits or _');

export type OrgSettings = z.infer<typeof orgSettingsSchema>;

/**
 * The retention an org's stored settings give, clamped to the bounds: settings written before
 * validation existed (or by hand in the database) must never make a sweep fail.
 */
export function trashRetentionDays(settings: unknown, fallbackDays: number): number {
  const v = (settings as Record<string, unknown> | null | undefined)?.trash_retention_days;
  if (typeof v !== 'number' || Number.isNaN(v)) return fallbackDays;
  return Math.min(MAX_TRASH_RETENTION_DAYS, Math.max(0, Math.floor(v)));
}
