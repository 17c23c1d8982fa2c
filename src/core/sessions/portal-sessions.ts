// The portal's client sessions: a signed cookie naming a row of client_sessions, read with the
// client user it signs in (one round trip on every signed-in page), and written back before the
// answer leaves.
//
// - The row is keyed by the SHA-256 of the session id: the table never holds a value that works as
//   a cookie, so a leaked table or backup cannot hijack a session.
// - A visitor who brings no session cookie has no session to read, and on a GET or HEAD nothing
//   starts one (sign-in, its second step and sign-out are POSTs): such a request goes on without
//   `req.session`, and costs no work at all.
// - A change is written before the answer is sent, so a browser that follows a redirect at once
//   finds it (a set-up's recovery codes, a first factor's pending second one). Only the keys the
//   request changed are written, and only into a row that still exists: two requests of one
//   session changing different keys both keep their change, and a request that was under way
//   while the session was signed out elsewhere cannot bring the row back.
// - Sessions do not roll: a session lasts sessionMaxAgeHours from sign-in, and its row's expiry is
//   written once.
// - A store that cannot be read (the database restarting) passes the error on and leaves the
//   request without a session: the error page is answered whole and the stored session is kept.
//
// Rows and cookies are those express-session and connect-pg-simple wrote (`s:<id>.<HMAC>`
// cookies, a `cookie` object in each row), so sessions live across an upgrade either way.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import type { ClientUserWithAccessRow } from '../client-users/queries.ts';
import { remembered } from '../cache/remembered.ts';
import { hashToken } from '../crypto/secrets.ts';
import { readCookie } from '../http/cookies.ts';
import { cookiePathFor } from '../http/served-host.ts';
import { findSessionWithClientUser } from './queries.ts';
import { SESSION_COOKIE } from './session-data.ts';

export const SESSION_TABLE = 'client_sessions';

/** At most this many session ids keep their row key, and this many cookies their verified id, per process. */
const MEMO_LIMIT = 10_000;

// Every signed-in request turns its cookie into the row's key: an HMAC to verify the cookie, then
// a SHA-256 of the id. Both depend on their input alone, so a cookie verified once is not verified
// again (only cookies that verified are kept: a forged one computes every time and fills nothing).
const rowKeyOf = remembered(hashToken, MEMO_LIMIT) as (sid: string) => string;

export function hashSessionId(sid: string): string {
  return rowKeyOf(sid);
}

/** The client user a session's `portal` named when the session was read, and whom it named. */
export interface ClientUserReadWithSession {
  workspaceId: string;
  clientUserId: string;
  /** Null when no client user of that id is in that workspace. */
  user: ClientUserWithAccessRow | null;
}

const readWith = new WeakMap<Request, ClientUserReadWithSession>();

/** The client user read with this request's session, or undefined when none was (no session, or it names nobody). */
export function clientUserReadWithSession(req: Request): ClientUserReadWithSession | undefined {
  return readWith.get(req);
}

export interface PortalSessionsOptions {
  pool: pg.Pool;
  /** The first signs new cookies; the others are still accepted while a rotation settles. */
  secrets: readonly string[];
  cookie: { path: string; secure: boolean; maxAgeMs: number };
  /** A change that could not be written when the answer ended (the answer still goes out). */
  onSaveError?: (err: unknown, req: Request) => void;
}

/** What a session's row keeps under `cookie`, as express-session kept it. */
interface StoredCookie {
  originalMaxAge: number;
  expires: string;
  secure: boolean;
  httpOnly: true;
  path: string;
  sameSite: 'lax';
}

type SessionData = Record<string, unknown> & { cookie?: StoredCookie };

interface SessionState {
  sid: string;
  /** The id the request's cookie named (verified), or undefined. */
  cookieSid: string | undefined;
  data: SessionData;
  /** Each key's JSON as the row holds it (for a session not yet written, as it began). */
  written: Map<string, string>;
  /** Whether a row exists under this id (read from it, or written in this request). */
  stored: boolean;
  destroyed: boolean;
  store: SessionStore;
}

const states = new WeakMap<Request, SessionState>();
const READS = new Set(['GET', 'HEAD']);
const nowSeconds = () => Math.ceil(Date.now() / 1000);

/** `<value>.<base64 HMAC-SHA256>` without padding: cookie-signature's format, which express-session used. */
function sign(value: string, secret: string): string {
  return `${value}.${createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '')}`;
}

/** The session id a cookie value names when one of the secrets signed it; else undefined. */
export function unsignSessionCookie(raw: string, secrets: readonly string[]): string | undefined {
  if (!raw.startsWith('s:')) return undefined;
  const signed = raw.slice(2);
  const dot = signed.lastIndexOf('.');
  if (dot < 0) return undefined;
  const value = signed.slice(0, dot);
  const given = Buffer.from(signed);
  for (const secret of secrets) {
    const expected = Buffer.from(sign(value, secret));
    if (expected.length === given.length && timingSafeEqual(expected, given)) return value;
  }
  return undefined;
}

