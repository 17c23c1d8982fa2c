// The client's account: profile (name and phone live on the host contact, changed through the
// adapter), password, language and time zone, and the list of signed-in sessions. A change goes
// back to the page (post/redirect/get) with a notice; an error shows the page again with what was
// typed, at the page's own address.
import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  announceSessionsEnded,
  canSeeSection,
  clientActor,
  type ClientUserRow,
  deleteOtherSessions,
  deleteSession,
  type EventBus,
  type FieldErrors,
  findClientUserById,
  formAnswerStatus,
  hashSessionId,
  type HostAdapter,
  insertClientActivity,
  isFragmentRequest,
  listLiveSessions,
  managesColleagues,
  mayReadCompanyDetails,
  notFound,
  parseParam,
  portalContext,
  portalI18n,
  renderPortalPage,
  requestI18n,
  chosenLocale,
  requestMeta,
  setClientUserPreferences,
  signedInClient,
  signInMethods,
  translateFieldErrors,
} from '../../core/index.ts';
import type { AuthService } from './sign-in/auth-service.ts';
import { SessionIdParam, type ChangePasswordInput, type PreferencesInput, type UpdateProfileInput } from './commands.ts';
import { presentPreferences, presentProfile, presentSessions } from './presenters.ts';
import { wantsMessageEmails } from '../messages/index.ts';
import type { IdentityCheck } from './two-factor/identity.ts';

/** The account page lists the newest sessions only; "sign out all other sessions" covers the rest. */
export const SESSIONS_SHOWN = 20;

/** Notices a redirect back to the account page may name (?notice=…): never free text from the URL. Values are i18n keys. */
const NOTICES: Record<string, string> = {
  'profile-saved': 'account:notices.profileSaved',
  'password-changed': 'account:notices.passwordChanged',
  'preferences-saved': 'account:notices.preferencesSaved',
  'others-signed-out': 'account:notices.othersSignedOut',
  'code-sent': 'twoFactor:notices.code-sent',
};

interface AccountForms {
  profileErrors?: FieldErrors;
  /** What the client typed, shown again beside the errors instead of the stored values. */
  profileValues?: { name: string; phone: string };
  passwordErrors?: FieldErrors;
  preferencesErrors?: FieldErrors;
  notice?: string;
}

