import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type Config } from './config.js';

const MIN_SECRET_LENGTH = 32;

/**
 * In embedded mode the JWT signing secret is generated once and kept in DATA_DIR,
 * so tokens survive restarts without the user having to invent a secret.
 * In production it must come from the environment (checked in loadConfig).
 */
export async function resolveJwtSecret(config: Config): Promise<string> {
  if (config.jwtSecret) return config.jwtSecret;
  if (config.dataDir.startsWith('memory://')) return randomBytes(48).toString('base64url');
  const file = path.join(config.dataDir, 'jwt-secret');
  const existing = await readSecret(file);
  if (existing && existing.length >= MIN_SECRET_LENGTH) return existing;
  if (existing === undefined) {
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(file, randomBytes(48).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' }).catch((err) => {
      // Another process won the race: use its secret.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    });
  }
  // A racing starter may have created the file but not written it yet: give it a moment.
  for (let attempt = 0; attempt < 25; attempt++) {
    const kept = await readSecret(file);
    if (kept && kept.length >= MIN_SECRET_LENGTH) return kept;
    if (kept) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  // Never sign with a weak or truncated key: a damaged file must be looked at, not trusted.
  throw new ConfigError([`JWT_SECRET: ${file} holds fewer than ${MIN_SECRET_LENGTH} characters: delete it to generate a new secret (sessions will need to log in again), or set JWT_SECRET`]);
}

async function readSecret(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
