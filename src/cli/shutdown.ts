import type { Platform } from '../platform/runtime.js';

/**
 * Close the platform cleanly on SIGTERM or SIGINT and exit 0 (1 if closing fails). Closing
 * stops HTTP (draining in-flight requests), then lets running jobs finish within
 * JOB_SHUTDOWN_TIMEOUT_SECONDS; if closing hangs beyond that and ten seconds more, exit 1.
 */
export function closeOnSignals(platform: Platform, what: string): void {
  const { log, config } = platform.ctx;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, `${what} shutting down: draining requests and running jobs`);
    const force = setTimeout(() => {
      log.error(`${what} shutdown hung: exiting`);
      process.exit(1);
    }, (config.jobs.shutdownTimeoutSeconds + 10) * 1000);
    force.unref();
    try {
      await platform.close();
      log.info(`${what} stopped`);
      process.exit(0);
    } catch (err) {
      log.error({ err }, `error during ${what} shutdown`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
