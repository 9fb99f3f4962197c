import { isIP } from 'node:net';

/**
 * Which X-Forwarded-For entries to believe. `true` (trust the whole header) would let any
 * client pick its own address and walk past every per-IP limit by rotating it, so the
 * setting is a hop count (the number of proxies in front of the server) or the proxies'
 * own addresses/CIDRs. Fastify's trustProxy takes both forms as they are.
 */
export type TrustProxy = false | number | string[];

/** proxy-addr's named ranges, accepted in the address list. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const MAX_HOPS = 10;

/** The parsed setting, or a message saying what to write instead. */
export function parseTrustProxy(raw: string): { value: TrustProxy } | string {
  const text = raw.trim().toLowerCase();
  if (['false', 'no', 'off', '0'].includes(text)) return { value: false };
  if (['true', 'yes', 'on'].includes(text)) {
    return 'true would trust any X-Forwarded-For a client sends (and let it dodge every per-IP limit): give the number of proxies in front of the server (e.g. 1) or their addresses/CIDRs (e.g. 10.0.0.0/8,loopback)';
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > MAX_HOPS) return `at most ${MAX_HOPS} proxy hops; list the proxies' addresses instead`;
    return { value: hops };
  }
  const entries = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = entries.filter((entry) => !isProxyAddress(entry));
  if (entries.length === 0 || bad.length) {
    return `${bad.length ? `"${bad.join('", "')}" is not` : 'give'} a proxy hop count (e.g. 1) or a comma-separated list of IP addresses, CIDRs (10.0.0.0/8) or loopback/linklocal/uniquelocal`;
  }
  return { value: entries };
}

function isProxyAddress(entry: string): boolean {
  if (NAMED_RANGES.has(entry.toLowerCase())) return true;
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * The setting in the form Fastify takes. Fastify treats a bare number as "trust nothing"
 * (it cannot check the peer), so a hop count becomes proxy-addr's own function: believe
 * the socket peer and the next hops-1 X-Forwarded-For entries. That is only as safe as
 * the network: with a hop count, clients must not be able to bypass the proxies.
 */
export function fastifyTrustProxy(trust: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return trust === 0 ? false : (_address, hop) => hop < trust;
  return trust;
}
