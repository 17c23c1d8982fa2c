// The portal's side of OpenID Connect, through openid-client (v6): the provider's configuration
// from its discovery document, the authorization URL with PKCE, state and nonce, and the code
// exchanged for tokens, whose ID token the library checks (issuer, audience, signature, nonce,
// expiry) before a claim is read. Nothing here decides who is signed in (sign-in-service.ts does).
import * as client from 'openid-client';
import { LRUCache } from 'lru-cache';
import type { IssuerNetwork } from './issuer-network.ts';

/** A provider as the protocol needs it: its secret already opened. */
export interface OpenIdProvider {
  workspaceId: string;
  id: string;
  issuerUrl: string;
  clientId: string;
  clientSecret: string | null;
  scopes: string;
  /** Changes on every save: a changed provider is discovered again. */
  version: string;
}

/** What the browser's round trip through the provider must bring back, kept in the portal session. */
export interface AuthorizationChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The ID token's claims the portal reads after the library checked the token. */
export interface VerifiedClaims {
  sub: string;
  email: string | null;
  emailVerified: boolean;
  amr: string[];
}

/**
 * An issuer on the loopback interface may speak plain HTTP (a provider run beside the portal in
 * development and tests); every other issuer must be HTTPS, as the library insists by default.
 * In production the loopback is refused anyway unless the installer allows the host by name
 * (issuer-network.ts).
 */
export function mayUsePlainHttp(issuer: URL): boolean {
  return issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
}

export function createOpenId(options: { network: IssuerNetwork; timeoutMs?: number }) {
  // Discovery is a round trip to the provider: kept per provider version for an hour, so a key
  // rotation's new discovery document is read again in time. A failed discovery is not kept.
  const configurations = new LRUCache<string, Promise<client.Configuration>>({ max: 500, ttl: 60 * 60_000 });
  const timeout = options.timeoutMs ?? 10_000;

  function configurationOf(provider: OpenIdProvider): Promise<client.Configuration> {
    const key = `${provider.workspaceId}:${provider.id}:${provider.version}`;
    const cached = configurations.get(key);
    if (cached) return cached;
    const issuer = new URL(provider.issuerUrl);
    const auth = provider.clientSecret ? client.ClientSecretBasic(provider.clientSecret) : client.None();
    // The network's fetch is kept by the configuration: the key set, token and userinfo requests
    // the discovery document points to go through the same address check as discovery itself.
    const found = client.discovery(issuer, provider.clientId, undefined, auth, {
      timeout: timeout / 1000,
      ...(mayUsePlainHttp(issuer) ? { execute: [client.allowInsecureRequests] } : {}),
      ...(options.network.fetch ? { [client.customFetch]: options.network.fetch } : {}),
    });
    configurations.set(key, found);
    found.catch(() => configurations.delete(key));
    return found;
  }

  return {
    /** The URL the browser is sent to, and the checks its return must pass (to keep server side). */
    async authorizationUrl(provider: OpenIdProvider, redirectUri: string): Promise<{ url: URL; checks: AuthorizationChecks }> {
      const config = await configurationOf(provider);
      const checks = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: provider.scopes,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url, checks };
    },

    /**
     * Exchanges the code the browser brought back (the whole callback URL) for tokens; throws when
     * the state differs, the code was used or is another client's, or the ID token fails a check.
     */
    async verifiedClaims(provider: OpenIdProvider, callbackUrl: URL, checks: AuthorizationChecks): Promise<VerifiedClaims> {
      const config = await configurationOf(provider);
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        pkceCodeVerifier: checks.codeVerifier,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('The provider answered without an ID token.');
      // A provider that keeps the email out of the ID token (as the specification has it for the
      // code flow) gives it at its userinfo endpoint, for the same subject (checked by the library).
      const profile = typeof claims.email === 'string' ? claims : await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      return {
        sub: claims.sub,
        email: typeof profile.email === 'string' ? profile.email.trim().toLowerCase() : null,
        // Only a JSON true counts: a string "true" or a missing claim is not a verification.
        emailVerified: profile.email_verified === true,
        amr: Array.isArray(claims.amr) ? claims.amr.filter((value): value is string => typeof value === 'string') : [],
      };
    },

    /** The provider's end-session address, where it publishes one; null otherwise or when it cannot be reached. */
    async endSessionUrl(provider: OpenIdProvider, postLogoutRedirectUri: string): Promise<string | null> {
      try {
        const config = await configurationOf(provider);
        if (!config.serverMetadata().end_session_endpoint) return null;
        return client.buildEndSessionUrl(config, { client_id: provider.clientId, post_logout_redirect_uri: postLogoutRedirectUri }).href;
      } catch {
        return null;
      }
    },
  };
}

export type OpenId = ReturnType<typeof createOpenId>;
