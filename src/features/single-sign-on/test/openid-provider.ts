// A real OpenID Provider for the tests: oidc-provider (a certified implementation) on a local HTTP
// port, with the portal registered as a confidential client and a second client to forge an ID
// token for another audience. Its login and consent screens are replaced by one interaction
// endpoint that signs in the account the test chose (with the `amr` it chose) and grants the
// scopes asked, so a test walks the provider's real authorization, resume and token endpoints with
// plain HTTP requests and a cookie jar.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

interface TestAccount {
  sub: string;
  email: string;
  email_verified: boolean;
}

export interface TestOpenIdProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** A second client of the same provider, whose ID tokens are not for the portal. */
  otherClient: { clientId: string; clientSecret: string; redirectUri: string };
  accounts: Map<string, TestAccount>;
  /** The account the next interaction signs in, and how it says it authenticated. */
  signInAs(sub: string, amr?: string[]): void;
  /**
   * Follows the provider's redirects from an authorization URL until it sends the browser back
   * to a redirect URI; returns that URL (with code, state and iss).
   */
  authorize(authorizationUrl: string): Promise<URL>;
  close(): Promise<void>;
}

/** A browser's cookies for the provider's one origin: enough for its interaction and session cookies. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** `host`: the issuer's host name (127.0.0.1 by default); it listens on 127.0.0.1 whatever the name. */
export async function startOpenIdProvider(options: { redirectUri: string; host?: string }): Promise<TestOpenIdProvider> {
  const accounts = new Map<string, TestAccount>();
  let next: { sub: string; amr: string[] } | null = null;
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://${options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  const clientId = 'client-portal';
  const clientSecret = 'portal-secret-'.padEnd(40, 'p');
  const otherClient = { clientId: 'other-app', clientSecret: 'other-secret-'.padEnd(40, 'o'), redirectUri: `${issuer}/other/callback` };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.redirectUri.replace(/\/sign-in\/sso\/callback$/, '/sign-in')],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: otherClient.clientId,
        client_secret: otherClient.clientSecret,
        // The attacker's app may even list the portal's address: its code is still not the portal's.
        redirect_uris: [otherClient.redirectUri, options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    // amr is not among oidc-provider's default claims: listed with openid, the ID token carries the login's.
    claims: { amr: null, openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
    // oidc-provider's default for the code flow (conformIdTokenClaims) keeps the email out of the
    // ID token, so the portal reads it at the userinfo endpoint: the path of a provider that does so.
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, sub: string) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: () => ({ ...account }) };
    },
    pkce: { required: () => true },
  });
  // oidc-provider warns at start about its development keys and cookie keys: these tests want them.
  provider.on('server_error', (_ctx, err) => console.error('test OpenID Provider:', err));
  const callback = provider.callback();

  server.on('request', (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!path.startsWith('/interaction/')) return callback(req, res);
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (!next) throw new Error('No test account chosen for this sign-in.');
        const { sub, amr } = next;
        const clientOf = String(details.params.client_id);
        const grant = new provider.Grant({ accountId: sub, clientId: clientOf });
        grant.addOIDCScope(String(details.params.scope));
        const grantId = await grant.save();
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: sub, amr, remember: false }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
      } catch (err) {
        res.statusCode = 500;
        res.end(String(err));
      }
    })();
  });

  return {
    issuer,
    clientId,
    clientSecret,
    otherClient,
    accounts,
    signInAs(sub, amr = ['pwd']) {
      next = { sub, amr };
    },
    async authorize(authorizationUrl) {
      const jar = new CookieJar();
      let url = new URL(authorizationUrl);
      for (let hop = 0; hop < 10; hop++) {
        if (!url.href.startsWith(issuer)) return url;
        const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
        jar.store(response);
        const location = response.headers.get('location');
        if (!location) throw new Error(`The provider answered ${response.status} at ${url.pathname}: ${await response.text()}`);
        url = new URL(location, url);
      }
      throw new Error('Too many redirects at the provider.');
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
