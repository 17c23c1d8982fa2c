// The standalone server's own staff session: the CRM's session lives in another process (PHP,
// Next.js) that this server cannot read, so staff sign in here with their CRM account and this
// cookie says who they are. It holds ids only; the staff row is read again on every request
// (StaffPort.current), so an account disabled in the CRM is signed out on its next click.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import type pg from 'pg';
import type { HostStaffUser } from '../../src/index.ts';
import { STAFF_SESSION_TABLE } from './queries/staff-sessions.ts';

export const STAFF_SESSION_COOKIE = 'portal_staff.sid';
const EIGHT_HOURS_MS = 8 * 60 * 60 * 1000;

interface StaffSessionFields {
  staffId?: string;
  workspaceId?: string;
  csrfToken?: string;
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
export function sessionStaff(req: Request): { staffId: string; workspaceId: string; sessionId: string } | null {
  const current = staffSession(req);
  if (!current?.staffId || !current.workspaceId) return null;
  return { staffId: current.staffId, workspaceId: current.workspaceId, sessionId: current.id };
}

const promisify = (run: (done: (error?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => run((error) => (error ? reject(error) : resolve())));

/** A fresh session id for the signed-in staff member, so a session fixed before sign-in is worthless after it. */
export async function signInSession(req: Request, staff: HostStaffUser): Promise<void> {
  const current = staffSession(req);
  if (!current) throw new Error('The staff session middleware must run before sign-in.');
  await promisify((done) => current.regenerate(done));
  const fresh = staffSession(req)!;
  fresh.staffId = staff.id;
  fresh.workspaceId = staff.workspaceId;
  fresh.csrfToken = randomBytes(32).toString('base64url');
  await promisify((done) => fresh.save(done));
}

export async function signOutSession(req: Request): Promise<void> {
  const current = staffSession(req);
  if (current) await promisify((done) => current.destroy(done));
}

/** The session's CSRF token, created on first use (the sign-in form is shown before sign-in). */
export function staffCsrfToken(req: Request): string {
  const current = staffSession(req);
  if (!current) throw new Error('The staff session middleware must run before a CSRF token is issued.');
  current.csrfToken ??= randomBytes(32).toString('base64url');
  return current.csrfToken;
}

/** Whether a form sent back this session's token (`_csrf` field or X-CSRF-Token header). */
export function validCsrf(req: Request): boolean {
  const expected = staffSession(req)?.csrfToken;
  const body: unknown = req.body;
  const field = body && typeof body === 'object' ? (body as { _csrf?: unknown })._csrf : undefined;
  const sent = req.get('x-csrf-token') ?? (typeof field === 'string' ? field : undefined);
  if (!expected || !sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
