// Reads what the portal needs from an identity provider's SAML metadata (pasted by the agency or
// fetched from its address): the entity id, the single sign-on address for the HTTP-Redirect
// binding, and the signing certificates (one, or two while the provider rolls over). Only these
// few elements are read, by name, in any namespace prefix; each value found is checked (an https
// address, a certificate node can parse), and anything missing is a form error, never a guess.
import { X509Certificate } from 'node:crypto';

const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const P = '(?:[\\w.-]+:)?';

export interface IdpMetadata {
  entityId: string;
  ssoUrl: string;
  certificates: string[];
}

export type MetadataProblem = 'notMetadata' | 'noSsoUrl' | 'noCertificate';

const attribute = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]?.replace(/&amp;/g, '&') ?? null;

/** A certificate as PEM, from base64 with or without the PEM lines; null when it is not one. */
export function certificatePem(text: string): string | null {
  const body = text
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '')
    .trim();
  if (!/^[A-Za-z0-9+/]+=*$/.test(body)) return null;
  const pem = `-----BEGIN CERTIFICATE-----\n${(body.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
  try {
    new X509Certificate(pem);
    return pem;
  } catch {
    return null;
  }
}

export function readIdpMetadata(xml: string): { ok: true; metadata: IdpMetadata } | { ok: false; problem: MetadataProblem } {
  const descriptor = new RegExp(`<${P}EntityDescriptor\\b[^>]*>`).exec(xml)?.[0];
  const entityId = descriptor ? attribute(descriptor, 'entityID') : null;
  const idp = new RegExp(`<${P}IDPSSODescriptor\\b[\\s\\S]*?</${P}IDPSSODescriptor>`).exec(xml)?.[0];
  if (!entityId || !idp) return { ok: false, problem: 'notMetadata' };
  const services = idp.match(new RegExp(`<${P}SingleSignOnService\\b[^>]*>`, 'g')) ?? [];
  const redirect = services.find((tag) => attribute(tag, 'Binding') === REDIRECT_BINDING);
  const ssoUrl = redirect ? attribute(redirect, 'Location') : null;
  if (!ssoUrl || !/^https?:\/\//.test(ssoUrl)) return { ok: false, problem: 'noSsoUrl' };
  const keys = idp.match(new RegExp(`<${P}KeyDescriptor\\b[\\s\\S]*?</${P}KeyDescriptor>`, 'g')) ?? [];
  const certificates = keys
    .filter((key) => (attribute(key.slice(0, key.indexOf('>') + 1), 'use') ?? 'signing') === 'signing')
    .map((key) => new RegExp(`<${P}X509Certificate>([^<]+)</${P}X509Certificate>`).exec(key)?.[1] ?? '')
    .map(certificatePem)
    .filter((pem): pem is string => pem !== null);
  const distinct = [...new Set(certificates)].slice(0, 2);
  if (distinct.length === 0) return { ok: false, problem: 'noCertificate' };
  return { ok: true, metadata: { entityId, ssoUrl, certificates: distinct } };
}
