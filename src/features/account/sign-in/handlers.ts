// Request handlers for signing in and out. Each handler gets input that its route already
// validated; invalid input re-renders the same form with a 400 through the `show*` renderers,
// keeping what was typed (never a password). A form answered in place tells htmx to show the
// form's own GET address, so a reload or a bookmark never lands on a POST-only path; a limit
// names the time to try again and, on the sign-in page, leaves the other method one click away.
import type { NextFunction, Request, Response } from 'express';
import {
  type ClientUserRow,
  type FieldErrors,
  formAnswerStatus,
  HttpError,
  notFound,
  portalContext,
  portalI18n,
  LOCALE_NAMES,
  type Locale,
  rememberChosenLocale,
  renderPortalPage,
  requestMeta,
  safeNext,
  type SessionLifecycle,
  signInMethods,
  SUPPORTED_LOCALES,
  tooManyRequests,
} from '../../../core/index.ts';
import type { AuthService } from './auth-service.ts';
import type {
  ChooseLanguageInput,
  ForgotPasswordInput,
  PasswordSignInInput,
  RequestCodeInput,
  SetPasswordInput,
  VerifyCodeInput,
} from './commands.ts';
import type { PasswordAuthenticator } from './password-strategy.ts';

const NOTICES = new Set(['signed-out', 'password-reset']);
/** Why a passkey sign-in came back to the page (passkeys/handlers.ts sends the reason in the address). */
const PASSKEY_REFUSALS = new Set(['failed', 'expired', 'singleSignOnOnly']);

/** What the form showed: the posted email and `next`, or `next` from the address on a GET. */
function formValues(req: Request): Record<string, string> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const key of ['email', 'next']) if (typeof body[key] === 'string') values[key] = (body[key] as string).slice(0, 320);
  if (!values.next && typeof req.query.next === 'string') values.next = req.query.next.slice(0, 500);
  return values;
}

/** The chooser's languages, each named in itself, the page's own marked as current. */
function languageChoices(current: Locale) {
  return SUPPORTED_LOCALES.map((code) => ({ code, name: LOCALE_NAMES[code], current: code === current }));
}

function rateLimited(res: Response, retryAfterSeconds: number): never {
  throw tooManyRequests(retryAfterSeconds, portalI18n(res).t);
}

/** Where a form answered in place should appear to be: its GET page, with `next` kept. */
function showAddress(req: Request, res: Response, path: string, next?: string): void {
  if (req.get('HX-Request') !== 'true') return;
  res.set('HX-Replace-Url', `${portalContext(res).base}${path}${next ? `?next=${encodeURIComponent(next)}` : ''}`);
}

/** "at 10:42 (in 15 minutes)" in the reader's language and time zone. */
function retryWords(res: Response, retryAfterSeconds: number, now: Date) {
  const { t, fmt } = portalI18n(res);
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  const wait = seconds < 60 ? t('common:wait.seconds', { count: seconds }) : t('common:wait.minutes', { count: Math.ceil(seconds / 60) });
  return { time: fmt.time(new Date(now.getTime() + seconds * 1000)), wait };
}
/** Told each sign-in attempt's outcome (for the operator's metrics). */
type SignInRecorder = (method: 'password' | 'code' | 'reset' | 'invitation', outcome: 'success' | 'failure' | 'limited') => void;

/** Ends a right first factor: signs the client in, or asks for their second factor first. */
export type CompleteSignIn = (
  req: Request,
  res: Response,
  user: ClientUserRow,
  next: string | undefined,
  method: 'password' | 'code' | 'link',
) => Promise<void>;

/** What the sign-in page offers besides the password and the code (single sign-on, where a workspace set it up). */
export interface SignInOptions {
  /** "Sign in with <label>" buttons, each posting `providerId` to `action`. */
  providers: Array<{ id: string; label: string }>;
  /** Where an email or a provider button starts a single sign-on; null without any provider. */
  action: string | null;
  /** After a sign-out from a single sign-on: the provider's own sign-out, offered as a link. */
  endSession: { label: string; url: string } | null;
}

