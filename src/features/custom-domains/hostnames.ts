// What counts as a custom domain's host name, in the one form it is stored and looked up in: lower
// case, without a trailing dot, international names in their IDNA (punycode) form, so `Portal.Agentur.de.`
// and `portal.agentur.de` are one name and `büro.example` is `xn--bro-hoa.example` wherever it is read.
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** The stored form of a host name, or null when it is not one a portal could be served at. */
export function normaliseHostname(input: string): string | null {
  const trimmed = input.trim().toLowerCase().replace(/\.$/, '');
  if (!trimmed || trimmed.length > 253 || isIP(trimmed) !== 0) return null;
  const ascii = domainToASCII(trimmed);
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  // A name of its own under a public suffix at least (`agency.com`); the last label is never all digits.
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label)) || /^\d+$/.test(labels.at(-1)!)) return null;
  return ascii;
}

/**
 * What a person typed in the domain field, read as the name it means: `https://Portal.Agency.test/`
 * is `portal.agency.test`, as is the bare name. A URL that says more than a name (a path, a query, a
 * port, a user) is `notJustName`: the portal is served at the name's root on the usual port, so what
 * else it says cannot be honoured and is not silently dropped.
 */
export function hostnameOfInput(input: string): string | { refused: 'invalid' | 'notJustName' } {
  const trimmed = input.trim();
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  if (!hasScheme && !/[/:?#@]/.test(trimmed)) return normaliseHostname(trimmed) ?? { refused: 'invalid' };
  let url: URL;
  try {
    url = new URL(hasScheme ? trimmed : `https://${trimmed}`);
  } catch {
    return { refused: 'invalid' };
  }
  if (!['http:', 'https:'].includes(url.protocol)) return { refused: 'invalid' };
  const name = normaliseHostname(url.hostname);
  if (!name) return { refused: 'invalid' };
  if (url.port || url.username || url.password || url.pathname !== '/' || url.search || url.hash) return { refused: 'notJustName' };
  return name;
}

/** The Host header's name without its port, in the stored form; null for an address or nonsense. */
export function hostnameOfHeader(host: string | undefined): string | null {
  if (!host) return null;
  // `[::1]:3000` is an IPv6 address with a port; a name has no brackets.
  if (host.startsWith('[')) return null;
  return normaliseHostname(host.replace(/:\d+$/, ''));
}

/** Where the verification token lives: a TXT record of its own, so the domain's other TXT records stay as they are. */
export function verificationRecordName(hostname: string): string {
  return `_portal-verify.${hostname}`;
}
