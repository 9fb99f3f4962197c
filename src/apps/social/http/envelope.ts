import { z } from 'zod';

/**
 * Social's success bodies, as seed 003 shows them: `{success: true, data, message?}`. Errors
 * keep the platform's envelope ({success: false, error, code, details?, requestId}), which
 * already matches the seed's error shape.
 */
export function ok<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data, message: z.string().optional() });
}

export function wrap<T>(data: T, message?: string): { success: true; data: T; message?: string } {
  return message === undefined ? { success: true, data } : { success: true, data, message };
}
