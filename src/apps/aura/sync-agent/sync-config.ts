import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const SYNC_MODES = ['upload-only', 'download-only', 'bidirectional'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

/**
 * The seed's `cloud_path` is `{org_slug}/{year}/{event_or_folder}` (the storage layout's
 * prefix): its last segment names the Aura event whose `folder` it is. Only that segment is
 * used, so it must be a valid event folder name.
 */
const cloudPath = z.string().min(1).refine((p) => /^[a-z0-9][a-z0-9_-]{0,99}$/.test(p.replace(/\/+$/, '').split('/').pop() ?? ''), {
  message: 'the last segment (the event folder) must be lower-case letters, digits, _ and -, e.g. "studio-abc/2026/weddings"',
});

const folder = z.strictObject({
  local_path: z.string().min(1),
  cloud_path: cloudPath,
  mode: z.enum(SYNC_MODES).default('upload-only'),
  sync_interval_minutes: z.number().int().min(1).max(1440).default(30),
});

export const syncConfigSchema = z.object({
  sync_agent: z.object({
    version: z.string().min(1),
    server_url: z.url({ message: 'must be the Tenantry server\'s address, e.g. "https://tenantry.example.com"' }),
    org_id: z.uuid({ message: 'must be your studio\'s id (a UUID)' }),
    api_key: z.string().min(10, 'must be an API key with the scope "aura" (Settings → API keys), not a login token'),
    folders: z.array(folder).min(1, 'list at least one folder to sync').max(50),
    settings: z.strictObject({
      bandwidth_limit_kbps: z.number().int().min(0).max(10_000_000).default(0).describe('0: no limit'),
      trash_retention_days: z.number().int().min(1).max(3650).default(30),
      conflict_strategy: z.enum(['last-write-wins', 'keep-both']).default('last-write-wins'),
      optimize_on_upload: z.boolean().default(true),
      sync_metadata: z.boolean().default(true),
    }).prefault({}),
  }),
});

export type SyncConfig = z.infer<typeof syncConfigSchema>['sync_agent'];
export type SyncFolder = SyncConfig['folders'][number];

/** The event folder a `cloud_path` names (its last segment). */
export function eventFolderOf(cloud: string): string {
  return cloud.replace(/\/+$/, '').split('/').pop()!;
}

/** Where the agent keeps its state, offline queue and face index unless told: beside the config. */
export function defaultStateDir(configFile: string): string {
  return path.join(path.dirname(path.resolve(configFile)), 'aura-sync-state');
}

/** Read and check sync_config.yaml; every failure says what to fix. */
export async function readSyncConfig(file: string): Promise<SyncConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read the sync config ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}): check the path given to --config`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`The sync config ${file} is not valid YAML (${(err as Error).message}): fix the line it names`, { cause: err });
  }
  const parsed = syncConfigSchema.safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    throw new Error(`The sync config ${file} is not valid (${problems}): see docs/aura.md, "Sync agent"`);
  }
  return parsed.data.sync_agent;
}
