// connect-pg-simple, but the row key is the SHA-256 of the session id: the table never holds a
// value that works as a cookie, so a leaked table or backup cannot hijack a session.
//
// Reading a session also reads the client user it signs in (one round trip instead of two on every
// signed-in page). The row is handed to the request beside the session, never stored in it:
// clientUserReadWithSession(req) answers for the session's `portal` exactly as it was read.
import connectPgSimple from 'connect-pg-simple';
import type { Request } from 'express';
import session from 'express-session';
import type pg from 'pg';
import { hashToken } from '../crypto/secrets.ts';
import type { ClientUserWithAccessRow } from '../client-users/queries.ts';
import { findSessionWithClientUser } from './queries.ts';

const PgStore = connectPgSimple(session);

export const SESSION_TABLE = 'client_sessions';

export function hashSessionId(sid: string): string {
  return hashToken(sid);
}

/** The client user a session's `portal` named when the session was read, and whom it named. */
export interface ClientUserReadWithSession {
  workspaceId: string;
  clientUserId: string;
  /** Null when no client user of that id is in that workspace. */
  user: ClientUserWithAccessRow | null;
}

// On the session data between get() and createSession(): a symbol, which neither the Session copy
// nor JSON (what express-session compares and saves) carries over.
const READ_WITH = Symbol('client user read with the session');
const readWith = new WeakMap<object, ClientUserReadWithSession>();

/** The client user read with this request's session, or undefined when none was (no session, or it names nobody). */
export function clientUserReadWithSession(req: Request): ClientUserReadWithSession | undefined {
  return readWith.get(req);
}

const nowSeconds = () => Math.ceil(Date.now() / 1000);

/** When a session row expires: its cookie's expiry, or a day from now for a cookie without one (connect-pg-simple's rule). */
const expiresAtSeconds = (data: session.SessionData): number => {
  const expires = data.cookie?.expires;
  return expires ? Math.ceil(new Date(expires).valueOf() / 1000) : nowSeconds() + 24 * 60 * 60;
};

export function createHashedSessionStore(pool: pg.Pool): session.Store {
  class HashedPgStore extends PgStore {
    // As connect-pg-simple's get (a live row, its data), with the session's client user in the same query.
    override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
      findSessionWithClientUser(pool, hashSessionId(sid), nowSeconds()).then(
        (found) => {
          if (!found) return callback(null);
          const { portal } = found.sess;
          if (portal)
            (found.sess as Record<symbol, unknown>)[READ_WITH] = {
              workspaceId: portal.workspaceId,
              clientUserId: portal.clientUserId,
              user: found.user,
            } satisfies ClientUserReadWithSession;
          callback(null, found.sess as unknown as session.SessionData);
        },
        (err: unknown) => callback(err),
      );
    }
    override createSession(req: Request, data: session.SessionData): session.Session & session.SessionData {
      const read = (data as unknown as Record<symbol, ClientUserReadWithSession | undefined>)[READ_WITH];
      if (read) readWith.set(req, read);
      return super.createSession(req, data);
    }
    // As connect-pg-simple's set, with VALUES where it has INSERT … SELECT: on Citus an INSERT …
    // SELECT with ON CONFLICT loses its parameters on the way to the worker.
    override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
      pool
        .query(
          `insert into "${SESSION_TABLE}" (sess, expire, sid) values ($1, to_timestamp($2), $3)
           on conflict (sid) do update set sess = excluded.sess, expire = excluded.expire`,
          [data, expiresAtSeconds(data), hashSessionId(sid)],
        )
        .then(
          () => callback?.(),
          (err: unknown) => callback?.(err),
        );
    }
    override destroy(sid: string, callback?: (err?: unknown) => void): void {
      super.destroy(hashSessionId(sid), callback);
    }
    // Sessions do not roll (disableTouch below): a touch writes nothing, so it hashes no id either.
    // express-session touches on every page that changed nothing in its session.
    override touch(_sid: string, _data: session.SessionData, callback?: (err?: unknown) => void): void {
      callback?.();
    }
  }
  return new HashedPgStore({
    pool,
    tableName: SESSION_TABLE,
    createTableIfMissing: false,
    // Expired rows are pruned by the portal's own timer (see portal.ts), not one per store.
    pruneSessionInterval: false,
    // Sessions do not roll (the cookie keeps its first expiry), so a touch would only rewrite the
    // same expiry: one UPDATE per page for nothing. A session lasts sessionMaxAgeHours from sign-in.
    disableTouch: true,
  });
}
