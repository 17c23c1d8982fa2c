// Staff sign-in and sign-out with a CRM account, and the guard in front of the portal's staff
// routers. POST/redirect/GET: a successful sign-in or sign-out answers 303, so a reload never
// sends the password again.
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Knex } from 'knex';
import { RateLimiter, type CustomerPortal, type HostAdapter, type LimitRule } from '../../src/index.ts';
import { SECOND_FACTOR_NEEDED, type StandaloneHost } from './binding.ts';
import { renderSignIn, renderStaffError, requestLocale, STAFF_PATHS, type StaffPageLocals } from './staff-pages.ts';
import {
  SIGN_IN_CSRF_COOKIE,
  STAFF_SESSION_COOKIE,
  sessionStaff,
  signInCsrfToken,
  signInSession,
  signOutSession,
  staffCsrfToken,
  validCsrf,
} from './staff-session.ts';

/** Control characters (NUL among them) are in no login, and PostgreSQL refuses NUL in text. */
const isControl = (char: string) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f;
const withoutControls = (text: string) => [...text].filter((char) => !isControl(char)).join('');

const signInForm = z.object({
  login: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .refine((login) => ![...login].some(isControl)),
  password: z.string().min(1).max(200),
  /** The authenticator code, for a CRM account with a second factor; empty otherwise. */
  code: z.string().trim().max(16).optional(),
});

// Guessing passwords: 10 tries per account and 30 per address in 15 minutes. An account is counted
// whichever way it was named (its login or its email: one budget, not one per name); a login that
// names no account is counted by what was typed, so guessing at unknown logins is held the same.
// A right password (and second factor) clears its account's count.
// The counters are the portal's own (portal_rate_limits), so they hold across every instance
// serving the CRM and across restarts.
const PER_ACCOUNT: LimitRule = { name: 'staff-sign-in:account', points: 10, windowSeconds: 15 * 60, blockSeconds: 15 * 60 };
const PER_LOGIN: LimitRule = { name: 'staff-sign-in:login', points: 10, windowSeconds: 15 * 60, blockSeconds: 15 * 60 };
const PER_ADDRESS: LimitRule = { name: 'staff-sign-in:ip', points: 30, windowSeconds: 15 * 60, blockSeconds: 15 * 60 };

async function withinLimits(limiter: RateLimiter, host: StandaloneHost, ip: string, login: string): Promise<boolean> {
  if (!(await limiter.consume(PER_ADDRESS, ip)).allowed) return false;
  const accounts = await host.staffAccountsFor(login);
  if (accounts.length === 0) return (await limiter.consume(PER_LOGIN, login.toLowerCase())).allowed;
  // An email several accounts share is an attempt at each of them.
  let allowed = true;
  for (const account of accounts) {
    if (!(await limiter.consume(PER_ACCOUNT, `${account.workspaceId}:${account.id}`)).allowed) allowed = false;
  }
  return allowed;
}

export interface StaffRoutesOptions {
  crmName: string;
  host: StandaloneHost;
  adapter: HostAdapter;
  /** The portal's database, where the sign-in limits count. */
  db: Knex;
  /** Whether cookies are sent over HTTPS only (as the staff session's). */
  secureCookies: boolean;
  /** Told of each sign-out, so the staff member's open live streams end with the session. */
  portal: Pick<CustomerPortal, 'staffSignedOut'>;
}