/** The cookie value that names this session, signed with the first secret. */
export function signSessionCookie(sid: string, secrets: readonly string[]): string {
  return `s:${sign(sid, secrets[0]!)}`;
}

const jsonOf = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value));

function snapshot(data: SessionData): Map<string, string> {
  const written = new Map<string, string>();
  for (const [key, value] of Object.entries(data)) {
    const json = jsonOf(value);
    if (json !== undefined) written.set(key, json);
  }
  return written;
}

/** The keys set or changed since the row was written, and those removed. */
function changesOf(state: SessionState): { set: Record<string, unknown>; removed: string[] } | null {
  const set: Record<string, unknown> = {};
  const removed: string[] = [];
  let changed = false;
  for (const [key, value] of Object.entries(state.data)) {
    const json = jsonOf(value);
    if (json === undefined) continue;
    if (state.written.get(key) !== json) {
      set[key] = value;
      changed = true;
    }
  }
  for (const key of state.written.keys()) {
    if (jsonOf(state.data[key]) === undefined) {
      removed.push(key);
      changed = true;
    }
  }
  return changed ? { set, removed } : null;
}

class SessionStore {
  constructor(
    private readonly pool: pg.Pool,
    readonly options: PortalSessionsOptions,
  ) {}

  read(sid: string) {
    return findSessionWithClientUser(this.pool, hashSessionId(sid), nowSeconds());
  }

  /** A new session's row, whole. */
  async insert(sid: string, data: SessionData): Promise<void> {
    const expires = data.cookie?.expires ? Date.parse(data.cookie.expires) : Date.now() + this.options.cookie.maxAgeMs;
    await this.pool.query(`insert into "${SESSION_TABLE}" (sess, expire, sid) values ($1, to_timestamp($2), $3)`, [
      JSON.stringify(data),
      Math.ceil(expires / 1000),
      hashSessionId(sid),
    ]);
  }

  /** The changed keys into the row, if it is still there (a row signed out meanwhile stays gone). */
  async patch(sid: string, set: Record<string, unknown>, removed: string[]): Promise<void> {
    await this.pool.query(`update "${SESSION_TABLE}" set sess = ((sess::jsonb || $2::jsonb) - $3::text[])::json where sid = $1`, [
      hashSessionId(sid),
      JSON.stringify(set),
      removed,
    ]);
  }

