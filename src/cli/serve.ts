import type { AddressInfo } from 'node:net';
import { startPlatform } from '../platform/runtime.js';
import { loadApps } from '../apps/manifests.js';
import { closeOnSignals } from './shutdown.js';

/** `tenantry serve`: migrate, listen, and drain in-flight requests on SIGTERM/SIGINT. */
export async function serveCommand() {
  const platform = await startPlatform({ apps: await loadApps(), holder: 'serve', adminChannel: true });
  const { config } = platform.ctx;
  const address = await platform.server.listen({ host: config.host, port: config.port });
  // PORT=0 asks for any free port: links in emails (resets, invitations) need the one bound.
  if (config.port === 0) config.port = (platform.server.server.address() as AddressInfo).port;
  const shown = config.publicUrl ?? address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  const mode = platform.ctx.database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL';
  console.log(`Tenantry is listening on ${shown} (${mode}); API docs at ${shown}/docs`);

  closeOnSignals(platform, 'server');
}
