// The client's single sign-on: a provider's button (or an email whose domain a company binding
// lists) sends the browser to the provider with PKCE, state and nonce kept in the portal session;
// the provider sends it back to the callback, where those are taken out of the session (each answer
// is tried once), the code is exchanged and the ID token checked by the library, and the person is
// matched to a client user (sign-in-service.ts). The sign-in then ends as every other does (the
// account feature's completion: the second factor where it is still asked, the log, a new session).
// Every refusal is a 4xx page saying what to do; a provider that cannot be reached is a 503. A
// refusal at the callback moves the browser on to a page of its own (`/sign-in/sso/refused`), so
// the address bar no longer holds the provider's code and state, and that page offers a new try.
import type { Request, Response } from 'express';
import {
  customOriginOf,
  HttpError,
  insertActivity,
  type LimitRule,
  type PortalConfig,
  type PortalLogger,
  type RateLimiter,
  portalContext,
  portalI18n,
  renderPortalPage,
  requestMeta,
  type SessionLifecycle,
} from '../../core/index.ts';
import type { ClientUserRow, HostWorkspace } from '../../core/index.ts';
import type { CompleteSignIn, SignInOptions } from '../account/index.ts';
import type { Knex } from 'knex';
import {
  type CallbackInput,
  type CallbackRefusal,
  ProviderIdParam,
  REFUSAL_STATUS,
  type RefusedInput,
  type StartInput,
} from './commands.ts';
import type { OpenId } from './openid.ts';
import type { Providers } from './providers.ts';
import type { ProviderRow } from './queries.ts';
import { consumerServiceAt } from './saml-handlers.ts';
import type { SamlSignIn } from './saml-sign-in.ts';
import { emailDomain, type SingleSignOnMatcher } from './sign-in-service.ts';

/** How long the browser may take at the provider before its answer is no longer awaited. */
const PENDING_MINUTES = 10;

export interface SingleSignOnHandlerDeps {
  db: Knex;
  config: Pick<PortalConfig, 'appUrl' | 'portalPath'>;
  providers: Providers;
  openId: OpenId;
  matcher: SingleSignOnMatcher;
  saml: SamlSignIn;
  sessions: SessionLifecycle;
  completeSignIn: CompleteSignIn;
  logger: PortalLogger;
  now: () => Date;
  limiter: RateLimiter;
}

/** Each start writes what it waits for (a SAML request row, an OIDC sign-in in the session): a visitor may start so many. */
const START_LIMIT: LimitRule = { name: 'sso-start:ip', points: 30, windowSeconds: 5 * 60, blockSeconds: 5 * 60 };