/**
 * The sign-in's questions for single sign-on, answered by that feature where the portal has it:
 * the page's options, and whether a client's company still allows passwords and codes.
 */
export interface SingleSignOnHooks {
  signInOptions(res: Response, signedOutOf: string | null): Promise<SignInOptions>;
  /** False when the person's company signs in only through its identity provider. */
  passwordAndCodeAllowed(workspaceId: string, user: ClientUserRow): Promise<boolean>;
}

const NO_OPTIONS: SignInOptions = { providers: [], action: null, endSession: null };

export interface AuthHandlerHooks {
  completeSignIn?: CompleteSignIn;
  /** Where and how the language chosen on the sign-in page is kept (the portal's cookie settings). */
  languageCookie?: { portalPath: string; secure: boolean };
  recordSignIn?: SignInRecorder;
  singleSignOn?: SingleSignOnHooks;
}

export function createAuthHandlers(
  auth: AuthService,
  authenticatePassword: PasswordAuthenticator,
  sessions: SessionLifecycle,
  now: () => Date = () => new Date(),
  hooks: AuthHandlerHooks = {},
) {
  const recordSignIn: SignInRecorder = hooks.recordSignIn ?? (() => {});
  const languageCookie = hooks.languageCookie ?? { portalPath: '/portal', secure: false };
  const completeSignIn: CompleteSignIn =
    hooks.completeSignIn ??
    (async (req, res, user, next, method) => {
      await auth.signInCompleted(portalContext(res).workspace, user, method, requestMeta(req));
      await sessions.start(req, user);
      res.redirect(303, safeNext(portalContext(res).base, next));
    });
  // A company that signs in only through its identity provider: a right password, code or link
  // does not sign its people in. Said only after the first factor was right, so it tells no more
  // about who has an account than a successful sign-in would.
  const signedIn: CompleteSignIn = async (req, res, user, next, method) => {
    const { workspace } = portalContext(res);
    if (hooks.singleSignOn && !(await hooks.singleSignOn.passwordAndCodeAllowed(workspace.id, user))) {
      await auth.logSignInRefused(workspace, user, method, 'single_sign_on_only', requestMeta(req));
      return showSignIn(req, res, {}, 403, portalI18n(res).t('auth:signIn.singleSignOnOnly'));
    }
    await completeSignIn(req, res, user, next, method);
  };
  const showSignIn = async (req: Request, res: Response, errors: FieldErrors = {}, status?: number, alert: string | null = null) => {
    const { settings } = portalContext(res);
    const signedOutOf = req.query.notice === 'signed-out' && typeof req.query.provider === 'string' ? req.query.provider : null;
    const singleSignOn = hooks.singleSignOn ? await hooks.singleSignOn.signInOptions(res, signedOutOf) : NO_OPTIONS;
    const { t } = portalI18n(res);
    const values = formValues(req);
    const notice =
      typeof req.query.notice === 'string' && NOTICES.has(req.query.notice) ? t(`auth:signIn.notices.${req.query.notice}`) : null;
    if (req.method === 'POST') showAddress(req, res, '/sign-in', values.next);
    const passkeyRefusal =
      req.method === 'GET' && typeof req.query.passkey === 'string' && PASSKEY_REFUSALS.has(req.query.passkey)
        ? t(`passkeys:signIn.${req.query.passkey}`)
        : null;
    renderPortalPage(
      req,
      res,
      'auth/sign-in',
      t('auth:signIn.title'),
      {
        methods: signInMethods(settings),
        values,
        errors,
        alert: alert ?? passkeyRefusal,
        notice,
        singleSignOn,
        languages: languageChoices(portalI18n(res).locale),
        // The passkey button's scripts.
        assets: portalContext(res).assets,
      },
      formAnswerStatus(req, status ?? res.statusCode),
    );
  };

  const showCodeForm = (
    req: Request,
    res: Response,
    errors: FieldErrors = {},
    status?: number,
    sent = false,
    alert: string | null = null,
  ) => {
    const values = formValues(req);
    if (req.method === 'POST') showAddress(req, res, '/sign-in/code', values.next);
    renderPortalPage(
      req,
      res,
      'auth/code',
      portalI18n(res).t('auth:code.title'),
      { values, errors, sent, alert },
      formAnswerStatus(req, status ?? res.statusCode),
    );
  };

  /** The sign-in page at 429, naming when to retry and offering the other method if there is one. */
  const limitedSignIn = (req: Request, res: Response, retryAfterSeconds: number, other: boolean) => {
    const words = retryWords(res, retryAfterSeconds, now());
    res.set('Retry-After', String(Math.max(1, Math.ceil(retryAfterSeconds))));
    return showSignIn(req, res, {}, 429, portalI18n(res).t(other ? 'auth:signIn.limitedOther' : 'auth:signIn.limited', words));
  };

  /** The set-password form of a reset or invite link; a link used or expired is gone (410). */
  const setPasswordForm = async (req: Request, res: Response, purpose: 'reset' | 'invite', errors: FieldErrors, status = 200) => {
    const { t } = portalI18n(res);
    const user = await auth.findLinkUser(portalContext(res).workspace, purpose, String(req.params.token));
    if (!user) throw new HttpError(410, t('auth:setPassword.expired'));
    renderPortalPage(
      req,
      res,
      'auth/set-password',
      purpose === 'reset' ? t('auth:setPassword.resetTitle') : t('auth:setPassword.inviteTitle'),
      { purpose, email: user.email, errors },
      status,
    );
  };

  return {
    /** A sign-in method the workspace switched off does not exist. */
    requireMethod: (method: 'code' | 'password') => (_req: Request, res: Response, next: NextFunction) => {
      if (!signInMethods(portalContext(res).settings)[method]) return next(notFound());
      next();
    },

    showSignIn: async (req: Request, res: Response) => {
      if (portalContext(res).client) {
        const next = typeof req.query.next === 'string' ? req.query.next : undefined;
        return res.redirect(303, safeNext(portalContext(res).base, next));
      }
      await showSignIn(req, res);
    },
    invalidSignIn: (req: Request, res: Response, errors: FieldErrors) => showSignIn(req, res, errors, 400),

    /** The sign-in page's language chooser: kept on this browser, then the page again in it. */
    chooseLanguage: (req: Request, res: Response) => {
      const input = req.body as ChooseLanguageInput;
      rememberChosenLocale(req, res, input.locale, languageCookie);
      res.redirect(303, `${portalContext(res).base}/sign-in${input.next ? `?next=${encodeURIComponent(input.next)}` : ''}`);
    },
    invalidLanguage: (req: Request, res: Response) => showSignIn(req, res, {}, 400, portalI18n(res).t('auth:signIn.languages.invalid')),

    /** The sign-in form posts here; a reload or a bookmark of the address lands on the form. */
    toSignIn: (req: Request, res: Response) => {
      const next = typeof req.query.next === 'string' ? req.query.next.slice(0, 500) : undefined;
      res.redirect(303, `${portalContext(res).base}/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    },
    toCodeForm: (req: Request, res: Response) => {
      const next = typeof req.query.next === 'string' ? req.query.next.slice(0, 500) : undefined;
      res.redirect(303, `${portalContext(res).base}/sign-in/code${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    },

    requestCode: async (req: Request, res: Response) => {
      const input = req.body as RequestCodeInput;
      const result = await auth.requestCode(portalContext(res).workspace, input.email, requestMeta(req), portalI18n(res).locale);
      if (!result.ok) {
        const other = signInMethods(portalContext(res).settings).password;
        if (other) return limitedSignIn(req, res, result.retryAfterSeconds, false);
        rateLimited(res, result.retryAfterSeconds);
      }
      showCodeForm(req, res, {}, 200, true);
    },

    showCodeForm: (req: Request, res: Response) => {
      showCodeForm(req, res);
    },
    invalidCode: (req: Request, res: Response, errors: FieldErrors) => showCodeForm(req, res, errors, 400),

    verifyCode: async (req: Request, res: Response) => {
      const input = req.body as VerifyCodeInput;
      const { workspace } = portalContext(res);
      const result = await auth.signInWithCode(workspace, input.email, input.code, requestMeta(req));
      recordSignIn('code', result.ok ? 'success' : result.reason === 'limited' ? 'limited' : 'failure');
      if (!result.ok && result.reason === 'limited') {
        return showCodeForm(
          req,
          res,
          {},
          429,
          false,
          portalI18n(res).t('auth:code.limited', retryWords(res, result.retryAfterSeconds, now())),
        );
      }
      if (!result.ok) return showCodeForm(req, res, { code: portalI18n(res).t('auth:code.invalid') }, 401);
      await signedIn(req, res, result.user, input.next, 'code');
    },

    signInWithPassword: async (req: Request, res: Response) => {
      const input = req.body as PasswordSignInInput;
      const result = await authenticatePassword(req, res);
      recordSignIn('password', result.ok ? 'success' : result.reason === 'limited' ? 'limited' : 'failure');
      if (!result.ok && result.reason === 'limited') {
        return limitedSignIn(req, res, result.retryAfterSeconds, signInMethods(portalContext(res).settings).code);
      }
      if (!result.ok && result.reason === 'host_sign_in')
        return showSignIn(req, res, { password: portalI18n(res).t('auth:signIn.hostSignInOnly') }, 403);
      if (!result.ok) return showSignIn(req, res, { password: portalI18n(res).t('auth:signIn.invalidPassword') }, 401);
      await signedIn(req, res, result.user, input.next, 'password');
    },

    showForgot: (req: Request, res: Response) => {
      renderPortalPage(req, res, 'auth/forgot', portalI18n(res).t('auth:forgot.title'), { values: {}, errors: {}, sent: false });
    },
    invalidForgot: (req: Request, res: Response, errors: FieldErrors) => {
      showAddress(req, res, '/password/forgot');
      renderPortalPage(
        req,
        res,
        'auth/forgot',
        portalI18n(res).t('auth:forgot.title'),
        { values: formValues(req), errors, sent: false },
        formAnswerStatus(req, 400),
      );
    },

    requestReset: async (req: Request, res: Response) => {
      const input = req.body as ForgotPasswordInput;
      const result = await auth.requestPasswordReset(portalContext(res).workspace, input.email, requestMeta(req), portalI18n(res).locale);
      if (!result.ok) rateLimited(res, result.retryAfterSeconds);
      showAddress(req, res, '/password/forgot');
      renderPortalPage(req, res, 'auth/forgot', portalI18n(res).t('auth:forgot.sentTitle'), { values: {}, errors: {}, sent: true });
    },

    showSetPassword: (purpose: 'reset' | 'invite') => async (req: Request, res: Response) => setPasswordForm(req, res, purpose, {}),
    invalidSetPassword: (purpose: 'reset' | 'invite') => async (req: Request, res: Response, errors: FieldErrors) =>
      setPasswordForm(req, res, purpose, errors, formAnswerStatus(req, 400)),

    setPassword: (purpose: 'reset' | 'invite') => async (req: Request, res: Response) => {
      const input = req.body as SetPasswordInput;
      const { workspace, base } = portalContext(res);
      const user = await auth.setPasswordFromLink(workspace, purpose, String(req.params.token), input.password, requestMeta(req));
      recordSignIn(purpose === 'reset' ? 'reset' : 'invitation', user ? 'success' : 'failure');
      if (!user) throw new HttpError(410, portalI18n(res).t('auth:setPassword.expired'));
      // A link from an email is one factor: a client with two-factor is asked for the other.
      await signedIn(req, res, user, `${base}/`, 'link');
    },

    signOut: async (req: Request, res: Response) => {
      const { workspace, base, client } = portalContext(res);
      // Signed in through an identity provider: the signed-out page offers its own sign-out too.
      const provider = client ? req.session?.portal?.singleSignOnProviderId : undefined;
      if (client) await auth.logSignOut(workspace, client.user, requestMeta(req));
      await sessions.end(req);
      res.redirect(303, `${base}/sign-in?notice=signed-out${provider ? `&provider=${encodeURIComponent(provider)}` : ''}`);
    },
  };
}

export type AuthHandlers = ReturnType<typeof createAuthHandlers>;
