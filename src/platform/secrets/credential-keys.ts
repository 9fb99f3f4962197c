import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type Config } from '../config/config.js';

/** The keys the credential store seals with (current) and still opens (current and previous). */
export interface CredentialKeyRing {
  current: Buffer;
  previous: Buffer[];
}

const KEY_FILE = 'credentials-key';

/**
 * CREDENTIALS_KEY, or in its absence a key generated once into DATA_DIR/credentials-key
 * (0600), like the embedded JWT secret: an embedded install keeps its credentials readable
 * across restarts without anyone inventing a key. Several processes on several hosts must
 * share CREDENTIALS_KEY instead. When CREDENTIALS_KEY is set and the file exists too, the
 * file's key still opens what was sealed before the switch (re-seal, then delete the file).
 * memory:// data directories get a key of their own for the process's lifetime.
 */
export async function resolveCredentialKeys(config: Pick<Config, 'credentialKeys' | 'dataDir'>): Promise<CredentialKeyRing> {
  const { current, previous } = config.credentialKeys;
  if (config.dataDir.startsWith('memory://')) return { current: current ?? randomBytes(32), previous };
  const file = path.join(config.dataDir, KEY_FILE);
  if (current) {
    const kept = await readKeyFile(file);
    return { current, previous: kept && !kept.equals(current) ? [...previous, kept] : previous };
  }
  const kept = await readKeyFile(file);
  if (kept) return { current: kept, previous };
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' }).catch((err) => {
    // Another process won the race: use its key.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  });
  await chmod(file, 0o600);
  // A racing starter may have created the file but not written it yet: give it a moment.
  for (let attempt = 0; attempt < 25; attempt++) {
    const written = await readKeyFile(file);
    if (written) return { current: written, previous };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw damaged(file);
}

async function readKeyFile(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (!text) return undefined;
  const key = Buffer.from(text, 'base64');
  // Never seal with a damaged key: what it sealed could not be opened again.
  if (key.length !== 32) throw damaged(file);
  return key;
}

function damaged(file: string): ConfigError {
  return new ConfigError([
    `CREDENTIALS_KEY: ${file} does not hold a 32-byte base64 key. Restore it from a backup (the stored third-party credentials need it), ` +
      'or set CREDENTIALS_KEY; deleting it makes the stored credentials unreadable (their owners must connect again).',
  ]);
}
