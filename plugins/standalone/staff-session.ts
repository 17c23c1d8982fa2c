// The standalone server's own staff session: the CRM's session lives in another process (PHP,
// Next.js) that this server cannot read, so staff sign in here with their CRM account and this
// cookie says who they are. It holds ids only; the staff row is read again on every request
// (StaffPort.current), so an account disabled in the CRM is signed out on its next click.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import type pg from 'pg';
import type { StandaloneStaff } from './binding.ts';
import { STAFF_PATHS } from './staff-pages.ts';
import { STAFF_SESSION_TABLE } from './queries/staff-sessions.ts';

export const STAFF_SESSION_COOKIE = 'portal_staff.sid';
/** The sign-in form's CSRF token before sign-in, as a cookie: an anonymous visit stores no session row. */
export const SIGN_IN_CSRF_COOKIE = 'portal_staff.csrf';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const EIGHT_HOURS_MS = 8 * 60 * 60 * 1000;

interface StaffSessionFields {
  staffId?: string;
  workspaceId?: string;
  csrfToken?: string;
  /** The CRM credentials' stamp at sign-in (StandaloneStaff.credentialStamp). */
  credentialStamp?: string;
}

type StaffSession = session.Session & StaffSessionFields;

export function createStaffSession(options: { pool: pg.Pool; secret: string[]; secureCookies: boolean }): RequestHandler {
  const PgStore = connectPgSimple(session);
  const store = new PgStore({ pool: options.pool, tableName: STAFF_SESSION_TABLE, createTableIfMissing: false, disableTouch: true });
  return session({
    name: STAFF_SESSION_COOKIE,
    secret: options.secret,
    store,
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.secureCookies, path: '/', maxAge: EIGHT_HOURS_MS },
  });
}

function staffSession(req: Request): StaffSession | undefined {
  return (req as Request & { session?: StaffSession }).session;
}

/** Who the session says is signed in (ids only; the caller checks the CRM still has them). */
export function sessionStaff(
  req: Request,
): { staffId: string; workspaceId: string; sessionId: string; credentialStamp: string | undefined } | null {
  const current = staffSession(req);
  if (!current?.staffId || !current.workspaceId) return null;
  return { staffId: current.staffId, workspaceId: current.workspaceId, sessionId: current.id, credentialStamp: current.credentialStamp };
}

const promisify = (run: (done: (error?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => run((error) => (error ? reject(error) : resolve())));

/** A fresh session id for the signed-in staff member, so a session fixed before sign-in is worthless after it. */
export async function signInSession(req: Request, staff: StandaloneStaff): Promise<void> {
  const current = staffSession(req);
  if (!current) throw new Error('The staff session middleware must run before sign-in.');
  await promisify((done) => current.regenerate(done));
  const fresh = staffSession(req)!;
  fresh.staffId = staff.id;
  fresh.workspaceId = staff.workspaceId;
  fresh.credentialStamp = staff.credentialStamp;
  fresh.csrfToken = randomBytes(32).toString('base64url');
  await promisify((done) => fresh.save(done));
}

export async function signOutSession(req: Request): Promise<void> {
  const current = staffSession(req);
  if (current) await promisify((done) => current.destroy(done));
}

/** The sign-in form's token sent back in its cookie, when well-formed. */
function signInCookieToken(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === SIGN_IN_CSRF_COOKIE && value && TOKEN.test(value)) return value;
  }
  return undefined;
}

/**
 * The sign-in form's CSRF token: the signed-in session's, or before sign-in a random token in a
 * cookie of its own that the form sends back (double submit). A session row is only stored once
 * someone signs in, so anonymous visits cost no storage.
 */
export function signInCsrfToken(req: Request, res: Response, secureCookies: boolean): string {
  const inSession = sessionStaff(req) ? staffSession(req)?.csrfToken : undefined;
  if (inSession) return inSession;
  const token = signInCookieToken(req) ?? randomBytes(32).toString('base64url');
  res.cookie(SIGN_IN_CSRF_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: secureCookies, path: STAFF_PATHS.signIn });
  return token;
}

/** The session's CSRF token, created on first use. */
export function staffCsrfToken(req: Request): string {
  const current = staffSession(req);
  if (!current) throw new Error('The staff session middleware must run before a CSRF token is issued.');
  current.csrfToken ??= randomBytes(32).toString('base64url');
  return current.csrfToken;
}

/** Whether a form sent back this session's token (`_csrf` field or X-CSRF-Token header). */
export function validCsrf(req: Request): boolean {
  const expected = staffSession(req)?.csrfToken ?? signInCookieToken(req);
  const body: unknown = req.body;
  const field = body && typeof body === 'object' ? (body as { _csrf?: unknown })._csrf : undefined;
  const sent = req.get('x-csrf-token') ?? (typeof field === 'string' ? field : undefined);
  if (!expected || !sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
