import type { IncomingMessage } from 'node:http';

/**
 * Browsers cannot set an Authorization header on a WebSocket. A client offers its
 * credential as a subprotocol instead, which keeps it out of URLs and access logs:
 *
 *   new WebSocket(url, ['tenantry.v1', 'ticket.' + ticket])   // from POST /api/v1/realtime/ticket
 *   new WebSocket(url, ['tenantry.v1', 'bearer.' + token])    // an access token or API key
 *
 * The server always answers with "tenantry.v1" (a browser drops a connection whose
 * server picked none of the offered protocols) and never echoes the credential back.
 */
export const WS_SUBPROTOCOL = 'tenantry.v1';
const PREFIXES = { bearer: 'bearer.', ticket: 'ticket.' } as const;

export interface OfferedCredential {
  kind: keyof typeof PREFIXES;
  value: string;
}

/** The credential carried in a Sec-WebSocket-Protocol header, if any (the first one offered). */
export function credentialFromWebSocketProtocol(header: string | string[] | undefined): OfferedCredential | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return undefined;
  for (const part of value.split(',')) {
    const p = part.trim();
    for (const kind of ['bearer', 'ticket'] as const) {
      const prefix = PREFIXES[kind];
      if (p.startsWith(prefix) && p.length > prefix.length) return { kind, value: p.slice(prefix.length) };
    }
  }
  return undefined;
}

/** ws `handleProtocols`: choose our protocol name, never a credential entry. */
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
