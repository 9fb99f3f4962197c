import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../src/platform/config/config.js';

/**
 * Configuration shared by the benchmarks: production mode, quiet logs, the embedded database
 * in memory (or DATABASE_URL when set), storage in the benchmark's own temporary folder.
 */
export function benchConfig(dir: string, overrides: Record<string, string> = {}): Config {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATA_DIR: process.env.DATABASE_URL ? path.join(dir, 'data') : 'memory://',
    STORAGE_DIR: path.join(dir, 'storage'),
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-00',
    ...overrides,
  });
}

export function machine(): string {
  return `${os.cpus().length} cpu ${os.cpus()[0]?.model ?? ''}`.trim();
}
