/**
 * Where a webhook may go. A job names any URL, and the service would post to it from inside
 * the network: a URL on loopback, a private range or the cloud metadata address would let a
 * client reach what only the service can (SSRF). So the host is resolved, and every address
 * it resolves to must be public, unless an operator allow-lists the host, the address or its
 * range (WEBHOOK_ALLOW). Checked at submission and again at each delivery, where the
 * connection is pinned to the addresses just checked: a DNS answer that changes in between
 * (rebinding) cannot slip a private address past the check.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { CodedError, invalid } from '../errors.js';
import { checkWebhookUrl } from './spec.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (dns.lookup, as a connection would). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface CheckedTarget {
  url: URL;
  /** The addresses the check passed: the only ones a delivery may connect to. */
  addresses: ResolvedAddress[];
}

const defaultResolver: Resolver = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })) as ResolvedAddress[];

/** Address classes no webhook may reach by default; IPv4-mapped IPv6 (::ffff:a.b.c.d) matches the IPv4 ranges too. */
const REFUSED: ReadonlyArray<[name: string, ranges: string[]]> = [
  ['loopback', ['127.0.0.0/8', '::1/128']],
  ['unspecified', ['0.0.0.0/8', '::/128']],
  ['link-local (incl. cloud metadata)', ['169.254.0.0/16', 'fe80::/10']],
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']],
  ['carrier-grade NAT', ['100.64.0.0/10']],
  ['unique-local', ['fc00::/7']],
  ['multicast', ['224.0.0.0/4', 'ff00::/8']],
  ['reserved or broadcast', ['240.0.0.0/4']],
];

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** Adds "a.b.c.d", "a.b.c.d/n", "::1" or "fc00::/7" to a list; false for anything else (a host name). */
function addRange(list: BlockList, entry: string): boolean {
  const [net, prefix, extra] = entry.split('/');
  if (extra !== undefined || isIP(net) === 0) return false;
  const type = family(net);
  const bits = prefix === undefined ? (type === 'ipv4' ? 32 : 128) : Number(prefix);
  if (!/^\d+$/.test(prefix ?? '0') || bits > (type === 'ipv4' ? 32 : 128)) return false;
  list.addSubnet(net, bits, type);
  return true;
}

const refusedLists = REFUSED.map(([name, ranges]) => {
  const list = new BlockList();
  for (const range of ranges) addRange(list, range);
  return { name, list };
});

/** The class that refuses this address, or null for a public one. */
export function addressClass(address: string): string | null {
  // Node's BlockList matches IPv4-mapped IPv6 addresses against IPv4 ranges (and back).
  return refusedLists.find(({ list }) => list.check(address, family(address)))?.name ?? null;
}

export interface AllowList {
  hosts: Set<string>;
  ranges: BlockList;
}

const normalHost = (host: string) => host.toLowerCase().replace(/\.$/, '');

/** WEBHOOK_ALLOW entries: host names, addresses and CIDR ranges. */
export function parseAllowList(entries: readonly string[]): AllowList {
  const allow: AllowList = { hosts: new Set(), ranges: new BlockList() };
  for (const entry of entries) if (!addRange(allow.ranges, entry)) allow.hosts.add(normalHost(entry));
  return allow;
}

const allowLists = new WeakMap<readonly string[], AllowList>();

function allowListOf(entries: readonly string[]): AllowList {
  let allow = allowLists.get(entries);
  if (!allow) allowLists.set(entries, (allow = parseAllowList(entries)));
  return allow;
}

/**
 * Resolves the URL's host and refuses it (422 WEBHOOK_TARGET_REFUSED, field webhook.url) if
 * it does not resolve or if any address is in a refused class and not allow-listed. Any, not
 * all: a name resolving to one public and one private address would let the connection pick.
 */
export async function checkWebhookTarget(url: string, allow: readonly string[], resolve: Resolver = defaultResolver): Promise<CheckedTarget> {
  const parsed = checkWebhookUrl(url);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const list = allowListOf(allow);
  let addresses: ResolvedAddress[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) as 4 | 6 }];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0) {
      throw new CodedError('WEBHOOK_TARGET_REFUSED', `webhook.url: the host "${host}" does not resolve`, { field: 'webhook.url', details: { unresolved: true } });
    }
  }
  if (!list.hosts.has(normalHost(host))) {
    for (const { address } of addresses) {
      const refused = addressClass(address);
      if (refused && !list.ranges.check(address, family(address))) {
        const via = address === host ? '' : ` (the host "${host}" resolves to it)`;
        throw invalid('webhook.url', `${address} is a ${refused} address${via}; an operator may allow it with WEBHOOK_ALLOW`, 'WEBHOOK_TARGET_REFUSED');
      }
    }
  }
  return { url: parsed, addresses };
}

/** A refusal because the host did not resolve (at a delivery, perhaps only for now), not because of where it points. */
export function isUnresolvedHost(err: unknown): boolean {
  return err instanceof CodedError && err.details?.unresolved === true;
}

/** A lookup for http(s).request that answers only with the checked addresses: the connection goes nowhere else. */
export function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    const usable = addresses.filter((a) => wanted === 0 || a.family === wanted);
    if (usable.length === 0) return callback(Object.assign(new Error(`no checked IPv${wanted} address`), { code: 'ENOTFOUND' }), '');
    if (options.all) callback(null, usable);
    else callback(null, usable[0].address, usable[0].family);
  };
}
