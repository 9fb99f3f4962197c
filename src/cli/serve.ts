import { startPlatform } from '../platform/runtime.js';
import { installedApps } from '../apps/index.js';

/** `tenantry serve`: migrate, listen, and drain in-flight requests on SIGTERM/SIGINT. */
export async function serveCommand() {
  const platform = await startPlatform({ apps: installedApps });
  const { config, log } = platform.ctx;
  const address = await platform.server.listen({ host: config.host, port: config.port });
  const shown = config.publicUrl ?? address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  const mode = platform.ctx.database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL';
  console.log(`Tenantry is listening on ${shown} (${mode}); API docs at ${shown}/docs`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 30 s: exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    try {
      await platform.close();
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
