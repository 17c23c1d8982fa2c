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
