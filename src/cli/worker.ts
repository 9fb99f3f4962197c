import type { TenantryApp } from '../platform/apps.js';
import { startPlatform, type Platform } from '../platform/runtime.js';
import { loadApps } from '../apps/manifests.js';
import { closeOnSignals } from './shutdown.js';

/**
 * `tenantry worker`: run job handlers, queue maintenance and cron, without serving HTTP.
 * Scale these separately from API processes (which may then set WORKERS=off). On SIGTERM
 * or SIGINT the worker stops taking jobs, lets running ones finish (JOB_SHUTDOWN_TIMEOUT_SECONDS)
 * and exits 0; jobs it could not finish are retried by another worker.
 *
 * Embedded PGlite is one process: run a separate worker only against DATABASE_URL, or
 * alone on a data directory (for example to drain the queue while the API is stopped); the
 * DATA_DIR lock refuses a worker next to a running server.
 */
export async function runWorker(options: { apps?: TenantryApp[] } = {}): Promise<Platform> {
  const platform = await startPlatform({ apps: options.apps ?? (await loadApps()), workers: true, holder: 'worker', adminChannel: true });
  const { log } = platform.ctx;
  log.info({ queues: platform.ctx.jobs.names }, 'worker started');

  closeOnSignals(platform, 'worker');
  return platform;
}

export async function workerCommand() {
  await runWorker();
  console.log('Tenantry worker is running (Ctrl-C or SIGTERM to stop)');
}
