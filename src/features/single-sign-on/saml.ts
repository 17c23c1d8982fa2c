// SAML 2.0 as the portal speaks it, through @node-saml/node-saml: the AuthnRequest sent with the
// HTTP-Redirect binding, the service provider's metadata, and the checks of a response posted to
// the assertion consumer service. The library checks the signatures (against each certificate the
// agency gave: two during a rollover), decrypts an encrypted assertion, and checks the time window
// (with ACCEPTED_SKEW_MS) and the audience; this module adds what it leaves to its caller: the
// issuer, the recipient and destination, and the request the answer claims to answer. Each
// refusal has a reason the log keeps.
import { createHash } from 'node:crypto';
import { SAML, type SamlConfig, ValidateInResponseTo } from '@node-saml/node-saml';
import type { SamlSettingsRow } from './saml-queries.ts';

/** How far the identity provider's clock may be from the portal's. */
const ACCEPTED_SKEW_MS = 60_000;
/** An assertion whose own end is further away is kept as used only this long (and refused after, by age). */
const MAX_ASSERTION_AGE_MS = 10 * 60_000;

/**
 * The workspace as a service provider: who it says it is (one entity id, whichever host), where
 * this exchange's answer goes (the consumer service of the host the person is on), its key pair.
 */
export interface ServiceProvider {
  entityId: string;
  acsUrl: string;
  certificate: string;
  privateKey: string;
}

export type SamlRefusal =
  | 'unsigned'
  | 'unsigned_assertion'
  | 'bad_signature'
  | 'wrong_audience'
  | 'wrong_recipient'
  | 'wrong_issuer'
  | 'expired'
  | 'wrong_request'
  | 'invalid';

/** What the portal reads of an assertion whose checks passed. */
interface VerifiedAssertion {
  id: string;
  /** Until when its id must stay known as used. */
  keepUntil: Date;
  subject: string;
  email: string | null;
  inResponseTo: string | null;
}

export type SamlVerification = { ok: true; assertion: VerifiedAssertion } | { ok: false; reason: SamlRefusal; detail: string };

/** What a response says of itself before any check: only to choose whose certificates check it. */
export interface ResponseEnvelope {
  issuer: string | null;
  inResponseTo: string | null;
  signed: boolean;
  /** Whether a plain (not encrypted) assertion carries a signature of its own; null for an encrypted one. */
  assertionSigned: boolean | null;
}

const SIGNATURE = /<(?:[\w.-]+:)?Signature\b[^>]*xmldsig/;
const POST_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
const attribute = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1] ?? null;
const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e] ?? '');

/** The unchecked envelope of a base64 SAMLResponse; null for something that is not one. */
export function readEnvelope(samlResponse: string): ResponseEnvelope | null {
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
  const root = /<(?:[\w.-]+:)?Response\b[^>]*>/.exec(xml)?.[0];
  if (!root) return null;
  const assertion = /<(?:[\w.-]+:)?Assertion\b[\s\S]*?<\/(?:[\w.-]+:)?Assertion>/.exec(xml)?.[0];
  const issuer = /<(?:[\w.-]+:)?Issuer\b[^>]*>([^<]*)<\/(?:[\w.-]+:)?Issuer>/.exec(xml)?.[1];
  return {
    issuer: issuer ? unescapeXml(issuer.trim()) : null,
    inResponseTo: attribute(root, 'InResponseTo') || null,
    signed: SIGNATURE.test(xml),
    assertionSigned: assertion ? SIGNATURE.test(assertion) : null,
  };
}

/** A request id the portal makes: an XML ID starts with a letter or underscore. */
export const samlRequestId = (random: string) => `_${random}`;

