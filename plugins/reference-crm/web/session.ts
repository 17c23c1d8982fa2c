// The CRM's staff session: cookie `crm.sid`, rows in crm_sessions via connect-pg-simple. The
// session fields are typed here rather than by augmenting express-session's SessionData, so a
// plugin with its own session (and its own field names) cannot collide with the CRM's.
import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import type pg from 'pg';
import { parseId } from '../ids.ts';

export const CRM_SESSION_COOKIE = 'crm.sid';
const CRM_SESSION_TABLE = 'crm_sessions';
const EIGHT_HOURS_MS = 8 * 60 * 60 * 1000;

interface CrmSessionFields {
  /** Set by the CRM's staff sign-in; read by the adapter's staff.current(req). */
  staffUserId?: number;
  /**
   * The staff user's workspace, set with it: the row is read by both, which on Citus goes to the one
   * node that holds the workspace. A session without it (signed in before it was kept) is signed out.
   */
  staffWorkspaceId?: number;
  /** The CSRF token every state-changing request must echo. */
  csrfToken?: string;
}

export type CrmSession = session.Session & CrmSessionFields;

/** `secret`: the first signs; any further ones (older secrets, during a rotation) are still accepted. */
export function createCrmSession(options: { pool: pg.Pool; secret: string | string[]; secureCookies: boolean }): RequestHandler {
  const PgStore = connectPgSimple(session);
  const store = new PgStore({
    pool: options.pool,
    tableName: CRM_SESSION_TABLE,
    createTableIfMissing: false,
    // The session does not roll (the cookie keeps its first expiry), so a touch would rewrite the
    // same expiry: one UPDATE per page for nothing.
    disableTouch: true,
  });
  return session({
    name: CRM_SESSION_COOKIE,
    secret: options.secret,
    store,
    resave: false,
    // Anonymous visitors get a row only once something is stored (the sign-in page's CSRF token).
    saveUninitialized: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secureCookies,
      path: '/',
      maxAge: EIGHT_HOURS_MS,
    },
  });
}

/** The CRM session on this request, or undefined where the CRM session middleware has not run. */
export function crmSession(req: Request): CrmSession | undefined {
  return (req as Request & { session?: CrmSession }).session;
}

export function readStaffUser(req: Request): { workspaceId: number; id: number } | null {
  const session = crmSession(req);
  const id = parseId(session?.staffUserId);
  const workspaceId = parseId(session?.staffWorkspaceId);
  return id === null || workspaceId === null ? null : { workspaceId, id };
}

function promisify(run: (done: (error?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((error) => (error ? reject(error) : resolve())));
}

/** A new session id for a sign-in, so a session fixed before sign-in is worthless after it. */
export async function regenerateSession(req: Request): Promise<CrmSession> {
  const current = crmSession(req);
  if (!current) throw new Error('The CRM session middleware must run before sign-in.');
  await promisify((done) => current.regenerate(done));
  const fresh = crmSession(req);
  if (!fresh) throw new Error('Session regeneration lost the session.');
  return fresh;
}

export async function saveSession(req: Request): Promise<void> {
  const current = crmSession(req);
  if (current) await promisify((done) => current.save(done));
}

export async function destroySession(req: Request): Promise<void> {
  const current = crmSession(req);
  if (current) await promisify((done) => current.destroy(done));
}
