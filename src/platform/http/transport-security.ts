import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';

const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * HSTS and CSP's upgrade-insecure-requests only when the page was reached over HTTPS.
 * A studio opening a gallery at http://192.168.x.y:3000 on its own network would otherwise
 * have every image "upgraded" to an HTTPS that does not exist there. A request counts as
 * secure when it arrived over TLS (directly, or per X-Forwarded-Proto from a trusted proxy)
 * or came to the host of an https PUBLIC_URL (the public address, behind a TLS proxy that
 * may not say so).
 */
export function isSecureRequest(request: FastifyRequest, config: Pick<Config, 'publicUrl'>): boolean {
  if (request.protocol === 'https') return true;
  if (!config.publicUrl?.startsWith('https://')) return false;
  return request.host.toLowerCase() === new URL(config.publicUrl).host.toLowerCase();
}

/** Registered after helmet (whose HSTS and upgrade directive are off): adds both to secure requests. */
export function installTransportSecurity(app: FastifyInstance, config: Pick<Config, 'publicUrl'>) {
  app.addHook('onRequest', async (request, reply) => {
    if (!isSecureRequest(request, config)) return;
    // Helmet writes on the raw response, so hijacked replies (SSE) carry the headers too.
    reply.raw.setHeader('strict-transport-security', HSTS);
    const csp = reply.raw.getHeader('content-security-policy');
    if (typeof csp === 'string' && !csp.includes('upgrade-insecure-requests')) {
      reply.raw.setHeader('content-security-policy', `${csp};upgrade-insecure-requests`);
    }
  });
}