export function createAccountHandlers(deps: {
  db: Knex;
  adapter: HostAdapter;
  auth: AuthService;
  identity: IdentityCheck;
  now: () => Date;
  bus?: EventBus;
  /** Whether the page offers passkeys to this person (not where their company signs in only through its provider). */
  passkeysOffered?: (workspaceId: string, user: ClientUserRow) => Promise<boolean>;
}) {
  const { db, adapter, auth, identity, now } = deps;

  /** After a change: plain forms go back to the page (post/redirect/get); htmx gets the page in place at its GET address. */
  async function done(req: Request, res: Response, notice: keyof typeof NOTICES) {
    const { base } = portalContext(res);
    if (req.get('HX-Request') !== 'true') return res.redirect(303, `${base}/account?notice=${notice}`);
    res.set('HX-Replace-Url', `${base}/account`);
    await show(req, res, { notice: NOTICES[notice] });
  }

  /** A form answered in place, with its errors: the address stays the page's own. */
  async function refuse(req: Request, res: Response, forms: AccountForms, status: number) {
    if (req.get('HX-Request') === 'true') res.set('HX-Replace-Url', `${portalContext(res).base}/account`);
    await show(req, res, forms, formAnswerStatus(req, status));
  }

  async function show(req: Request, res: Response, forms: AccountForms = {}, status = 200) {
    const { workspace, settings } = portalContext(res);
    const i18n = portalI18n(res);
    const notice = forms.notice ?? (typeof req.query.notice === 'string' ? NOTICES[req.query.notice] : undefined);
    const client = signedInClient(res);
    const rows = await listLiveSessions(db, workspace.id, client.user.id, now(), SESSIONS_SHOWN);
    const currentSid = hashSessionId(req.sessionID);
    // The current session is always listed, even when it is older than the ones shown.
    const current =
      rows.some((row) => row.sid === currentSid) || !req.session.portal
        ? []
        : [{ sid: currentSid, sess: { portal: req.session.portal }, expire: new Date() }];
    const total = Math.max(rows[0]?.total ?? 0, rows.length + current.length);
    // The message-email choice shows only where messaging is on.
    const messaging = canSeeSection(settings, 'messages');
    const hasPassword = await auth.hasPassword(workspace, client.user);
    const passkeys = deps.passkeysOffered ? await deps.passkeysOffered(workspace.id, client.user) : false;
    renderPortalPage(
      req,
      res,
      'account/index',
      i18n.t('account:title'),
      {
        profile: { ...presentProfile(client.user, client.contact, hasPassword), ...(forms.profileValues ?? {}) },
        // A host that does not take changes to a contact's name and phone shows them without a form.
        profileEditable: adapter.contacts.updateProfile !== undefined,
        // A first password is set only by a client who proves it is them with an emailed code.
        identity: hasPassword ? 'password' : await identity.mode(req, res),
        // Without password sign-in a password would open nothing: the form is not offered.
        passwordSignIn: signInMethods(settings).password,
        passkeys,
        preferences: presentPreferences(client.user, i18n, now()),
        preferencesErrors: forms.preferencesErrors ?? {},
        sessions: presentSessions([...current, ...rows], currentSid, i18n),
        sessionsTotal: total,
        profileErrors: forms.profileErrors ?? {},
        // The handler's own messages (a wrong current password) in the reader's language too.
        passwordErrors: translateFieldErrors(forms.passwordErrors ?? {}, i18n.t),
        notice: notice ? i18n.t(notice) : null,
        // The Company page, where the host keeps the company's details and lets this person read them.
        // A client admin reads the whole company's sign-in and security log too.
        companySecurityLog: managesColleagues(client.access),
        companyDetails: adapter.companyDetails !== undefined && mayReadCompanyDetails(client.access),
        messageEmails: messaging ? { wanted: await wantsMessageEmails(db, workspace.id, client.user.id) } : null,
      },
      status,
    );
  }

  return {
    show: (req: Request, res: Response) => show(req, res),
    /** The forms post here; a reload or a bookmark of the address lands on the page. */
    toAccount: (_req: Request, res: Response) => res.redirect(303, `${portalContext(res).base}/account`),
    requirePasswordSignIn: (_req: Request, res: Response, next: NextFunction) => {
      if (!signInMethods(portalContext(res).settings).password) return next(notFound());
      next();
    },
    invalidProfile: (req: Request, res: Response, errors: FieldErrors) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const typed = (key: string) => (typeof body[key] === 'string' ? (body[key] as string).slice(0, 200) : '');
      return refuse(req, res, { profileErrors: errors, profileValues: { name: typed('name'), phone: typed('phone') } }, 400);
    },
    invalidPassword: (req: Request, res: Response, errors: FieldErrors) => refuse(req, res, { passwordErrors: errors }, 400),
    invalidPreferences: (req: Request, res: Response, errors: FieldErrors) => refuse(req, res, { preferencesErrors: errors }, 400),

    savePreferences: async (req: Request, res: Response) => {
      const input = req.body as PreferencesInput;
      const { workspace } = portalContext(res);
      const client = signedInClient(res);
      await setClientUserPreferences(db, workspace.id, client.user.id, { locale: input.locale || null, timeZone: input.timeZone || null });
      await insertClientActivity(db, clientActor(req, res), 'account.updated', { fields: ['locale', 'time_zone'] });
      // This request was set up in the old language and time zone: answer in the new ones.
      const context = portalContext(res);
      const before = context.i18n.locale;
      client.user.locale = input.locale || null;
      client.user.time_zone = input.timeZone || null;
      context.i18n = requestI18n(req, {
        clientLocale: client.user.locale,
        chosenLocale: chosenLocale(req),
        clientTimeZone: client.user.time_zone,
        workspaceLocale: context.settings.defaultLocale,
        workspaceTimeZone: context.settings.defaultTimeZone,
      });
      // A new language changes <html lang> and the whole chrome, which a boosted swap of <body>
      // would leave behind: htmx loads the page afresh instead.
      if (req.get('HX-Request') === 'true' && context.i18n.locale !== before) {
        res.set('HX-Redirect', `${context.base}/account?notice=preferences-saved`);
        return res.status(204).end();
      }
      await done(req, res, 'preferences-saved');
    },

    updateProfile: async (req: Request, res: Response) => {
      const input = req.body as UpdateProfileInput;
      const { workspace } = portalContext(res);
      const client = signedInClient(res);
      if (!adapter.contacts.updateProfile) throw notFound();
      const updated = await adapter.contacts.updateProfile(workspace.id, client.contact.id, { name: input.name, phone: input.phone });
      if (!updated) throw notFound();
      client.contact = updated;
      await insertClientActivity(db, clientActor(req, res), 'account.updated', { fields: ['name', 'phone'] });
      await done(req, res, 'profile-saved');
    },

    changePassword: async (req: Request, res: Response) => {
      const input = req.body as ChangePasswordInput;
      const { workspace } = portalContext(res);
      const client = signedInClient(res);
      const hasPassword = await auth.hasPassword(workspace, client.user);
      if (hasPassword && !input.currentPassword) {
        return refuse(req, res, { passwordErrors: { currentPassword: 'Enter your current password.' } }, 400);
      }
      if (!hasPassword) {
        // Without a password there is nothing to type as the current one: a session alone must not
        // set one (it would then pass as "the current password" for an email change or two-factor
        // removal), so the client proves it is them with a code emailed to the sign-in address.
        const confirmed = await identity.check(req, res, { confirmationCode: input.confirmationCode }, 'first_password');
        if (!confirmed.ok) {
          if (confirmed.retryAfterSeconds) res.set('Retry-After', String(confirmed.retryAfterSeconds));
          return refuse(req, res, { passwordErrors: confirmed.errors }, confirmed.status);
        }
      }
      const outcome = hasPassword
        ? await auth.changePassword(
            workspace,
            client.user,
            input.currentPassword ?? '',
            input.password,
            hashSessionId(req.sessionID),
            requestMeta(req),
          )
        : await auth.setFirstPassword(workspace, client.user, input.password, hashSessionId(req.sessionID), requestMeta(req));
      if (!outcome.ok && outcome.reason === 'limited') {
        const minutes = Math.max(1, Math.ceil(outcome.retryAfterSeconds / 60));
        const { t } = portalI18n(res);
        res.set('Retry-After', String(outcome.retryAfterSeconds));
        return refuse(
          req,
          res,
          {
            passwordErrors: {
              currentPassword: t('account:errors.passwordLimited', { wait: t('common:wait.minutes', { count: minutes }) }),
            },
          },
          429,
        );
      }
      if (!outcome.ok) {
        return refuse(req, res, { passwordErrors: { currentPassword: 'That is not your current password.' } }, 400);
      }
      client.user = (await findClientUserById(db, workspace.id, client.user.id)) ?? client.user;
      // A two-factor set-up begun before the change starts again with a new secret (the other
      // sessions, and any set-up they began, ended with the change).
      delete req.session.twoFactorSetup;
      await done(req, res, 'password-changed');
    },

    revokeSession: async (req: Request, res: Response) => {
      const sid = parseParam(SessionIdParam, req.params.sessionId);
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      if (sid === hashSessionId(req.sessionID)) throw notFound('Use “Sign out” to end this session.');
      const removed = await deleteSession(db, workspace.id, user.id, sid);
      if (removed === 0) throw notFound('That session has already ended.');
      await announceSessionsEnded(deps.bus, { workspaceId: workspace.id, clientUserId: user.id, reason: 'revoked' });
      await insertClientActivity(db, clientActor(req, res), 'session.revoked', { scope: 'one' });
      if (isFragmentRequest(req)) return show(req, res, { notice: 'account:notices.sessionSignedOut' });
      res.redirect(303, `${base}/account`);
    },

    /** Signing out every other device is asked first, on a GET page of its own (the form posts from there). */
    confirmRevokeOthers: (req: Request, res: Response) => {
      renderPortalPage(req, res, 'account/sign-out-others', portalI18n(res).t('account:signOutOthers.title'), {});
    },

    revokeOtherSessions: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      const removed = await deleteOtherSessions(db, workspace.id, user.id, hashSessionId(req.sessionID));
      // Signing out everywhere else is what a client does who fears someone else holds a session:
      // a two-factor secret this session was shown before starts again too.
      delete req.session.twoFactorSetup;
      if (removed > 0) await announceSessionsEnded(deps.bus, { workspaceId: workspace.id, clientUserId: user.id, reason: 'revoked' });
      await insertClientActivity(db, clientActor(req, res), 'session.revoked', { scope: 'others', count: removed });
      if (isFragmentRequest(req)) return show(req, res, { notice: 'account:notices.othersSignedOut' });
      res.redirect(303, `${base}/account?notice=others-signed-out`);
    },
  };
}

export type AccountHandlers = ReturnType<typeof createAccountHandlers>;
