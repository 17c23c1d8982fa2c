// The client's SAML endpoints. The assertion consumer service (`POST /saml/acs`) is the identity
// provider's form post: it comes from the provider's origin, so it carries no CSRF token and, the
// portal's cookies being SameSite=Lax, no session either; it is mounted with the providers'
// callbacks (before the session and the CSRF check) and proven by its signature alone. Accepted,
// it moves the browser on (303) to `GET /sign-in/sso/saml/continue` with a one-use token: a page
// of the portal's own whose button posts the token back same-site, where the Lax cookies (session,
// CSRF) do come along, so the sign-in completes in the visitor's own session (the account feature's
// completion, as for OpenID Connect). Refused, it moves on to the
// refusal page, and the log keeps the reason. The metadata (`GET /saml/metadata`) is public: the
// identity provider may read it by its address. At a workspace's custom domain the consumer
// service is that domain's (`https://portal.agency.com/saml/acs`): an answer is checked as
// addressed to the host it was posted to, and its sign-in completes there, with that host's
// session cookie (saml-sign-in.ts says which address is which).
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import {
  findClientUserById,
  HttpError,
  insertActivity,
  type LimitRule,
  type PortalConfig,
  portalContext,
  portalI18n,
  publishedOriginOf,
  type RateLimiter,
  renderPortalPage,
  requestMeta,
} from '../../core/index.ts';
import type { CompleteSignIn } from '../account/index.ts';
import type { AcsInput, CallbackRefusal, SamlContinueInput } from './commands.ts';
import { ACS_PATH, type AcsRefusal, type SamlSignIn } from './saml-sign-in.ts';

/** Posts to the consumer service and continues per visitor address and workspace. */
const SAML_LIMIT: LimitRule = { name: 'saml:ip', points: 60, windowSeconds: 5 * 60, blockSeconds: 5 * 60 };
/** A SAML response with an encrypted, signed assertion is a few kilobytes; this leaves room for long certificate chains. */
const ACS_BODY_LIMIT = '96kb';

/**
 * The consumer service at the host this request came in at (the workspace's custom domain, or the
 * portal's own address), written as the metadata lists it: an AuthnRequest asks for it, and an
 * answer posted here must be addressed to it. Not the scheme and port the request reports (a
 * proxy may say http for a browser's https): the identity provider knows the metadata's.
 */
export const consumerServiceAt = (res: Response, appUrl: string) =>
  `${publishedOriginOf(res.req, appUrl)}${portalContext(res).base}${ACS_PATH}`;

/** What the refusal page says for each reason the log keeps. */
function pageReason(reason: AcsRefusal): CallbackRefusal {
  if (['no_account', 'other_company', 'domain_not_bound', 'disabled', 'no_email'].includes(reason)) return 'noAccount';
  if (reason === 'unverified_email') return 'unverifiedEmail';
  if (reason === 'expired' || reason === 'unknown_request') return 'expired';
  return 'failed';
}

