import type { FastifyRequest } from 'fastify';
import type { Role } from '../../../platform/db/schema.js';
import { requirePrincipal } from '../../../platform/auth/authenticate.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { forbidden } from '../../../platform/errors.js';

/** A camera authenticates with a platform API key carrying this scope for its own device row. */
export const deviceScope = (deviceUuid: string) => `visant:device:${deviceUuid}`;

export function deviceUuidOf(p: Principal): string | null {
  const scope = p.kind === 'api_key' ? p.scopes?.find((s) => s.startsWith('visant:device:')) : undefined;
  return scope ? scope.slice('visant:device:'.length) : null;
}

/** API keys need this scope (or "*") for Visant's routes. */
export const VISANT_SCOPE = 'visant';

/** Dashboard routes: a person (or an org API key scoped to Visant), never a camera's key. */
export function requireDashboard(request: FastifyRequest, minRole: Role = 'viewer'): Principal {
  if (request.principal && deviceUuidOf(request.principal)) {
    throw forbidden('A device key can only upload captures and read the configuration of its own device', 'DEVICE_KEY_NOT_ALLOWED');
  }
  return requirePrincipal(request, minRole, VISANT_SCOPE);
}

/**
 * Routes a camera uses (capture upload and status, reading its configuration): a camera's own
 * key (the service then holds it to its own device), or a person or org key allowed into Visant.
 */
export function requireCaptureClient(request: FastifyRequest): Principal {
  if (request.principal && deviceUuidOf(request.principal)) return request.principal;
  return requirePrincipal(request, 'viewer', VISANT_SCOPE);
}
