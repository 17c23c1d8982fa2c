// The SAML sign-in of a workspace, between the handlers and the protocol: its key pair as a
// service provider (made at first need, the private key sealed with the portal's secret box and
// bound to the workspace), the AuthnRequests awaiting their answer (in the database: the answer is
// a cross-site post that brings no session cookie), and an answer's acceptance — which provider's
// certificates check it, the request it answers, its assertion id used once (the unique key decides
// between racing posts), the person it names matched as an OpenID Connect sign-in is
// (sign-in-service.ts), and the sign-in handed on by a one-use token to the portal page that
// completes it in the visitor's own session.
//
// One service provider per workspace, at every host it is served at. Its entity id stays the one
// at the portal's own address, whatever host a person is on: it is what the identity provider
// registered the portal under (and the audience every assertion names), so adding or removing a
// custom domain changes nothing the agency's IT configured. Where an answer goes differs by host:
// the metadata lists a consumer service for the portal's own address (the default) and one for
// each verified custom domain of the workspace; an AuthnRequest asks for the one of the host the
// person started at (their session cookie is that host's), and an answer is taken only at the
// consumer service it is addressed to — the one its request asked for, where it answers one.
import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import type { Knex } from 'knex';
import { createSecretBox, type HostWorkspace, type PortalConfig, type PortalLinks, type RequestMeta } from '../../core/index.ts';
import type { Providers } from './providers.ts';
import type { ProviderRow } from './queries.ts';
import { handoffHash, readEnvelope, type SamlProtocol, type SamlRefusal, samlRequestId, type ServiceProvider } from './saml.ts';
import {
  consumeAssertion,
  findSamlKey,
  findSamlSettings,
  insertSamlKey,
  insertSamlRequest,
  pruneSaml,
  replaceSamlCertificate,
  type SamlSettingsRow,
  samlProvidersByEntityId,
  setHandoff,
  takeHandoff,
  takeSamlRequest,
} from './saml-queries.ts';
import { selfSignedCertificate } from './self-signed.ts';
import type { RefusalReason, SingleSignOnMatcher } from './sign-in-service.ts';

/** Whether a PEM certificate parses as X.509, as an identity provider reading the metadata must. */
function readable(certificate: string): boolean {
  try {
    new X509Certificate(certificate);
    return true;
  } catch {
    return false;
  }
}

/** How long an AuthnRequest waits for its answer. */
const REQUEST_MINUTES = 10;
/** Where a workspace's portal takes SAML answers, below each address it is served at. */
export const ACS_PATH = '/saml/acs';

export type AcsRefusal = SamlRefusal | 'not_saml' | 'unknown_provider' | 'replayed' | 'unknown_request' | 'unsolicited' | RefusalReason;

export type AcsResult =
  | { ok: true; token: string; providerName: string }
  | { ok: false; reason: AcsRefusal; providerId: string | null; detail?: string; logged: boolean };

