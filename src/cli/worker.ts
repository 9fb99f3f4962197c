import type { TenantryApp } from '../platform/apps.js';
import { startPlatform, type Platform } from '../platform/runtime.js';
import { installedApps } from '../apps/index.js';

/**
 * `tenantry worker`: run job handlers, queue maintenance and cron, without serving HTTP.
 * Scale these separately from API processes (which may then set WORKERS=off). On SIGTERM
 * or SIGINT the worker stops taking jobs, lets running ones finish (JOB_SHUTDOWN_TIMEOUT_SECONDS)
 * and exits 0; jobs it could not finish are retried by another worker.
 *
 * Embedded PGlite is one process: run a separate worker only against DATABASE_URL, or
 * alone on a data directory (for example to drain the queue while the API is stopped).
 */
export async function runWorker(options: { apps?: TenantryApp[] } = {}): Promise<Platform> {
  const platform = await startPlatform({ apps: options.apps ?? installedApps, workers: true });
  const { log } = platform.ctx;
  log.info({ queues: platform.ctx.jobs.names }, 'worker started');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'worker shutting down: finishing running jobs');
    // A little beyond the job grace period, in case closing the database hangs.
    const force = setTimeout(() => {
      log.error('worker shutdown hung: exiting');
      process.exit(1);
    }, (platform.ctx.config.jobs.shutdownTimeoutSeconds + 10) * 1000);
    force.unref();
    try {
      await platform.close();
      log.info('worker stopped');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'error during worker shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return platform;
}

export async function workerCommand() {
  await runWorker();
  console.log('Tenantry worker is running (Ctrl-C or SIGTERM to stop)');
}
