import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * The legacy single-tenant Visant datalake, as `tenantry visant import-datalake` accepts it:
 *
 *   <root>/
 *     <device_id>/                      one folder per camera (its name is the device_id)
 *       device.json                     optional: {"friendly_name": "...", "normal_description": "..."}
 *       <any sub-folders, e.g. YYYY/MM/DD or YYYY-MM-DD>/
 *         <record_id>.jpg|.jpeg|.png|.webp   the capture
 *         <record_id>.json              optional sidecar: {"captured_at", "state", "score", "reason",
 *                                        "trigger_label", "metadata"}
 *
 * A capture's time is the sidecar's captured_at, else a timestamp in the record id
 * (YYYYMMDD[T_-]HHMMSS), else the file's modification time. A sidecar with state/score/reason
 * makes the capture "completed" (the legacy edge AI's verdict is kept); without one the
 * capture is queued for evaluation.
 */
export interface DatalakeDevice {
  deviceId: string;
  friendlyName?: string;
  normalDescription?: string;
  captures: DatalakeCapture[];
}

export interface DatalakeCapture {
  recordId: string;
  imagePath: string;
  capturedAt: Date;
  verdict?: { state: 'normal' | 'abnormal' | 'uncertain'; score: number | null; reason: string | null };
  triggerLabel?: string;
  metadata: Record<string, unknown>;
}

export interface DatalakeProblem {
  path: string;
  problem: string;
}

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp']);
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

const sidecarSchema = z.object({
  captured_at: z.string().optional(),
  timestamp: z.string().optional(),
  state: z.enum(['normal', 'abnormal', 'uncertain']).optional(),
  score: z.number().min(0).max(1).nullable().optional(),
  reason: z.string().max(5000).nullable().optional(),
  trigger_label: z.string().max(100).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
}).loose();

const deviceFileSchema = z.object({ friendly_name: z.string().max(255).optional(), normal_description: z.string().max(2000).optional() }).loose();

export async function scanDatalake(root: string): Promise<{ devices: DatalakeDevice[]; problems: DatalakeProblem[] }> {
  const problems: DatalakeProblem[] = [];
  const devices: DatalakeDevice[] = [];
  const entries = await readdir(root, { withFileTypes: true });
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(root, entry.name);
    if (!ID.test(entry.name)) {
      problems.push({ path: dir, problem: 'folder name is not a valid device id (letters, digits, ".", "_", "-")' });
      continue;
    }
    const device: DatalakeDevice = { deviceId: entry.name, captures: [] };
    const info = await readJson(path.join(dir, 'device.json'), deviceFileSchema, problems);
    if (info) {
      device.friendlyName = info.friendly_name;
      device.normalDescription = info.normal_description;
    }
    const seen = new Set<string>();
    for await (const file of walk(dir)) {
      const ext = path.extname(file).toLowerCase();
      if (!IMAGE_EXT.has(ext)) continue;
      const recordId = path.basename(file, path.extname(file));
      if (!ID.test(recordId)) {
        problems.push({ path: file, problem: 'file name is not a valid record id' });
        continue;
      }
      if (seen.has(recordId)) {
        problems.push({ path: file, problem: `record id "${recordId}" appears twice in this device` });
        continue;
      }
      seen.add(recordId);
      const sidecar = await readJson(file.slice(0, -ext.length) + '.json', sidecarSchema, problems);
      const capturedAt = parseTime(sidecar?.captured_at ?? sidecar?.timestamp) ?? timeFromId(recordId) ?? (await stat(file)).mtime;
      device.captures.push({
        recordId,
        imagePath: file,
        capturedAt,
        verdict: sidecar?.state ? { state: sidecar.state, score: sidecar.score ?? null, reason: sidecar.reason ?? null } : undefined,
        triggerLabel: sidecar?.trigger_label,
        metadata: { ...(sidecar?.metadata ?? {}), imported_from: path.relative(root, file) },
      });
    }
    device.captures.sort((a, b) => a.capturedAt.getTime() - b.capturedAt.getTime() || a.recordId.localeCompare(b.recordId));
    devices.push(device);
  }
  return { devices, problems };
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

async function readJson<T>(file: string, schema: z.ZodType<T>, problems: DatalakeProblem[]): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    problems.push({ path: file, problem: `ignored: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
  } catch {
    problems.push({ path: file, problem: 'ignored: not valid JSON' });
  }
  return null;
}

function parseTime(value: string | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function timeFromId(id: string): Date | null {
  const m = /(\d{4})(\d{2})(\d{2})[T_-]?(\d{2})(\d{2})(\d{2})/.exec(id);
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(d.getTime()) || d.getUTCFullYear() < 2000 ? null : d;
}