export function createSingleSignOnHandlers(deps: SingleSignOnHandlerDeps) {
  const { db, config, providers, openId, matcher, saml, sessions, completeSignIn, logger, now, limiter } = deps;
  /**
   * An address of the portal where the person is: at the agency's own domain when they came in
   * there (its pages start at its root, and its session cookie is that host's alone, so the
   * provider must send them back to it), else at the portal's own address.
   */
  const portalUrl = (res: Response, path: string) => `${customOriginOf(res.req) ?? config.appUrl}${portalContext(res).base}${path}`;
  /** The address registered at the provider for this workspace, at each host it is served at. */
  const redirectUri = (res: Response) => portalUrl(res, '/sign-in/sso/callback');

  const logFailure = (req: Request, workspace: HostWorkspace, details: Record<string, unknown>, user?: ClientUserRow) => {
    const meta = requestMeta(req);
    return insertActivity(db, {
      workspaceId: workspace.id,
      event: 'sign_in.failed',
      clientUserId: user?.id ?? null,
      clientId: user?.client_id ?? null,
      email: user?.email ?? null,
      details: { method: 'sso', ...details },
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
  };

  /** Moves the browser off the callback's address (its code and state) to the page that says why. */
  const refusedAt = (res: Response, reason: CallbackRefusal, providerId?: string) => {
    const query = new URLSearchParams({ reason, ...(providerId ? { provider: providerId } : {}) });
    res.redirect(303, `${portalContext(res).base}/sign-in/sso/refused?${query}`);
  };

  /** An OpenID Connect sign-in's authorization address, its checks kept in the session. */
  const startOpenId = async (req: Request, res: Response, row: ProviderRow, input: StartInput): Promise<string> => {
    const { workspace } = portalContext(res);
    const { t } = portalI18n(res);
    const provider = providers.openIdProvider(row);
    if (!provider) {
      logger.error(`the client secret of identity provider ${row.id} cannot be opened: enter it again on its page`);
      throw new HttpError(503, t('singleSignOn:refused.unavailable'));
    }
    let authorization: Awaited<ReturnType<OpenId['authorizationUrl']>>;
    try {
      authorization = await openId.authorizationUrl(provider, redirectUri(res));
    } catch (err) {
      logger.error(`identity provider ${row.id} could not be discovered`, err);
      throw new HttpError(503, t('singleSignOn:refused.unavailable'));
    }
    await sessions.awaitStep(req, 'pendingSingleSignOns', workspace.id, {
      workspaceId: workspace.id,
      providerId: row.id,
      ...authorization.checks,
      ...(input.next ? { next: input.next } : {}),
      startedAt: now().toISOString(),
    });
    return authorization.url.href;
  };

  /**
   * A SAML sign-in's AuthnRequest address, the request kept in the database for its answer
   * (samlSignIn); the answer asked at the consumer service of the host the person is on.
   */
  const startSaml = async (req: Request, res: Response, row: ProviderRow, input: StartInput): Promise<string> => {
    const started = await saml.start(portalContext(res).workspace, row, consumerServiceAt(res, config.appUrl), input.next);
    if (!started) {
      logger.error(`SAML identity provider ${row.id} has no settings or the workspace key cannot be opened`);
      throw new HttpError(503, portalI18n(res).t('singleSignOn:refused.unavailable'));
    }
    // This browser's request, for the sign-in's last step to check (saml-handlers.ts); one per workspace.
    const workspaceId = portalContext(res).workspace.id;
    req.session.pendingSamlRequests = { ...req.session.pendingSamlRequests, [workspaceId]: started.requestId };
    return started.url;
  };

  return {
    start: async (req: Request, res: Response) => {
      const { workspace } = portalContext(res);
      const { t } = portalI18n(res);
      const limit = await limiter.consume(START_LIMIT, `${workspace.id}:${req.ip ?? 'unknown'}`);
      if (!limit.allowed) {
        res.set('Retry-After', String(limit.retryAfterSeconds));
        throw new HttpError(429, t('singleSignOn:refused.tooMany'));
      }
      const input = req.body as StartInput;
      const domain = input.email ? emailDomain(input.email) : null;
      const row = input.providerId
        ? await providers.find(workspace.id, input.providerId)
        : domain
          ? await providers.forDomain(workspace.id, domain)
          : null;
      if (!row?.enabled)
        throw new HttpError(
          input.providerId ? 404 : 400,
          t(input.providerId ? 'singleSignOn:refused.noProvider' : 'singleSignOn:refused.noDomain'),
        );
      const url = row.protocol === 'saml' ? await startSaml(req, res, row, input) : await startOpenId(req, res, row, input);
      // A form's redirect to another origin is blocked by the portal's CSP (form-action 'self'), so
      // the browser is sent on by a navigation instead: htmx's full page load (HX-Redirect) for the
      // boosted form, and without JavaScript a page that moves on by itself (meta refresh) and
      // links there. Reloading it posts the form again, which only starts afresh.
      if (req.get('HX-Request') === 'true') {
        res.set('HX-Redirect', url);
        return res.status(204).end();
      }
      renderPortalPage(req, res, 'single-sign-on/continue', t('singleSignOn:continue.title', { name: row.display_name }), {
        url,
        name: row.display_name,
      });
    },

    callback: async (req: Request, res: Response) => {
      const { workspace } = portalContext(res);
      // Taken out first: whatever happens next, this state, nonce and verifier are never tried again.
      // Only this workspace's: a sign-on under way at another workspace of the portal (same session
      // cookie) is not this callback's to use up.
      const pending = await sessions.takeStep(req, 'pendingSingleSignOns', workspace.id);
      const fresh = pending && now().getTime() - Date.parse(pending.startedAt) < PENDING_MINUTES * 60_000;
      if (!pending || !fresh) {
        await logFailure(req, workspace, { reason: pending ? 'expired' : 'no_sign_in_under_way' });
        return refusedAt(res, 'expired', pending?.providerId);
      }
      const query = res.locals.query as CallbackInput;
      if (query.error) {
        await logFailure(req, workspace, { providerId: pending.providerId, reason: 'provider_error', error: query.error });
        return refusedAt(res, 'cancelled', pending.providerId);
      }
      const row = await providers.find(workspace.id, pending.providerId);
      const provider = row?.enabled && row.protocol === 'oidc' ? providers.openIdProvider(row) : null;
      if (!row || !provider) return refusedAt(res, 'expired');
      // The address exactly as registered, with what the provider added: the library sends it back
      // to the provider as the redirect_uri of the code it exchanges.
      const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
      let claims: Awaited<ReturnType<OpenId['verifiedClaims']>>;
      try {
        claims = await openId.verifiedClaims(provider, new URL(`${redirectUri(res)}${search}`), pending);
      } catch (err) {
        const code = (err as { code?: unknown; error?: unknown }).error ?? (err as { code?: unknown }).code;
        await logFailure(req, workspace, {
          providerId: row.id,
          reason: 'provider_answer',
          error: typeof code === 'string' ? code : 'invalid',
        });
        return refusedAt(res, 'failed', row.id);
      }
      const matched = await matcher.match(workspace, row, claims, requestMeta(req));
      if (!matched.ok) return refusedAt(res, matched.reason === 'unverified_email' ? 'unverifiedEmail' : 'noAccount', row.id);
      await completeSignIn(req, res, matched.user, pending.next, 'sso', {
        secondFactorDone: matched.secondFactorDone,
        details: { singleSignOnProviderId: row.id },
      });
    },

    /**
     * Where a refused callback lands: what happened, in words, with the status that says it (400 for
     * a sign-in to start again, 403 for an answer the portal will not take), and "Try again" with
     * the same provider where it is still one of this workspace's, else the sign-in page.
     */
    refused: async (_req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { t } = portalI18n(res);
      const { reason, provider: providerId } = res.locals.query as RefusedInput;
      const row = providerId ? await providers.find(workspace.id, providerId) : null;
      renderPortalPage(
        res.req,
        res,
        'single-sign-on/refused',
        t('singleSignOn:refusedPage.title'),
        {
          message: t(`singleSignOn:refused.${reason}`),
          retry: row?.enabled ? { action: `${base}/sign-in/sso`, providerId: row.id, label: t('singleSignOn:refusedPage.retry') } : null,
          signIn: `${base}/sign-in`,
        },
        REFUSAL_STATUS[reason],
      );
    },

    /** The sign-in page's part: the bound providers' buttons, and after a sign-out the provider's own. */
    async signInOptions(res: Response, signedOutOf: string | null): Promise<SignInOptions> {
      const { workspace, base } = portalContext(res);
      const { t } = portalI18n(res);
      const { buttons } = await providers.directory(workspace.id);
      const options: SignInOptions = {
        providers: buttons.map((button) => ({ id: button.id, label: t('singleSignOn:signIn.with', { name: button.displayName }) })),
        action: buttons.length > 0 ? `${base}/sign-in/sso` : null,
        endSession: null,
      };
      const providerId = signedOutOf ? ProviderIdParam.safeParse(signedOutOf) : null;
      if (providerId?.success) {
        const row = await providers.find(workspace.id, providerId.data);
        const provider = row?.protocol === 'oidc' ? providers.openIdProvider(row) : null;
        const url = provider ? await openId.endSessionUrl(provider, portalUrl(res, '/sign-in')) : null;
        if (row && url) options.endSession = { url, label: t('singleSignOn:signOut.alsoAt', { name: row.display_name }) };
      }
      return options;
    },

    /** False for the people of a company that signs in only through its identity provider. */
    async passwordAndCodeAllowed(workspaceId: string, user: ClientUserRow): Promise<boolean> {
      return !(await providers.directory(workspaceId)).ssoOnly.has(user.client_id);
    },
  };
}

export type SingleSignOnHandlers = ReturnType<typeof createSingleSignOnHandlers>;
