import type { IncomingMessage } from 'node:http';

/**
 * Browsers cannot set an Authorization header on a WebSocket. Besides ?access_token=, a
 * client may offer its token as a subprotocol, which keeps it out of URLs and access logs:
 *
 *   new WebSocket(url, ['tenantry.v1', 'bearer.' + token])
 *
 * The server always answers with "tenantry.v1" (a browser drops a connection whose
 * server picked none of the offered protocols) and never echoes the token back.
 */
export const WS_SUBPROTOCOL = 'tenantry.v1';
const BEARER_PREFIX = 'bearer.';

/** The token carried in a Sec-WebSocket-Protocol header, if any. */
export function bearerFromWebSocketProtocol(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return undefined;
  for (const part of value.split(',')) {
    const p = part.trim();
    if (p.startsWith(BEARER_PREFIX) && p.length > BEARER_PREFIX.length) return p.slice(BEARER_PREFIX.length);
  }
  return undefined;
}

/** ws `handleProtocols`: choose our protocol name, never the bearer entry. */
export function selectWebSocketProtocol(protocols: Set<string>, _request: IncomingMessage): string | false {
  return protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false;
}

/** Options for @fastify/websocket, registered once on the root server. */
export const websocketPluginOptions = {
  options: {
    handleProtocols: selectWebSocketProtocol,
    // Client messages are small JSON commands; refuse anything bigger outright.
    maxPayload: 64 * 1024,
  },
};
