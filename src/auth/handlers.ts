// Request handlers for signing in and out. Each handler gets input that its route already
// validated; invalid input re-renders the same form with a 400 through the `show*` renderers.
import type { NextFunction, Request, Response } from 'express';
import { signInMethods } from '../policies/portal-policy.ts';
import type { SessionLifecycle } from '../sessions/session-lifecycle.ts';
import { HttpError, notFound, tooManyRequests } from '../web/http-error.ts';
import { portalContext, renderPortalPage } from '../web/portal-context.ts';
import { requestMeta } from '../web/request-meta.ts';
import type { FieldErrors } from '../web/validate.ts';
import type { AuthService } from './auth-service.ts';
import type { ForgotPasswordInput, PasswordSignInInput, RequestCodeInput, SetPasswordInput, VerifyCodeInput } from './commands.ts';
import { safeNext } from './safe-next.ts';
import type { PasswordAuthenticator } from './password-strategy.ts';

const INVALID_CODE = 'That code is not right, or it has expired. Check the latest email or ask for a new code.';
const INVALID_PASSWORD = 'That email and password do not match an account here. Check them, or sign in with a code.';
const SENT_IF_KNOWN = 'If that email belongs to a client account here, we have sent it a message.';

const NOTICES: Record<string, string> = {
  'signed-out': 'You have signed out.',
  'password-reset': 'Your password is set. You are signed in.',
};

function formValues(req: Request): Record<string, string> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const key of ['email', 'next']) if (typeof body[key] === 'string') values[key] = (body[key] as string).slice(0, 320);
  return values;
}

function rateLimited(retryAfterSeconds: number): never {
  throw tooManyRequests(retryAfterSeconds);
}

export function createAuthHandlers(auth: AuthService, authenticatePassword: PasswordAuthenticator, sessions: SessionLifecycle) {
  const showSignIn = (req: Request, res: Response, errors: FieldErrors = {}, status?: number, active?: 'code' | 'password') => {
    const { settings } = portalContext(res);
    const values = { ...formValues(req), ...(typeof req.query.next === 'string' ? { next: req.query.next.slice(0, 500) } : {}) };
    const notice = typeof req.query.notice === 'string' ? NOTICES[req.query.notice] ?? null : null;
    renderPortalPage(req, res, 'auth/sign-in', 'Sign in', { methods: signInMethods(settings), values, errors, active: active ?? null, notice }, status ?? res.statusCode);
  };

  const showCodeForm = (req: Request, res: Response, errors: FieldErrors = {}, status?: number, sent = false) => {
    renderPortalPage(req, res, 'auth/code', 'Enter your sign-in code', { values: formValues(req), errors, sent }, status ?? res.statusCode);
  };

  return {
    /** A sign-in method the workspace switched off does not exist. */
    requireMethod: (method: 'code' | 'password') => (_req: Request, res: Response, next: NextFunction) => {
      if (!signInMethods(portalContext(res).settings)[method]) return next(notFound());
      next();
    },

    showSignIn: (req: Request, res: Response) => {
      if (portalContext(res).client) {
        const next = typeof req.query.next === 'string' ? req.query.next : undefined;
        return res.redirect(303, safeNext(portalContext(res).base, next));
      }
      showSignIn(req, res);
    },
    invalidSignIn: (active: 'code' | 'password') => (req: Request, res: Response, errors: FieldErrors) => showSignIn(req, res, errors, 400, active),

    requestCode: async (req: Request, res: Response) => {
      const input = req.body as RequestCodeInput;
      const result = await auth.requestCode(portalContext(res).workspace, input.email, requestMeta(req));
      if (!result.ok) rateLimited(result.retryAfterSeconds);
      showCodeForm(req, res, {}, 200, true);
    },

    showCodeForm: (req: Request, res: Response) => {
      showCodeForm(req, res);
    },
    invalidCode: (req: Request, res: Response, errors: FieldErrors) => showCodeForm(req, res, errors, 400),

    verifyCode: async (req: Request, res: Response) => {
      const input = req.body as VerifyCodeInput;
      const { workspace, base } = portalContext(res);
      const result = await auth.signInWithCode(workspace, input.email, input.code, requestMeta(req));
      if (!result.ok && result.reason === 'limited') rateLimited(result.retryAfterSeconds);
      if (!result.ok) return showCodeForm(req, res, { code: INVALID_CODE }, 401);
      await sessions.start(req, result.user);
      res.redirect(303, safeNext(base, input.next));
    },

    signInWithPassword: async (req: Request, res: Response) => {
      const input = req.body as PasswordSignInInput;
      const { base } = portalContext(res);
      const result = await authenticatePassword(req, res);
      if (!result.ok && result.reason === 'limited') rateLimited(result.retryAfterSeconds);
      if (!result.ok) return showSignIn(req, res, { password: INVALID_PASSWORD }, 401, 'password');
      await sessions.start(req, result.user);
      res.redirect(303, safeNext(base, input.next));
    },

    showForgot: (req: Request, res: Response) => {
      renderPortalPage(req, res, 'auth/forgot', 'Reset your password', { values: {}, errors: {}, sent: false });
    },
    invalidForgot: (req: Request, res: Response, errors: FieldErrors) =>
      renderPortalPage(req, res, 'auth/forgot', 'Reset your password', { values: formValues(req), errors, sent: false }, 400),

    requestReset: async (req: Request, res: Response) => {
      const input = req.body as ForgotPasswordInput;
      const result = await auth.requestPasswordReset(portalContext(res).workspace, input.email, requestMeta(req));
      if (!result.ok) rateLimited(result.retryAfterSeconds);
      renderPortalPage(req, res, 'auth/forgot', 'Check your email', { values: {}, errors: {}, sent: true, message: SENT_IF_KNOWN });
    },

    showSetPassword: (purpose: 'reset' | 'invite') => async (req: Request, res: Response) => {
      const user = await auth.findLinkUser(portalContext(res).workspace, purpose, String(req.params.token));
      if (!user) throw new HttpError(410, 'This link has expired or was already used. Ask for a new one.');
      renderPortalPage(req, res, 'auth/set-password', purpose === 'reset' ? 'Choose a new password' : 'Welcome: set your password', { purpose, email: user.email, errors: {} });
    },
    invalidSetPassword: (purpose: 'reset' | 'invite') => async (req: Request, res: Response, errors: FieldErrors) => {
      const user = await auth.findLinkUser(portalContext(res).workspace, purpose, String(req.params.token));
      if (!user) throw new HttpError(410, 'This link has expired or was already used. Ask for a new one.');
      renderPortalPage(req, res, 'auth/set-password', 'Choose a password', { purpose, email: user.email, errors }, 400);
    },

    setPassword: (purpose: 'reset' | 'invite') => async (req: Request, res: Response) => {
      const input = req.body as SetPasswordInput;
      const { workspace, base } = portalContext(res);
      const user = await auth.setPasswordFromLink(workspace, purpose, String(req.params.token), input.password, requestMeta(req));
      if (!user) throw new HttpError(410, 'This link has expired or was already used. Ask for a new one.');
      await sessions.start(req, user);
      res.redirect(303, `${base}/`);
    },

    signOut: async (req: Request, res: Response) => {
      const { workspace, base, client } = portalContext(res);
      if (client) await auth.logSignOut(workspace, client.user, requestMeta(req));
      await sessions.end(req);
      res.redirect(303, `${base}/sign-in?notice=signed-out`);
    },
  };
}

export type AuthHandlers = ReturnType<typeof createAuthHandlers>;