/** Lets a signed-in staff member through with the page locals the layout reads; sends anyone else to sign in. */
export function requireStaff(adapter: HostAdapter, crmName: string): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const staff = await adapter.staff.current(req);
      const workspace = staff ? await adapter.workspaces.findById(staff.workspaceId) : null;
      if (!staff || !workspace) {
        if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(303, STAFF_PATHS.signIn);
        return res
          .status(401)
          .type('html')
          .send(renderStaffError(req, crmName, requestLocale(req).t('staffSignIn:signInRequired')));
      }
      const locals: StaffPageLocals = { staff, workspace, csrfToken: staffCsrfToken(req) };
      res.locals.standaloneStaff = locals;
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function staffRoutes(options: StaffRoutesOptions): Router {
  const { crmName, host, adapter } = options;
  const limiter = new RateLimiter(options.db);
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 10 });

  const showSignIn = (
    req: Request,
    res: Response,
    status: number,
    extra: { login?: string; error?: string; notice?: string; askCode?: boolean } = {},
  ) =>
    res
      .status(status)
      .type('html')
      .send(renderSignIn(req, { crmName, csrfToken: signInCsrfToken(req, res, options.secureCookies), ...extra }));

  router.get(STAFF_PATHS.signIn, async (req, res, next) => {
    try {
      if (sessionStaff(req) && (await adapter.staff.current(req))) return res.redirect(303, STAFF_PATHS.home);
      const notice = req.query.signedOut === '1' ? requestLocale(req).t('staffSignIn:signedOut') : undefined;
      showSignIn(req, res, 200, notice ? { notice } : {});
    } catch (err) {
      next(err);
    }
  });

  router.post(STAFF_PATHS.signIn, form, async (req, res, next) => {
    try {
      const { t } = requestLocale(req);
      if (!validCsrf(req)) return showSignIn(req, res, 403, { error: t('staffSignIn:expired') });
      const parsed = signInForm.safeParse(req.body);
      const typedLogin = typeof req.body?.login === 'string' ? withoutControls(req.body.login.slice(0, 255)) : '';
      if (!parsed.success) return showSignIn(req, res, 400, { login: typedLogin, error: t('staffSignIn:missing') });
      const { login, password, code } = parsed.data;
      if (!(await withinLimits(limiter, host, req.ip ?? 'unknown', login)))
        return showSignIn(req, res, 429, { login, error: t('staffSignIn:limited') });
      const staff = await host.signInStaff(login, password, code || undefined);
      if (staff === SECOND_FACTOR_NEEDED)
        return showSignIn(req, res, 401, { login, error: t('staffSignIn:secondFactor', { crm: crmName }), askCode: true });
      if (!staff) return showSignIn(req, res, 401, { login, error: t('staffSignIn:invalid', { crm: crmName }) });
      // The account's own count starts again; a second factor still to come kept it counting.
      await limiter.reset(PER_ACCOUNT, `${staff.workspaceId}:${staff.id}`);
      await signInSession(req, staff);
      res.clearCookie(SIGN_IN_CSRF_COOKIE, { path: STAFF_PATHS.signIn });
      res.redirect(303, STAFF_PATHS.home);
    } catch (err) {
      next(err);
    }
  });

  router.post(STAFF_PATHS.signOut, form, async (req, res, next) => {
    try {
      if (!validCsrf(req))
        return res
          .status(403)
          .type('html')
          .send(renderStaffError(req, crmName, requestLocale(req).t('staffSignIn:expired')));
      const signedIn = sessionStaff(req);
      await signOutSession(req);
      if (signedIn) await options.portal.staffSignedOut({ workspaceId: signedIn.workspaceId, id: signedIn.staffId });
      res.clearCookie(STAFF_SESSION_COOKIE, { path: '/' });
      res.redirect(303, `${STAFF_PATHS.signIn}?signedOut=1`);
    } catch (err) {
      next(err);
    }
  });

  // The staff home: admins to the portal's settings, everyone else to the client messages.
  router.get(STAFF_PATHS.home, requireStaff(adapter, crmName), (_req, res) => {
    const locals = res.locals.standaloneStaff as StaffPageLocals;
    res.redirect(303, locals.staff.role === 'admin' ? STAFF_PATHS.admin : STAFF_PATHS.messages);
  });
  router.get('/', (_req, res) => res.redirect(303, STAFF_PATHS.home));
  return router;
}
