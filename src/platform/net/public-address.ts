import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Whether a host a tenant typed in (a Mastodon instance, a webhook target) is on the public
 * internet. The server calls such hosts from inside the operator's network, so without this
 * check a tenant could make it POST to the database port, a cloud metadata service
 * (169.254.169.254) or an admin page on the LAN: server-side request forgery. Every address the
 * name resolves to is checked, because a client connects to any of them.
 *
 * This checks at the moment of asking; a name whose DNS later changes to a private address
 * (rebinding) is not covered: callers check again before each later call where that matters.
 */
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) NOT_PUBLIC.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) NOT_PUBLIC.addSubnet(net, prefix, 'ipv6');

export function isPublicAddress(address: string): boolean {
  // An IPv4 address written as IPv6 (::ffff:127.0.0.1) is the IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPublicAddress(mapped);
  const family = isIP(address);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export type HostCheck = { ok: true } | { ok: false; reason: 'unresolvable' } | { ok: false; reason: 'not_public'; address: string };

/** Resolves `hostname` (a name or a literal address) and answers whether every address is public. */
export async function checkPublicHost(hostname: string): Promise<HostCheck> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return { ok: false, reason: 'unresolvable' };
  }
  const inside = addresses.find((a) => !isPublicAddress(a));
  return inside === undefined ? { ok: true } : { ok: false, reason: 'not_public', address: inside };
}
