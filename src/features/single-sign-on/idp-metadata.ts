// Reads what the portal needs from an identity provider's SAML metadata (pasted by the agency or
// fetched from its address): the entity id, the single sign-on address for the HTTP-Redirect
// binding, and the signing certificates (one, or two while the provider rolls over). The XML is
// parsed (@xmldom/xmldom, which node-saml uses too); only these few elements are read, by local
// name in any namespace prefix; each value found is checked (an http(s) address, a certificate
// Node can parse), and anything missing is a form error, never a guess.
import { X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';

const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

export interface IdpMetadata {
  entityId: string;
  ssoUrl: string;
  certificates: string[];
}

export type MetadataProblem = 'notMetadata' | 'noSsoUrl' | 'noCertificate';

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
  const document = parseXml(xml);
  // In any namespace prefix: metadata arrives as md:EntityDescriptor, EntityDescriptor, or another prefix.
  const named = (parent: Document | Element, name: string) => [...Array.from(parent.getElementsByTagNameNS('*', name))];
  const descriptor = document ? named(document, 'EntityDescriptor')[0] : undefined;
  const entityId = descriptor?.getAttribute('entityID') || null;
  const idp = descriptor ? named(descriptor, 'IDPSSODescriptor')[0] : undefined;
  if (!entityId || !idp) return { ok: false, problem: 'notMetadata' };
  const redirect = named(idp, 'SingleSignOnService').find((service) => service.getAttribute('Binding') === REDIRECT_BINDING);
  const ssoUrl = redirect?.getAttribute('Location') || null;
  if (!ssoUrl || !/^https?:\/\//.test(ssoUrl)) return { ok: false, problem: 'noSsoUrl' };
  const certificates = named(idp, 'KeyDescriptor')
    // A key without `use` serves both signing and encryption.
    .filter((key) => (key.getAttribute('use') || 'signing') === 'signing')
    .map((key) => named(key, 'X509Certificate')[0]?.textContent ?? '')
    .map(certificatePem)
    .filter((pem): pem is string => pem !== null);
  const distinct = [...new Set(certificates)].slice(0, 2);
  if (distinct.length === 0) return { ok: false, problem: 'noCertificate' };
  return { ok: true, metadata: { entityId, ssoUrl, certificates: distinct } };
}

/** The metadata as a DOM, or null when it is not well-formed XML (the parser's complaints are the answer, not thrown). */
function parseXml(xml: string): Document | null {
  let broken = false;
  const parser = new DOMParser({
    errorHandler: {
      warning: () => undefined,
      error: () => {
        broken = true;
      },
      fatalError: () => {
        broken = true;
      },
    },
  });
  try {
    const document = parser.parseFromString(xml, 'text/xml') as unknown as Document;
    return broken ? null : document;
  } catch {
    return null;
  }
}
