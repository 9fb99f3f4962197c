import pino from 'pino';
import { loadConfig } from '../platform/config/config.js';
import { loadApps } from '../apps/manifests.js';
import { DataDirBusyError, liveLockHolder } from '../platform/db/data-dir-lock.js';
import { runThroughServer } from '../platform/local-admin/admin-client.js';
import type { OperationInput, OperationName, OperationResult } from '../platform/local-admin/operations.js';

/**
 * Run an operator command: through the running server when it holds the embedded database
 * (opening it here would lose data, see data-dir-lock.ts), else in this process.
 */
export async function operate<N extends OperationName>(name: N, input: OperationInput<N>): Promise<OperationResult<N>> {
  const config = loadConfig();
  if (!config.databaseUrl && !config.dataDir.startsWith('memory://')) {
    const holder = await liveLockHolder(config.dataDir);
    if (holder) {
      const answer = await runThroughServer(config.dataDir, holder.pid, name, input);
      if (answer) return answer.result;
      const serving = holder.command === 'serve' || holder.command === 'worker';
      throw new DataDirBusyError(holder, config.dataDir, serving ? 'it does not answer commands yet (still starting?): try again once it is listening' : undefined);
    }
  }
  // Only here does this process need the platform and the apps (through a server it needs neither).
  const [{ startPlatform }, { operations }, installedApps] = await Promise.all([import('../platform/runtime.js'), import('../platform/local-admin/operations.js'), loadApps()]);
  // Logs go to stderr, so stdout is exactly the command's output.
  const platform = await startPlatform({ config, apps: installedApps, workers: false, log: pino({ level: 'warn' }, pino.destination(2)) });
  try {
    const op = operations[name];
    return (await (op.run as (c: typeof platform.ctx, i: unknown) => Promise<unknown>)(platform.ctx, op.input.parse(input))) as OperationResult<N>;
  } finally {
    await platform.close();
  }
}

