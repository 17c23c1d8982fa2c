// Who is signed in to the CRM. loadStaff runs on every request after the session; requireStaff
// guards staff pages (and is handed to plugins) and sends anonymous visitors to the sign-in page.
import type { Request, RequestHandler, Response } from 'express';
import type { Knex } from 'knex';
import { findStaffWithWorkspace, type StaffRole } from '../queries/staff-users.ts';
import { ensureCsrfToken } from './csrf.ts';
import { crmSession, readStaffUser } from './session.ts';

export interface StaffContext {
  id: number;
  workspaceId: number;
  workspaceSlug: string;
  workspaceName: string;
  name: string;
  email: string;
  role: StaffRole;
}

const LOCALS_KEY = 'crmStaff';

export function loadStaff(db: Knex): RequestHandler {
  return async (req, res, next) => {
    const signedIn = readStaffUser(req);
    if (signedIn === null) return next();
    const row = await findStaffWithWorkspace(db, signedIn);
    if (!row) {
      // The staff user was removed while signed in: forget them rather than fail every page.
      const session = crmSession(req);
      if (session) {
        delete session.staffUserId;
        delete session.staffWorkspaceId;
      }
      return next();
    }
    const staff: StaffContext = {
      id: row.id,
      workspaceId: row.workspace_id,
      workspaceSlug: row.workspace_slug,
      workspaceName: row.workspace_name,
      name: row.name,
      email: row.email,
      role: row.role,
    };
    res.locals[LOCALS_KEY] = staff;
    res.locals.csrfToken = ensureCsrfToken(req);
    next();
  };
}

export function currentStaff(res: Response): StaffContext | null {
  return (res.locals[LOCALS_KEY] as StaffContext | undefined) ?? null;
}

/** For handlers behind requireStaff. */
export function staffOf(res: Response): StaffContext {
  const staff = currentStaff(res);
  if (!staff) throw new Error('staffOf() used on a route without requireStaff');
  return staff;
}

/** A same-site path to return to after sign-in; anything else (//evil, http://...) becomes '/'. */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 500) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f\\]/.test(value)) return '/';
  return value;
}

/**
 * The page to come back to after signing in: the page itself for a GET; for a form (its session
 * ended in another tab) the same-origin page it was sent from, since its POST address has no page.
 */
function returnPath(req: Request): string {
  if (req.method === 'GET') return safeReturnPath(req.originalUrl);
  // htmx names the page it sent from; a plugin's pages may send no Referer.
  for (const from of [req.get('hx-current-url'), req.get('referer')]) {
    if (!from) continue;
    try {
      const url = new URL(from);
      if (url.host === req.get('host')) return safeReturnPath(`${url.pathname}${url.search}`);
    } catch {
      // not a URL: try the next source
    }
  }
  return '/';
}

export const requireStaff: RequestHandler = (req: Request, res: Response, next) => {
  if (currentStaff(res)) return next();
  const back = returnPath(req);
  res.redirect(303, back === '/' ? '/signin' : `/signin?next=${encodeURIComponent(back)}`);
};
