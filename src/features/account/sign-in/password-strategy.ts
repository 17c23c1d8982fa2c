// Email + password sign-in as a passport-local strategy, on a private Passport instance (the
// host's passport, if it has one, is never touched) and without passport sessions: the portal
// starts its own session after the strategy answers.
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Request, Response } from 'express';
import { type ClientUserRow, portalContext, requestMeta } from '../../../core/index.ts';
import type { AuthService, SignInResult } from './auth-service.ts';

const STRATEGY = 'portal-password';

export type PasswordAuthenticator = (req: Request, res: Response) => Promise<SignInResult>;

export function createPasswordAuthenticator(auth: AuthService): PasswordAuthenticator {
  const instance = new passport.Passport();
  instance.use(
    STRATEGY,
    new LocalStrategy(
      { usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false },
      (req, email, password, done) => {
        const { workspace } = portalContext(req.res as Response);
        auth
          .signInWithPassword(workspace, email, password, requestMeta(req))
          .then((result) =>
            result.ok ? done(null, result.user) : done(null, false, { message: result.reason, result } as { message: string }),
          )
          .catch(done);
      },
    ),
  );

  return (req, res) =>
    new Promise<SignInResult>((resolve, reject) => {
      const callback = (err: unknown, user: ClientUserRow | false, info?: { result?: SignInResult }) => {
        if (err) return reject(err);
        resolve(user ? { ok: true, user } : (info?.result ?? { ok: false, reason: 'invalid' }));
      };
      instance.authenticate(STRATEGY, { session: false }, callback)(req, res, reject);
    });
}