export function createSamlProtocol(options: { production: boolean; now?: () => Date }) {
  const config = (sp: ServiceProvider, idp: SamlSettingsRow, requestId?: string): SamlConfig => ({
    issuer: sp.entityId,
    callbackUrl: sp.acsUrl,
    audience: sp.entityId,
    entryPoint: idp.sso_url,
    idpCert: idp.signing_certificates,
    idpIssuer: idp.idp_entity_id,
    decryptionPvk: sp.privateKey,
    privateKey: sp.privateKey,
    publicCert: sp.certificate,
    signatureAlgorithm: 'sha256',
    // Production never takes an assertion signed only through its envelope (see CONTEXT.md).
    wantAssertionsSigned: options.production || idp.want_assertions_signed,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: ACCEPTED_SKEW_MS,
    maxAssertionAgeMs: MAX_ASSERTION_AGE_MS,
    // The request is found by its id in the database (the caller's), not the library's memory:
    // every instance must know it, and a cross-site post brings no session.
    validateInResponseTo: ValidateInResponseTo.never,
    identifierFormat: null,
    disableRequestedAuthnContext: true,
    ...(requestId ? { generateUniqueId: () => requestId } : {}),
  });

  const reasonOf = (err: unknown, envelope: ResponseEnvelope): SamlRefusal => {
    const message = err instanceof Error ? err.message : '';
    if (/signature/i.test(message)) {
      if (!envelope.signed) return 'unsigned';
      return envelope.assertionSigned === false ? 'unsigned_assertion' : 'bad_signature';
    }
    if (/audience/i.test(message)) return 'wrong_audience';
    if (/expired|not yet valid/i.test(message)) return 'expired';
    return 'invalid';
  };

  return {
    /** The address the browser takes the AuthnRequest to (its id chosen by the caller, who keeps it). */
    authorizeUrl: (sp: ServiceProvider, idp: SamlSettingsRow, requestId: string, relayState: string) =>
      new SAML(config(sp, idp, requestId)).getAuthorizeUrlAsync(relayState, undefined, {}),

    /**
     * The service provider's metadata: entity id, its certificate for signing and encryption, and
     * its assertion consumer services: `sp.acsUrl` the default (index 1), then each of `alsoAt`
     * (the workspace's own domains), so one metadata registers every address an answer may go to.
     */
    metadata(sp: ServiceProvider, alsoAt: readonly string[] = []): string {
      const placeholder: SamlSettingsRow = {
        provider_id: '',
        idp_entity_id: 'none',
        sso_url: 'https://invalid.invalid/',
        signing_certificates: [sp.certificate],
        metadata_url: null,
        metadata_xml: null,
        want_assertions_signed: true,
        allow_idp_initiated: false,
        email_attribute: 'email',
      };
      const xml = new SAML(config(sp, placeholder)).generateServiceProviderMetadata(sp.certificate, sp.certificate);
      // The library writes one consumer service, the default: the others follow it, indexed on.
      // The metadata is not signed, so adding to it leaves nothing to check out of date.
      const single = /^([ \t]*)(<AssertionConsumerService\b[^>]*\/>)/m.exec(xml);
      if (!single) throw new Error('the SAML library wrote metadata without its assertion consumer service');
      const [line, indent] = single;
      const others = alsoAt.map(
        (url, i) => `\n${indent}<AssertionConsumerService index="${i + 2}" Binding="${POST_BINDING}" Location="${escapeXml(url)}"/>`,
      );
      return xml.replace(line, `${line}${others.join('')}`);
    },

    async verify(sp: ServiceProvider, idp: SamlSettingsRow, samlResponse: string, envelope: ResponseEnvelope): Promise<SamlVerification> {
      let profile: Awaited<ReturnType<SAML['validatePostResponseAsync']>>['profile'];
      try {
        ({ profile } = await new SAML(config(sp, idp)).validatePostResponseAsync({ SAMLResponse: samlResponse }));
      } catch (err) {
        return { ok: false, reason: reasonOf(err, envelope), detail: err instanceof Error ? err.message.slice(0, 200) : 'invalid' };
      }
      if (!profile) return { ok: false, reason: 'invalid', detail: 'no assertion' };
      if (profile.issuer !== idp.idp_entity_id) return { ok: false, reason: 'wrong_issuer', detail: String(profile.issuer ?? '') };
      const assertion = (profile.getAssertion?.() as { Assertion?: AssertionJs } | undefined)?.Assertion;
      const id = assertion?.$?.ID;
      if (!assertion || !id) return { ok: false, reason: 'invalid', detail: 'assertion without an id' };
      // Every bearer confirmation must be addressed to this service provider's consumer service,
      // as the response's Destination, where it names one.
      const confirmations = (assertion.Subject?.[0]?.SubjectConfirmation ?? []).map((c) => c.SubjectConfirmationData?.[0]?.$ ?? {});
      // That is the address it was posted to: on a custom domain, that domain's; so an answer meant
      // for another host (the portal's own, another domain, another workspace's) is not taken here.
      const misaddressed = (what: string, named: string | undefined) =>
        ({ ok: false, reason: 'wrong_recipient', detail: `${what} ${named ?? '(none)'}, posted to ${sp.acsUrl}`.slice(0, 200) }) as const;
      const elsewhere = confirmations.find((data) => data.Recipient !== sp.acsUrl);
      if (confirmations.length === 0 || elsewhere) return misaddressed('Recipient', elsewhere?.Recipient);
      const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
      const root = /<(?:[\w.-]+:)?Response\b[^>]*>/.exec(xml)?.[0] ?? '';
      const destination = attribute(root, 'Destination');
      if (destination && unescapeXml(destination) !== sp.acsUrl) return misaddressed('Destination', unescapeXml(destination));
      // The signed assertion must answer the same request as its envelope says (or none for both).
      const answered = confirmations.map((data) => data.InResponseTo || null);
      if (answered.some((value) => value !== envelope.inResponseTo)) return { ok: false, reason: 'wrong_request', detail: 'InResponseTo' };
      const now = (options.now ?? (() => new Date()))().getTime();
      const ends = [assertion.Conditions?.[0]?.$?.NotOnOrAfter, ...confirmations.map((data) => data.NotOnOrAfter)]
        .filter((value): value is string => typeof value === 'string')
        .map((value) => Date.parse(value))
        .filter((value) => Number.isFinite(value));
      // The library checks the Conditions' window; a bearer confirmation's own end is checked here.
      if (confirmations.some((data) => data.NotOnOrAfter && Date.parse(data.NotOnOrAfter) <= now - ACCEPTED_SKEW_MS))
        return { ok: false, reason: 'expired', detail: 'SubjectConfirmationData NotOnOrAfter' };
      const keepUntil = new Date(Math.min(Math.max(...ends, now), now + MAX_ASSERTION_AGE_MS) + ACCEPTED_SKEW_MS);
      const attributes = (profile.attributes ?? {}) as Record<string, unknown>;
      const value = attributes[idp.email_attribute];
      const first = Array.isArray(value) ? value[0] : value;
      let email = typeof first === 'string' ? first.trim().toLowerCase() : null;
      if (!email && profile.nameIDFormat === 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress') email = profile.nameID.toLowerCase();
      // A transient NameID changes at every sign-in: the person is then remembered by email alone.
      const transient = profile.nameIDFormat === 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
      const subject = transient || !profile.nameID ? `email:${email ?? ''}` : profile.nameID;
      return { ok: true, assertion: { id, keepUntil, subject: subject.slice(0, 255), email, inResponseTo: envelope.inResponseTo } };
    },
  };
}

interface AssertionJs {
  $?: { ID?: string };
  Subject?: Array<{ SubjectConfirmation?: Array<{ SubjectConfirmationData?: Array<{ $?: Record<string, string> }> }> }>;
  Conditions?: Array<{ $?: { NotOnOrAfter?: string } }>;
}

/** How a handed-on sign-in's token is kept: its hash only. */
export const handoffHash = (token: string) => createHash('sha256').update(token).digest('hex');

export type SamlProtocol = ReturnType<typeof createSamlProtocol>;
