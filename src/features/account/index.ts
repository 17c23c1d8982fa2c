// Account: signing in (one-time code, password, links from emails, passkeys), two-factor authentication, passkeys,
// the account page (profile, language, password, sessions), changing the sign-in email, and the
// sign-in and security log (the person's, their company's, the agency's page of one person's, and
// its retention).
import { accountManifest } from './manifest.ts';
import type { CoreServices, Feature } from '../../core/index.ts';
import { createAccountHandlers } from './handlers.ts';
import { accountRoutes } from './routes.ts';
import { createSecurityLogHandlers, createStaffSecurityLogHandlers } from './security-log/handlers.ts';
import { createSecurityLogRetention, SECURITY_LOG_RETENTION_EVERY_MS } from './security-log/retention.ts';
import { securityLogRoutes, securityLogStaffRoutes } from './security-log/routes.ts';
import { accountPersonalData } from './personal-data.ts';
import { createEmailChangeHandlers } from './email-change/handlers.ts';
import { emailChangeRoutes } from './email-change/routes.ts';
import { EmailChangeService } from './email-change/service.ts';
import { AuthService } from './sign-in/auth-service.ts';
import { createAuthHandlers, type SingleSignOnHooks } from './sign-in/handlers.ts';
import { createPasswordAuthenticator } from './sign-in/password-strategy.ts';
import { authRoutes } from './sign-in/routes.ts';
import { createTwoFactorHandlers, type TwoFactorHandlers } from './two-factor/handlers.ts';
import { createIdentityCheck } from './two-factor/identity.ts';
import { createPasskeyHandlers } from './passkeys/handlers.ts';
import { passkeyAccountRoutes, passkeySignInRoutes } from './passkeys/routes.ts';
import { PasskeyService } from './passkeys/service.ts';
import { twoFactorAccountRoutes, twoFactorGate, twoFactorSignInRoutes } from './two-factor/routes.ts';
import { TwoFactorService } from './two-factor/service.ts';

export { describeDevice } from './presenters.ts';
export type { AuthService, Inviter } from './sign-in/auth-service.ts';
export type { SignInOptions, SingleSignOnHooks } from './sign-in/handlers.ts';
export { emailLocale } from './sign-in/emails.ts';
export { voidUserLinks } from './sign-in/token-queries.ts';
export { twoFactorResetEmail } from './two-factor/emails.ts';
export { deleteTwoFactor, isTwoFactorEnabled, listTwoFactorUserIds } from './two-factor/queries.ts';

/** Ends a right first factor the way every sign-in ends: the second factor where it is asked, the log, a new session. */
export type CompleteSignIn = TwoFactorHandlers['completeSignIn'];

/**
 * The feature, its sign-in service (the admin pages invite and disable clients through it) and the
 * end of a sign-in (single sign-on ends its own with it). `singleSignOn`: that feature's answers
 * for the sign-in page and its company rules.
 */
export function accountFeature(
  core: CoreServices,
  options: { singleSignOn?: SingleSignOnHooks } = {},
): Feature & { auth: AuthService; completeSignIn: CompleteSignIn } {
  const { db, adapter, staffAdapter, config, links, mailer, limiter, guard, now, events, sessionLifecycle, metrics, workspaces, logger } =
    core;
  const auth = new AuthService({ db, adapter, mailer, config, links, limiter, guard, now, bus: events });
  const twoFactor = new TwoFactorService({ db, config, limiter, mailer, now });
  const identity = createIdentityCheck({ auth, twoFactor, now });
  const twoFactorHandlers = createTwoFactorHandlers({
    db,
    twoFactor,
    identity,
    sessions: sessionLifecycle,
    signInCompleted: (workspace, user, method, meta) => auth.signInCompleted(workspace, user, method, meta),
    // Made below; asked only once requests arrive.
    passkeyOffered: (workspaceId, clientUserId) => passkeys.secondFactorOffered(workspaceId, clientUserId),
    now,
  });
  const signIn = createAuthHandlers(auth, createPasswordAuthenticator(auth), sessionLifecycle, now, {
    completeSignIn: twoFactorHandlers.completeSignIn,
    recordSignIn: metrics.signIn,
    languageCookie: { portalPath: config.portalPath, secure: config.secureCookies },
    ...(options.singleSignOn ? { singleSignOn: options.singleSignOn } : {}),
  });
  const passkeys = createPasskeyHandlers({
    db,
    passkeys: new PasskeyService(db),
    auth,
    identity,
    limiter,
    appUrl: config.appUrl,
    completeSignIn: twoFactorHandlers.completeSignIn,
    sessions: sessionLifecycle,
    recordSignIn: metrics.signIn,
    ...(options.singleSignOn ? { singleSignOn: options.singleSignOn } : {}),
    now,
  });
  const emailChange = new EmailChangeService({ db, adapter, twoFactor, mailer, limiter, bus: events });
  const retention = createSecurityLogRetention({ db, now, logger });
  return {
    name: accountManifest.name,
    needs: { ports: [] },
    auth,
    completeSignIn: twoFactorHandlers.completeSignIn,
    personalData: accountPersonalData(db),
    publicRoutes: [authRoutes(signIn), twoFactorSignInRoutes(twoFactorHandlers), passkeySignInRoutes(passkeys)],
    clientRoutes: [
      // First of all client routes: where the workspace requires two-factor, its gate keeps
      // clients without it on the set-up page.
      twoFactorGate(twoFactorHandlers),
      twoFactorAccountRoutes(twoFactorHandlers),
      passkeyAccountRoutes(passkeys),
      accountRoutes(createAccountHandlers({ db, adapter, auth, identity, now, bus: events, passkeysOffered: passkeys.offeredTo })),
      emailChangeRoutes(createEmailChangeHandlers({ emailChange, identity, now })),
      securityLogRoutes(createSecurityLogHandlers({ db })),
    ],
    adminRoutes: [securityLogStaffRoutes(createStaffSecurityLogHandlers({ db, adapter: staffAdapter, workspaces }))],
    jobs: [
      {
        name: 'security log retention',
        everyMs: SECURITY_LOG_RETENTION_EVERY_MS,
        run: () => void retention.runInBackground().catch((err) => logger.error('security log retention failed', err)),
        idle: retention.idle,
      },
    ],
  };
}
