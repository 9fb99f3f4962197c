import type { FastifyRequest } from 'fastify';
import type { Role } from '../../../platform/db/schema.js';
import { requirePrincipal } from '../../../platform/auth/authenticate.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { forbidden } from '../../../platform/http/errors.js';

/** A camera authenticates with a platform API key carrying this scope for its own device row. */
export const deviceScope = (deviceUuid: string) => `visant:device:${deviceUuid}`;

export function deviceUuidOf(p: Principal): string | null {
  const scope = p.kind === 'api_key' ? p.scopes?.find((s) => s.startsWith('visant:device:')) : undefined;
  return scope ? scope.slice('visant:device:'.length) : null;
}

/** Dashboard routes: a person (or an org API key), never a camera's key. */
export function requireDashboard(request: FastifyRequest, minRole: Role = 'viewer'): Principal {
  const p = requirePrincipal(request, minRole);
  if (deviceUuidOf(p)) throw forbidden('A device key can only upload captures for its own device', 'DEVICE_KEY_NOT_ALLOWED');
  return p;
}
