// What a sign-in sent to an identity provider leaves in the visitor's session until the provider
// answers: kept there by the feature's own key (AwaitedInSession), per workspace, and taken out at
// the answer so each is tried once (SessionLifecycle.awaitStep and takeStep).

/**
 * An OpenID Connect sign-in sent to the identity provider and not yet back: what its answer must
 * match (state, nonce, the PKCE verifier), kept only in the session, server side, and removed at
 * the first answer at its own workspace's callback.
 */
export interface PendingSingleSignOn {
  workspaceId: string;
  providerId: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  next?: string;
  startedAt: string;
}

declare module '../../core/sessions/session-data.ts' {
  interface AwaitedInSession {
    /** The OpenID Connect sign-in under way, by workspace id. */
    pendingSingleSignOns: PendingSingleSignOn;
    /**
     * The SAML AuthnRequest this browser sent, by workspace id. Its answer comes back without the
     * session (a cross-site post), so only the sign-in's last step, in the session, checks it.
     */
    pendingSamlRequests: string;
  }
  interface SignInDetails {
    /** Signed in through this identity provider: the sign-out offers its end-session. */
    singleSignOnProviderId?: string;
  }
  interface FirstFactors {
    /** Through the company's identity provider (OpenID Connect or SAML). */
    sso: true;
  }
}
