import { startPlatform } from '../platform/runtime.js';
import { installedApps } from '../apps/index.js';
import { closeOnSignals } from './shutdown.js';

/** `tenantry serve`: migrate, listen, and drain in-flight requests on SIGTERM/SIGINT. */
export async function serveCommand() {
  const platform = await startPlatform({ apps: installedApps, holder: 'serve', adminChannel: true });
  const { config } = platform.ctx;
  const address = await platform.server.listen({ host: config.host, port: config.port });
  const shown = config.publicUrl ?? address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  const mode = platform.ctx.database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL';
  console.log(`Tenantry is listening on ${shown} (${mode}); API docs at ${shown}/docs`);

  closeOnSignals(platform, 'server');
}
