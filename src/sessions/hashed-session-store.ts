// connect-pg-simple, but the row key is the SHA-256 of the session id: the table never holds a
// value that works as a cookie, so a leaked table or backup cannot hijack a session.
import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type pg from 'pg';
import { hashToken } from '../auth/secrets.ts';

const PgStore = connectPgSimple(session);

export const SESSION_TABLE = 'client_sessions';

export function hashSessionId(sid: string): string {
  return hashToken(sid);
}

export function createHashedSessionStore(pool: pg.Pool): session.Store {
  class HashedPgStore extends PgStore {
    override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
      super.get(hashSessionId(sid), callback);
    }
    override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
      super.set(hashSessionId(sid), data, callback);
    }
    override destroy(sid: string, callback?: (err?: unknown) => void): void {
      super.destroy(hashSessionId(sid), callback);
    }
    override touch(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
      super.touch(hashSessionId(sid), data, callback);
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