export function createSamlHandlers(deps: {
  db: Knex;
  config: Pick<PortalConfig, 'appUrl'>;
  saml: SamlSignIn;
  limiter: RateLimiter;
  completeSignIn: CompleteSignIn;
}) {
  const { db, config, saml, limiter, completeSignIn } = deps;
  const consumerServiceHere = (res: Response) => consumerServiceAt(res, config.appUrl);
  const parseForm = express.urlencoded({ extended: false, limit: ACS_BODY_LIMIT, parameterLimit: 10 });

  const refusedAt = (res: Response, reason: CallbackRefusal, providerId: string | null) => {
    const query = new URLSearchParams({ reason, ...(providerId ? { provider: providerId } : {}) });
    res.redirect(303, `${portalContext(res).base}/sign-in/sso/refused?${query}`);
  };

  const logFailure = (req: Request, res: Response, details: Record<string, unknown>) => {
    const meta = requestMeta(req);
    return insertActivity(db, {
      workspaceId: portalContext(res).workspace.id,
      event: 'sign_in.failed',
      clientUserId: null,
      clientId: null,
      email: null,
      details: { method: 'sso', protocol: 'saml', ...details },
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
  };

  const limited = async (req: Request, res: Response) => {
    const limit = await limiter.consume(SAML_LIMIT, `${portalContext(res).workspace.id}:${req.ip ?? 'unknown'}`);
    if (limit.allowed) return false;
    res.set('Retry-After', String(limit.retryAfterSeconds));
    throw new HttpError(429, portalI18n(res).t('singleSignOn:refused.tooMany'));
  };

  return {
    /** The consumer service's own body parser: the callbacks' routes come before the portal's, and a form past its cap is a 413 that says so. */
    acsBody: (req: Request, res: Response, next: NextFunction) =>
      parseForm(req, res, (err?: unknown) => {
        if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
          res.set('Connection', 'close');
          return next(new HttpError(413, portalI18n(res).t('singleSignOn:refused.tooLarge')));
        }
        next(err);
      }),

    acs: async (req: Request, res: Response) => {
      await limited(req, res);
      const { SAMLResponse } = req.body as AcsInput;
      const result = await saml.accept(portalContext(res).workspace, consumerServiceHere(res), SAMLResponse, requestMeta(req));
      if (!result.ok) {
        if (!result.logged)
          await logFailure(req, res, {
            reason: result.reason,
            ...(result.providerId ? { providerId: result.providerId } : {}),
            ...(result.detail ? { detail: result.detail } : {}),
          });
        return refusedAt(res, pageReason(result.reason), result.providerId);
      }
      res.redirect(303, `${portalContext(res).base}/sign-in/sso/saml/continue?${new URLSearchParams({ handoff: result.token })}`);
    },

    /**
     * The page the consumer service moves the browser to. A GET starts no session (portal-sessions:
     * a read without the cookie stores nothing), and a link should not sign anyone in by being
     * fetched, so it only shows a button whose form posts the token back, same-site, with a CSRF
     * token like every anonymous form.
     */
    showContinue: (req: Request, res: Response) => {
      const { t } = portalI18n(res);
      const { handoff } = res.locals.query as SamlContinueInput;
      renderPortalPage(req, res, 'single-sign-on/saml-continue', t('singleSignOn:samlContinue.title'), {
        action: `${portalContext(res).base}/sign-in/sso/saml/continue`,
        handoff,
      });
    },

    continue: async (req: Request, res: Response) => {
      await limited(req, res);
      const { workspace } = portalContext(res);
      const { handoff } = req.body as SamlContinueInput;
      const taken = await saml.takeHandoff(workspace.id, handoff);
      const user = taken ? await findClientUserById(db, workspace.id, taken.client_user_id) : null;
      if (!taken || !user) {
        await logFailure(req, res, { reason: 'handoff_unknown' });
        return refusedAt(res, 'expired', null);
      }
      // Started at the portal: only the browser that sent the request finishes it (a sign-in
      // carried to someone else's browser would sign them in as another person).
      if (taken.request_id && req.session?.pendingSamlRequests?.[workspace.id] !== taken.request_id) {
        await logFailure(req, res, { reason: 'other_browser', providerId: taken.provider_id });
        return refusedAt(res, 'expired', taken.provider_id);
      }
      if (req.session?.pendingSamlRequests) delete req.session.pendingSamlRequests[workspace.id];
      await completeSignIn(req, res, user, taken.next ?? undefined, 'sso', {
        secondFactorDone: false,
        details: { singleSignOnProviderId: taken.provider_id },
      });
    },

    /** The same at every host: the one entity id, and every consumer service of the workspace. */
    metadata: async (_req: Request, res: Response) => {
      const metadata = await saml.metadata(portalContext(res).workspace);
      if (!metadata) throw new HttpError(503, portalI18n(res).t('singleSignOn:refused.unavailable'));
      res.type('application/samlmetadata+xml').set('Cache-Control', 'no-cache').send(metadata);
    },
  };
}

export type SamlHandlers = ReturnType<typeof createSamlHandlers>;
