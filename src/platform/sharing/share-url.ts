import type { FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';

const SANE_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * Where share URLs point: PUBLIC_URL when set (the address the world uses, behind any proxy),
 * else the host the request came to. A Host header that is not a plain host[:port] is ignored,
 * so a forged header cannot put markup or another path into a link.
 */
export function publicBaseUrl(request: FastifyRequest, config: Pick<Config, 'publicUrl' | 'port'>): string {
  if (config.publicUrl) return config.publicUrl;
  const host = request.host;
  if (host && SANE_HOST.test(host)) return `${request.protocol}://${host}`;
  return `http://localhost:${config.port}`;
}
