// Where the server may send its requests to an identity provider. The issuer address is typed by a
// workspace admin, and the server then requests it (discovery) and the addresses its discovery
// document names (keys, token, userinfo): without a limit an admin could make the portal request
// its own ports, the cloud's metadata service (169.254.169.254) or the private network behind it.
// So, unless the installation allows private issuers (development and tests), every such request
// first resolves the host, refuses it when any of its addresses is not public (unless the installer
// named the host in config.singleSignOn.allowedPrivateHosts), and then connects to exactly the
// addresses it checked: the connection never asks DNS again, so a name that answers a public
// address to the check and a private one to the connection (DNS rebinding) gets nowhere.
import { Resolver, lookup as systemLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { CustomFetch } from 'openid-client';
import type { PortalConfig } from '../../core/index.ts';

interface Address {
  address: string;
  family: number;
}

/** An issuer whose host is at an address the server must not request. */
class IssuerNotPublic extends Error {
  readonly code = 'issuer_not_public';
  constructor(host: string, address: string) {
    super(
      `the identity provider's host ${host} is at ${address}, not a public address: refused (list the host in SSO_ALLOWED_PRIVATE_HOSTS to allow it)`,
    );
  }
}

/**
 * The IPv4 ranges that are not the public internet (IANA's special-purpose registry): "this"
 * network, private (RFC 1918), CGNAT, loopback, link-local, IETF assignments, documentation,
 * benchmarking, the old 6to4 relay, multicast, reserved and broadcast.
 */
const NOT_PUBLIC_V4 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_PUBLIC_V4.addSubnet(network, prefix, 'ipv4');

/**
 * IPv6 the other way round: public is global unicast (2000::/3), less its documentation and IETF
 * ranges. Everything else (unspecified, loopback, unique local fc00::/7, link-local fe80::/10,
 * multicast, discard) is not. The forms that carry an IPv4 address (mapped, NAT64, 6to4) are
 * judged by that address, checked before this list.
 */
const GLOBAL_V6 = new BlockList();
GLOBAL_V6.addSubnet('2000::', 3, 'ipv6');
const NOT_PUBLIC_V6 = new BlockList();
NOT_PUBLIC_V6.addSubnet('2001::', 23, 'ipv6');
NOT_PUBLIC_V6.addSubnet('2001:db8::', 32, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (already known to be one). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((group) => Number.parseInt(group, 16));
}

/** The IPv4 address an IPv6 one carries: IPv4-mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96), 6to4 (2002::/16). */
function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  const quad = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  const zeros = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return quad(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return quad(g[6]!, g[7]!);
  if (g[0] === 0x2002) return quad(g[1]!, g[2]!);
  return null;
}

/** Whether an address is on the public internet: what the server may request for an agency's admin. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NOT_PUBLIC_V4.check(address, 'ipv4');
  if (family !== 6) return false;
  const carried = embeddedIpv4(address);
  if (carried) return isPublicAddress(carried);
  return GLOBAL_V6.check(address, 'ipv6') && !NOT_PUBLIC_V6.check(address, 'ipv6');
}

/** A URL's host as a name or a bare address: lower case, without brackets or a final dot. */
const bareHost = (hostname: string) =>
  hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');

/** `localhost` and every name under it are the machine itself (RFC 6761), whatever DNS says. */
const isLocalhostName = (host: string) => host === 'localhost' || host.endsWith('.localhost');
const LOOPBACK: Address[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

const NO_ADDRESS = new Set(['ENODATA', 'ENOTFOUND']);

/** A host's addresses from the given DNS servers (A and AAAA), or from the system's resolver (hosts file included). */
function addressLookup(servers: readonly string[]): (host: string) => Promise<Address[]> {
  if (servers.length === 0) return (host) => systemLookup(host, { all: true, verbatim: true });
  const resolver = new Resolver({ timeout: 3_000, tries: 2 });
  resolver.setServers([...servers]);
  const none = (err: { code?: string }) => (err.code && NO_ADDRESS.has(err.code) ? [] : Promise.reject(err));
  return async (host) => {
    const [v4, v6] = await Promise.all([resolver.resolve4(host).catch(none), resolver.resolve6(host).catch(none)]);
    const found = [...v4.map((address) => ({ address, family: 4 })), ...v6.map((address) => ({ address, family: 6 }))];
    if (found.length === 0) throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
    return found;
  };
}

/** Discovery documents, key sets, tokens and userinfo are small: an answer past this is cut off. */
const MAX_ANSWER_BYTES = 1024 * 1024;
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export function createIssuerNetwork(settings: PortalConfig['singleSignOn']) {
  const allowed = new Set(settings.allowedPrivateHosts.map(bareHost));
  const lookup = addressLookup(settings.resolvers);

  /** The addresses a request to this host may connect to; throws IssuerNotPublic, or DNS's error. */
  async function checkedAddresses(hostname: string): Promise<Address[]> {
    const host = bareHost(hostname);
    const family = isIP(host);
    const addresses = family ? [{ address: host, family }] : isLocalhostName(host) ? LOOPBACK : await lookup(host);
    if (settings.allowPrivateIssuers || allowed.has(host)) return addresses;
    // Every address must be public: a name that also answers a private one could be connected there.
    const refused = addresses.find((candidate) => !isPublicAddress(candidate.address));
    if (refused) throw new IssuerNotPublic(host, refused.address);
    return addresses;
  }

  /**
   * openid-client's fetch for every request to the provider: over node's http(s) so that the
   * connection's own lookup answers the addresses just checked (the global fetch offers no such
   * hook without an undici dispatcher). TLS still checks the certificate against the host name.
   * Redirects are not followed (openid-client asks for none).
   */
  const pinnedFetch: CustomFetch = async (url, options) => {
    const target = new URL(url);
    if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new TypeError(`unsupported protocol ${target.protocol}`);
    const addresses = await checkedAddresses(target.hostname);
    const body = options.body == null ? undefined : Buffer.from(await new Response(options.body as BodyInit).arrayBuffer());
    const pinned: LookupFunction = (host, lookupOptions, callback) => {
      const usable = lookupOptions.family ? addresses.filter((candidate) => candidate.family === lookupOptions.family) : addresses;
      const [first] = usable;
      if (!first) callback(Object.assign(new Error(`${host} has no address of that family`), { code: 'ENOTFOUND' }), '');
      else if (lookupOptions.all) callback(null, usable);
      else callback(null, first.address, first.family);
    };
    return new Promise<Response>((resolve, reject) => {
      const request = (target.protocol === 'https:' ? https : http).request(
        target,
        {
          method: options.method,
          headers: { ...options.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
          lookup: pinned,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        (answer) => {
          const chunks: Buffer[] = [];
          let size = 0;
          answer.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) answer.destroy(new Error(`the identity provider's answer at ${target.href} is too large`));
            else chunks.push(chunk);
          });
          answer.on('error', reject);
          answer.on('end', () => {
            const headers = new Headers();
            for (let i = 0; i < answer.rawHeaders.length; i += 2) headers.append(answer.rawHeaders[i]!, answer.rawHeaders[i + 1]!);
            const status = answer.statusCode ?? 502;
            resolve(
              new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
                status,
                statusText: answer.statusMessage ?? '',
                headers,
              }),
            );
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  };

  return {
    /**
     * Why the staff form refuses an issuer address, or null. A name that does not resolve now is
     * not refused here (its provider may not be live yet): every request checks it again.
     */
    async refusal(issuerUrl: string): Promise<'notPublic' | null> {
      if (settings.allowPrivateIssuers) return null;
      try {
        await checkedAddresses(new URL(issuerUrl).hostname);
        return null;
      } catch (err) {
        return err instanceof IssuerNotPublic ? 'notPublic' : null;
      }
    },
    /** A GET of a document the agency named (a SAML provider's metadata address), under the same rules; redirects not followed. */
    get: (url: string, signal: AbortSignal): Promise<Response> =>
      settings.allowPrivateIssuers
        ? fetch(url, { redirect: 'manual', signal })
        : pinnedFetch(url, { method: 'GET', headers: {}, redirect: 'manual', signal } as Parameters<CustomFetch>[1]),
    /** The fetch openid-client uses; none (its own) where private issuers are allowed, as before. */
    fetch: settings.allowPrivateIssuers ? undefined : pinnedFetch,
  };
}

export type IssuerNetwork = ReturnType<typeof createIssuerNetwork>;
