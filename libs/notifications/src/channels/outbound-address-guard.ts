import { lookup as dnsLookup, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { lookup as dnsLookupAll } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';

/**
 * Server-side request forgery guard for webhooks: a subscriber must not make the worker call the
 * machine it runs on, its private network or a cloud metadata service. Targets are checked when a
 * subscription is made and again, on the address actually connected to, at every delivery (a name can
 * resolve elsewhere later).
 */

/** Address blocks a webhook may not reach unless private networks are allowed (RFC 6890 special-purpose). */
const IPV4_BLOCKED: [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated, RFC 7526)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

const IPV6_BLOCKED: [string, number][] = [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible block
  ['64:ff9b:1::', 48], // local-use IPv4/IPv6 translation (RFC 8215): a private IPv4 inside, wherever its prefix puts it
  ['100::', 64], // discard-only
  ['2001::', 23], // IETF protocol assignments: Teredo (2001::/32, an IPv4 inside), benchmarking, ORCHID
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

/** True when `address` (IPv4 or IPv6 text) lies in a loopback, private, link-local or otherwise special block. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address.split('%')[0]!);
  if (family === 4) return inBlocks(ipv4Bits(address), IPV4_BLOCKED.map(([base, prefix]) => [ipv4Bits(base), prefix]));
  if (family !== 6) return true; // not an address at all: refuse rather than guess
  const bytes = ipv6Bytes(address);
  const embedded = embeddedIpv4(bytes);
  if (embedded !== undefined) return isPrivateAddress(embedded);
  return inBlocks(bytesToBits(bytes), IPV6_BLOCKED.map(([base, prefix]) => [bytesToBits(ipv6Bytes(base)), prefix]));
}

/** Why a webhook URL is refused, with a stable code; null when it may be used. */
export interface WebhookUrlProblem {
  code: 'SUBSCRIPTION.URL_SCHEME' | 'SUBSCRIPTION.URL_CREDENTIALS' | 'SUBSCRIPTION.URL_UNRESOLVABLE' | 'SUBSCRIPTION.URL_PRIVATE_NETWORK';
  message: string;
}

export type ResolveAll = (hostname: string) => Promise<string[]>;

const systemResolveAll: ResolveAll = async (hostname) => (await dnsLookupAll(hostname, { all: true })).map((entry) => entry.address);

/** Checks a webhook URL when a subscription is made: http(s), no credentials, a host that resolves, and not to a private network unless allowed. */
export async function checkWebhookUrl(
  rawUrl: string,
  allowPrivateNetworks: boolean,
  resolveAll: ResolveAll = systemResolveAll,
): Promise<WebhookUrlProblem | null> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { code: 'SUBSCRIPTION.URL_SCHEME', message: 'must be an absolute http:// or https:// URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { code: 'SUBSCRIPTION.URL_SCHEME', message: 'must be an http:// or https:// URL' };
  }
  if (url.username || url.password) {
    return { code: 'SUBSCRIPTION.URL_CREDENTIALS', message: 'must not carry a user name or password; the signature authenticates the calls' };
  }
  const host = hostOf(url);
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await resolveAll(host);
    } catch {
      return { code: 'SUBSCRIPTION.URL_UNRESOLVABLE', message: `names a host that does not resolve: ${host}` };
    }
    if (addresses.length === 0) return { code: 'SUBSCRIPTION.URL_UNRESOLVABLE', message: `names a host that does not resolve: ${host}` };
  }
  const refused = allowPrivateNetworks ? undefined : addresses.find(isPrivateAddress);
  if (refused !== undefined) {
    return {
      code: 'SUBSCRIPTION.URL_PRIVATE_NETWORK',
      message: `resolves to ${refused}, a loopback, private or link-local address; webhooks may only call public addresses`,
    };
  }
  return null;
}

/** A connection the guard refused: the target resolved to an address webhooks may not reach. */
export class OutboundAddressRefused extends Error {
  constructor(readonly host: string, readonly address: string) {
    super(`refused to connect to ${host}: it resolves to ${address}, a loopback, private or link-local address`);
    this.name = 'OutboundAddressRefused';
  }
}

/**
 * A `lookup` for http.request that resolves as usual and refuses private addresses, so the address
 * checked is the address connected to (no window for DNS rebinding between check and connect).
 */
export function guardedLookup(allowPrivateNetworks: boolean): LookupFunction {
  return (hostname: string, options: LookupOptions, callback): void => {
    dnsLookup(hostname, { ...options, all: true } as LookupAllOptions, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = allowPrivateNetworks ? undefined : addresses.find((entry) => isPrivateAddress(entry.address));
      if (refused) return callback(new OutboundAddressRefused(hostname, refused.address) as NodeJS.ErrnoException, []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}

/** The host of a URL without the brackets of an IPv6 literal. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function ipv4Bits(address: string): string {
  return address
    .split('.')
    .map((octet) => Number(octet).toString(2).padStart(8, '0'))
    .join('');
}

function bytesToBits(bytes: number[]): string {
  return bytes.map((byte) => byte.toString(2).padStart(8, '0')).join('');
}

function inBlocks(bits: string, blocks: [string, number][]): boolean {
  return blocks.some(([base, prefix]) => bits.slice(0, prefix) === base.slice(0, prefix));
}

/** The 16 bytes of an IPv6 address in any valid text form (`::1`, `::ffff:127.0.0.1`, `fe80::1%eth0`). */
function ipv6Bytes(address: string): number[] {
  let text = address.split('%')[0]!.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

/** The IPv4 address an IPv6 one stands for: IPv4-mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96), 6to4 (2002::/16). */
function embeddedIpv4(bytes: number[]): string | undefined {
  const isZero = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0);
  if (isZero(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12, 16).join('.');
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && isZero(4, 12)) return bytes.slice(12, 16).join('.');
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6).join('.');
  return undefined;
}
