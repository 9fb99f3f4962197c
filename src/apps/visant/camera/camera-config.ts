import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { deviceConfigSchema } from '../devices/device-config.js';

/** A device id as the server accepts it (devices.routes.ts holds the same rule). */
const deviceId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, 'letters, digits, ".", "_" and "-", up to 255 characters');
const trigger = deviceConfigSchema.shape.trigger.unwrap();

/**
 * The config file Visant gives a camera at registration (or with a new key): see
 * DevicesService.credentials. Fields the server may add later are ignored.
 */
export const cameraConfigFileSchema = z.object({
  api_url: z.url(),
  device_id: deviceId,
  api_key: z.string().min(10),
  upload_endpoint: z.url().optional(),
  trigger: trigger.optional(),
  /** Set on the camera, not by Visant: where frames come from (the CLI's --source wins). */
  source: z.string().min(1).optional(),
});

export type CameraConfigFile = z.infer<typeof cameraConfigFileSchema>;
export type Trigger = z.infer<typeof trigger>;
export { trigger as triggerSchema };

/** Read and check the config file; every failure says what to do about it. */
export async function readCameraConfig(file: string): Promise<CameraConfigFile> {
  const fix = 'download the device\'s config file again from Visant (a new key gives a new file: POST /visant/v1/devices/{device_id}/key)';
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read the config file ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}): check the path, or ${fix}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`The config file ${file} is not JSON: ${fix}`, { cause: err });
  }
  const parsed = cameraConfigFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    throw new Error(`The config file ${file} is not a Visant device config (${problems}): ${fix}`);
  }
  return parsed.data;
}