export function createSamlSignIn(deps: {
  db: Knex;
  config: Pick<PortalConfig, 'sessionSecret' | 'previousSessionSecrets' | 'appUrl' | 'portalPath'>;
  links: Pick<PortalLinks, 'customDomainBasesOf'>;
  providers: Providers;
  protocol: SamlProtocol;
  matcher: SingleSignOnMatcher;
  now: () => Date;
}) {
  const { db, links, providers, protocol, matcher, now } = deps;
  /** The workspace's portal at the portal's own address, where its entity id and default consumer service are. */
  const ownBase = (workspace: Pick<HostWorkspace, 'slug'>) =>
    `${deps.config.appUrl}${deps.config.portalPath}/${encodeURIComponent(workspace.slug)}`;
  /** The workspace's one entity id, also its metadata's address at the portal's own host. */
  const entityIdOf = (workspace: Pick<HostWorkspace, 'slug'>) => `${ownBase(workspace)}/saml/metadata`;
  const box = createSecretBox(deps.config.sessionSecret, deps.config.previousSessionSecrets, 'sso saml key v1');

  /** The workspace's key pair, made the first time it is needed. */
  async function keyPair(workspaceId: string, entityId: string): Promise<{ certificate: string; privateKey: string } | null> {
    let row = await findSamlKey(db, workspaceId);
    if (!row) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      await insertSamlKey(db, workspaceId, {
        certificate: selfSignedCertificate(privateKey, entityId),
        private_key_sealed: box.seal(pem, workspaceId),
      });
      row = await findSamlKey(db, workspaceId);
    }
    const opened = row ? box.open(row.private_key_sealed, workspaceId) : null;
    if (!row || !opened) return null;
    if (readable(row.certificate)) return { certificate: row.certificate, privateKey: opened.plain };
    // A certificate written before serial numbers were encoded as DER requires (one in 256 then)
    // cannot be read by an identity provider: the same key gets a readable one.
    const certificate = selfSignedCertificate(createPrivateKey(opened.plain), entityId);
    await replaceSamlCertificate(db, workspaceId, certificate);
    return { certificate, privateKey: opened.plain };
  }

  /** The addresses of the workspace's service provider: its one entity id, and every consumer service (the default first). */
  async function addressesOf(workspace: Pick<HostWorkspace, 'id' | 'slug'>): Promise<{ entityId: string; consumerServices: string[] }> {
    const domains = await links.customDomainBasesOf(workspace);
    return {
      entityId: entityIdOf(workspace),
      consumerServices: [`${ownBase(workspace)}${ACS_PATH}`, ...domains.map((base) => `${base}${ACS_PATH}`)],
    };
  }

  /**
   * The workspace as a service provider, answered at `acsUrl` (the consumer service of the host the
   * person is on; the portal's own by default); null when its key cannot be opened.
   */
  async function serviceProvider(workspace: Pick<HostWorkspace, 'id' | 'slug'>, acsUrl?: string): Promise<ServiceProvider | null> {
    const entityId = entityIdOf(workspace);
    const key = await keyPair(workspace.id, entityId);
    return key ? { entityId, acsUrl: acsUrl ?? `${ownBase(workspace)}${ACS_PATH}`, ...key } : null;
  }

  const settingsOf = (row: ProviderRow) => (row.protocol === 'saml' ? findSamlSettings(db, row.workspace_id, row.id) : null);

  return {
    entityIdOf,
    addressesOf,
    settingsOf,

    /** The metadata the identity provider reads: every consumer service of the workspace; null when its key cannot be opened. */
    async metadata(workspace: Pick<HostWorkspace, 'id' | 'slug'>): Promise<string | null> {
      const [sp, { consumerServices }] = await Promise.all([serviceProvider(workspace), addressesOf(workspace)]);
      return sp ? protocol.metadata(sp, consumerServices.slice(1)) : null;
    },

    /**
     * The identity provider's address carrying a new AuthnRequest that asks for the answer at
     * `acsUrl`, kept until its answer; null when SAML is not set up.
     */
    async start(
      workspace: Pick<HostWorkspace, 'id' | 'slug'>,
      row: ProviderRow,
      acsUrl: string,
      next: string | undefined,
    ): Promise<{ url: string; requestId: string } | null> {
      const [sp, settings] = await Promise.all([serviceProvider(workspace, acsUrl), settingsOf(row)]);
      if (!sp || !settings) return null;
      const requestId = samlRequestId(randomBytes(20).toString('hex'));
      await insertSamlRequest(db, workspace.id, {
        requestId,
        providerId: row.id,
        acsUrl,
        next: next ?? null,
        expiresAt: new Date(now().getTime() + REQUEST_MINUTES * 60_000),
      });
      return { url: await protocol.authorizeUrl(sp, settings, requestId, ''), requestId };
    },

    /**
     * Checks a response posted to the consumer service `acsUrl` (the host it came in at) and,
     * accepted, hands its sign-in on; every refusal but the matcher's is the caller's to log.
     */
    async accept(workspace: HostWorkspace, acsUrl: string, samlResponse: string, meta: RequestMeta): Promise<AcsResult> {
      const refused = (reason: AcsRefusal, providerId: string | null, detail?: string): AcsResult => ({
        ok: false,
        reason,
        providerId,
        logged: false,
        ...(detail ? { detail } : {}),
      });
      await pruneSaml(db, workspace.id, now());
      const envelope = readEnvelope(samlResponse);
      if (!envelope) return refused('not_saml', null);
      // The request answered, taken at once: an answer is tried once.
      const request = envelope.inResponseTo ? await takeSamlRequest(db, workspace.id, envelope.inResponseTo.slice(0, 100), now()) : null;
      const candidates = request
        ? [request.provider_id]
        : envelope.issuer
          ? await samlProvidersByEntityId(db, workspace.id, envelope.issuer.slice(0, 500))
          : [];
      const row = candidates[0] ? await providers.find(workspace.id, candidates[0]) : null;
      const settings: SamlSettingsRow | null = row?.enabled ? await settingsOf(row) : null;
      if (!row || !settings) return refused('unknown_provider', row?.id ?? null, envelope.issuer ?? undefined);
      const sp = await serviceProvider(workspace, acsUrl);
      if (!sp) return refused('invalid', row.id, 'service provider key cannot be opened');
      const verified = await protocol.verify(sp, settings, samlResponse, envelope);
      if (!verified.ok) return refused(verified.reason, row.id, verified.detail);
      const { assertion } = verified;
      // Addressed to where it was posted (verify), which must be where its request asked for it:
      // a sign-in started at one host finishes there, with that host's session.
      const asked = request ? (request.acs_url ?? `${ownBase(workspace)}${ACS_PATH}`) : null;
      if (asked && asked !== acsUrl) return refused('wrong_recipient', row.id, `requested at ${asked}, posted to ${acsUrl}`.slice(0, 200));
      // Used once: of many identical posts, the one whose insert lands goes on.
      if (!(await consumeAssertion(db, workspace.id, assertion.id.slice(0, 256), assertion.keepUntil))) return refused('replayed', row.id);
      if (assertion.inResponseTo && !request) return refused('unknown_request', row.id);
      if (!assertion.inResponseTo && !settings.allow_idp_initiated) return refused('unsolicited', row.id);
      // A SAML identity provider has no "verified" flag: the company binding's domains are the trust.
      const matched = await matcher.match(
        workspace,
        row,
        { sub: assertion.subject, email: assertion.email, emailVerified: true, amr: [] },
        meta,
      );
      if (!matched.ok) return { ok: false, reason: matched.reason, providerId: row.id, logged: true };
      const token = randomBytes(32).toString('base64url');
      await setHandoff(db, workspace.id, assertion.id.slice(0, 256), {
        hash: handoffHash(token),
        providerId: row.id,
        requestId: request ? assertion.inResponseTo : null,
        clientUserId: matched.user.id,
        next: request?.next ?? null,
      });
      return { ok: true, token, providerName: row.display_name };
    },

    /** The sign-in an accepted answer handed on, once. */
    takeHandoff: (workspaceId: string, token: string) => takeHandoff(db, workspaceId, handoffHash(token), now()),
  };
}

export type SamlSignIn = ReturnType<typeof createSamlSignIn>;