  /**
   * Removes what `path` names (a key, or a key's entry) from the row only while it still holds
   * `json` there; true for the one statement that did.
   */
  async take(sid: string, path: readonly string[], json: string): Promise<boolean> {
    const result = await this.pool.query(
      `update "${SESSION_TABLE}" set sess = (sess::jsonb #- $2::text[])::json where sid = $1 and sess::jsonb #> $2::text[] = $3::jsonb`,
      [hashSessionId(sid), path, json],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async delete(sid: string): Promise<void> {
    await this.pool.query(`delete from "${SESSION_TABLE}" where sid = $1`, [hashSessionId(sid)]);
  }

  freshCookie(): StoredCookie {
    const { path, secure, maxAgeMs } = this.options.cookie;
    return {
      originalMaxAge: maxAgeMs,
      expires: new Date(Date.now() + maxAgeMs).toISOString(),
      secure,
      httpOnly: true,
      path,
      sameSite: 'lax',
    };
  }
}

function begin(req: Request, state: SessionState): void {
  states.set(req, state);
  req.sessionID = state.sid;
  req.session = state.data as unknown as Request['session'];
}

function freshState(store: SessionStore, cookieSid: string | undefined): SessionState {
  const data: SessionData = { cookie: store.freshCookie() };
  return {
    sid: randomBytes(24).toString('base64url'),
    cookieSid,
    data,
    written: snapshot(data),
    stored: false,
    destroyed: false,
    store,
  };
}

function stateOf(req: Request): SessionState {
  const state = states.get(req);
  if (!state) throw new Error('This request has no portal session.');
  return state;
}

/** Writes what changed (the whole row, for a session not yet stored); nothing when nothing did. */
async function persist(state: SessionState): Promise<void> {
  if (state.destroyed) return;
  const changes = changesOf(state);
  if (!changes) return;
  if (state.stored) await state.store.patch(state.sid, changes.set, changes.removed);
  else await state.store.insert(state.sid, state.data);
  state.stored = true;
  state.written = snapshot(state.data);
}

/** The Set-Cookie for a session whose id the browser does not hold yet, once it is (or is about to be) stored. */
function setCookieIfNew(req: Request, res: Response, state: SessionState): void {
  if (state.destroyed || state.sid === state.cookieSid) return;
  if (!state.stored && !changesOf(state)) return;
  const { secure } = state.store.options.cookie;
  const path = cookiePathFor(req, state.store.options.cookie.path);
  // As express-session: a secure cookie is never sent over plain HTTP.
  if (secure && !req.secure) return;
  const expires = state.data.cookie?.expires
    ? new Date(state.data.cookie.expires)
    : new Date(Date.now() + state.store.options.cookie.maxAgeMs);
  res.cookie(SESSION_COOKIE, signSessionCookie(state.sid, state.store.options.secrets), {
    path,
    httpOnly: true,
    sameSite: 'lax',
    secure,
    expires,
  });
  // Once per id.
  state.cookieSid = state.sid;
}

/** Writes the session now (before a redirect that the next request must find it on). */
export async function saveSession(req: Request): Promise<void> {
  await persist(stateOf(req));
}

/**
 * Takes a one-use value out of this request's session and out of its stored row at once: the row
 * loses it only where it still holds it as this request read it, so of one browser's requests
 * under way on several instances (each read the row before any wrote it) only one gets it; the
 * others get undefined. A value this request set and has not stored is simply taken. With
 * `entry`, the value is that entry of the record kept under `key` (a step awaited at one
 * workspace, see AwaitedInSession); the record's other entries stay, and an emptied record goes.
 */
export async function takeFromSession(req: Request, key: string, entry?: string): Promise<unknown> {
  const state = stateOf(req);
  const record = entry === undefined ? undefined : recordOf(state.data[key]);
  const value = entry === undefined ? state.data[key] : record?.[entry];
  if (value === undefined) return undefined;
  if (record && entry !== undefined) delete record[entry];
  if (!record || Object.keys(record).length === 0) delete state.data[key];
  const written = state.written.get(key);
  if (!state.stored || written === undefined) return value;
  let stored: string | undefined = written;
  if (entry === undefined) state.written.delete(key);
  else {
    const { [entry]: storedEntry, ...rest } = recordOf(JSON.parse(written)) ?? {};
    stored = jsonOf(storedEntry);
    // The row keeps the record's other entries, as this request now does.
    state.written.set(key, JSON.stringify(rest));
  }
  if (stored === undefined) return value;
  return (await state.store.take(state.sid, entry === undefined ? [key] : [key, entry], stored)) ? value : undefined;
}

const recordOf = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** A new id and empty data for this request's session; the old row, if any, is deleted. */
export async function regenerateSession(req: Request): Promise<void> {
  const state = stateOf(req);
  if (state.stored) await state.store.delete(state.sid);
  readWith.delete(req);
  begin(req, freshState(state.store, state.cookieSid));
}

/** Deletes the session's row and leaves the request without a session. */
export async function destroySession(req: Request): Promise<void> {
  const state = stateOf(req);
  state.destroyed = true;
  readWith.delete(req);
  (req as { session?: unknown }).session = undefined;
  if (state.stored) await state.store.delete(state.sid);
}

export function portalSessions(options: PortalSessionsOptions): RequestHandler {
  const store = new SessionStore(options.pool, options);
  const verifiedSid = remembered((raw: string) => unsignSessionCookie(raw, options.secrets), MEMO_LIMIT);
  return (req: Request, res: Response, next: NextFunction) => {
    const raw = readCookie(req, SESSION_COOKIE);
    if (!raw && READS.has(req.method)) return next();
    const cookieSid = raw ? verifiedSid(raw) : undefined;

    const start = (state: SessionState) => {
      begin(req, state);
      const writeHead = res.writeHead;
      res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
        const current = states.get(req);
        if (current) setCookieIfNew(req, res, current);
        return writeHead.apply(this, args);
      } as Response['writeHead'];
      const end = res.end;
      res.end = function (this: Response, ...args: unknown[]) {
        res.end = end;
        const current = states.get(req)!;
        if (current.destroyed || !changesOf(current)) return (end as (...a: unknown[]) => Response).apply(this, args);
        // The answer waits for the write; its headers (and the cookie, for a new id) go out after.
        persist(current).then(
          () => (end as (...a: unknown[]) => Response).apply(this, args),
          (err: unknown) => {
            options.onSaveError?.(err, req);
            (end as (...a: unknown[]) => Response).apply(this, args);
          },
        );
        return this;
      } as Response['end'];
      next();
    };

    if (!cookieSid) return start(freshState(store, undefined));
    store.read(cookieSid).then(
      (found) => {
        if (!found) return start(freshState(store, cookieSid));
        const data = found.sess as SessionData;
        const { portal } = found.sess;
        if (portal) readWith.set(req, { workspaceId: portal.workspaceId, clientUserId: portal.clientUserId, user: found.user });
        start({ sid: cookieSid, cookieSid, data, written: snapshot(data), stored: true, destroyed: false, store });
      },
      (err: unknown) => next(err),
    );
  };
}
