// Two-factor sign-in, set-up and removal. After a right password, code or link, a client with
// two-factor gets a session that only remembers who is signing in (pendingSecondFactor) and is sent
// to the second-factor page; the code from the app, or a recovery code, turns it into a signed-in
// session with a new id. Every change goes back to a GET page (post/redirect/get); an error shows
// the form again at its own address, with the error summary first.
import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  clientActor,
  type ClientUserRow,
  type FieldErrors,
  findClientUserById,
  formAnswerStatus,
  HttpError,
  insertClientActivity,
  isFragmentRequest,
  isTwoFactorSetupPath,
  mayRemoveTwoFactor,
  mayUsePortal,
  mustSetUpTwoFactor,
  type PendingSecondFactor,
  portalContext,
  portalI18n,
  renderPortalPage,
  requestMeta,
  safeNext,
  type SessionLifecycle,
  signedInClient,
  signInDetailsOf,
  type SignInDetails,
} from '../../../core/index.ts';
import type { ConfirmationCodeInput, RemoveInput, RenewRecoveryCodesInput, SecondFactorInput, SetupInput } from './commands.ts';
import { confirmationCodeEmail } from './emails.ts';
import { retryWords, type IdentityCheck } from './identity.ts';
import type { TwoFactorService } from './service.ts';
import type { AuthService } from '../sign-in/auth-service.ts';

/** How a first factor ended: whether it did multi-factor the agency trusts, and what it keeps for the session (SignInDetails). */
export interface SignInCompletion {
  secondFactorDone?: boolean;
  details?: SignInDetails;
}

/** How long a right first factor waits for the second one. */
const PENDING_MINUTES = 10;

/** The pending sign-in of this workspace, if it has not expired. */
export function pendingSecondFactorOf(req: Request, res: Response, now: Date): PendingSecondFactor | null {
  const pending = req.session?.pendingSecondFactor;
  if (!pending || pending.workspaceId !== portalContext(res).workspace.id) return null;
  return now.getTime() - Date.parse(pending.startedAt) < PENDING_MINUTES * 60_000 ? pending : null;
}

/** Why a passkey offered as the second factor came back to the page (passkeys/handlers.ts names it in the address). */
const PASSKEY_REFUSALS = new Set(['failed', 'expired']);

const NOTICES = new Set(['enabled', 'removed', 'code-sent']);

/** Which form on the status page an error belongs to, so the summary links to that form's fields. */
type StatusForm = 'remove' | 'renew';

export interface TwoFactorHandlerDeps {
  db: Knex;
  twoFactor: TwoFactorService;
  identity: IdentityCheck;
  sessions: SessionLifecycle;
  /** Records a finished sign-in (its log entry and time), just before its session starts. */
  signInCompleted: AuthService['signInCompleted'];
  /** Whether the person signing in has a passkey they may use as the second factor. */
  passkeyOffered?: (workspaceId: string, clientUserId: string) => Promise<boolean>;
  now: () => Date;
}

export function createTwoFactorHandlers(deps: TwoFactorHandlerDeps) {
  const { db, twoFactor, identity, sessions, signInCompleted, now } = deps;

  const pendingOf = (req: Request, res: Response): PendingSecondFactor | null => pendingSecondFactorOf(req, res, now());

  const showSecondFactor = async (req: Request, res: Response, errors: FieldErrors = {}, status = 200, alert: string | null = null) => {
    const { base, workspace, assets } = portalContext(res);
    const { t } = portalI18n(res);
    if (req.method === 'POST' && req.get('HX-Request') === 'true') res.set('HX-Replace-Url', `${base}/sign-in/two-factor`);
    const pending = pendingOf(req, res);
    // A person with a passkey may use it instead of the app's code.
    const passkey = pending && deps.passkeyOffered ? await deps.passkeyOffered(workspace.id, pending.clientUserId) : false;
    const refusal =
      req.method === 'GET' && typeof req.query.passkey === 'string' && PASSKEY_REFUSALS.has(req.query.passkey)
        ? t(`passkeys:secondFactor.${req.query.passkey}`)
        : null;
    renderPortalPage(
      req,
      res,
      'two-factor/sign-in',
      t('twoFactor:signIn.title'),
      { errors, alert: alert ?? refusal, passkey, assets },
      formAnswerStatus(req, status),
    );
  };

  const pageAddress = (res: Response, path: string, notice?: string) =>
    `${portalContext(res).base}${path}${notice ? `?notice=${notice}` : ''}`;

  /** The sealed secret of the set-up this session started for this client, if any. */
  const heldSetup = (req: Request, res: Response): string | null => {
    const held = req.session.twoFactorSetup;
    return held && held.workspaceId === portalContext(res).workspace.id && held.clientUserId === signedInClient(res).user.id
      ? held.sealed
      : null;
  };

  const showSetup = async (req: Request, res: Response, errors: FieldErrors = {}, status = 200) => {
    const { workspace, settings, base } = portalContext(res);
    const { t } = portalI18n(res);
    const client = signedInClient(res);
    if (req.method === 'POST' && req.get('HX-Request') === 'true') res.set('HX-Replace-Url', `${base}/account/two-factor/setup`);
    const setup = await twoFactor.setup(workspace, client.user, heldSetup(req, res));
    if (!setup) return res.redirect(303, pageAddress(res, '/account/two-factor'));
    if (req.session.twoFactorSetup?.sealed !== setup.sealed)
      req.session.twoFactorSetup = { workspaceId: workspace.id, clientUserId: client.user.id, sealed: setup.sealed };
    if (setup.started) await insertClientActivity(db, clientActor(req, res), 'two_factor.setup_started', {});
    // The page shows the secret: no cache (the browser's or a proxy's) may keep it.
    res.set('Cache-Control', 'no-store');
    renderPortalPage(
      req,
      res,
      'two-factor/setup',
      t('twoFactor:setup.title'),
      {
        setup,
        required: settings.requireTwoFactor,
        identity: await identity.mode(req, res),
        errors,
        notice: req.query.notice === 'code-sent' ? t('twoFactor:notices.code-sent') : null,
      },
      formAnswerStatus(req, status),
    );
  };

  const showStatus = async (req: Request, res: Response, errors: FieldErrors = {}, status = 200, form: StatusForm = 'remove') => {
    const { workspace, settings, base } = portalContext(res);
    const { t } = portalI18n(res);
    const client = signedInClient(res);
    if (req.method === 'POST' && req.get('HX-Request') === 'true') res.set('HX-Replace-Url', `${base}/account/two-factor`);
    const notice =
      typeof req.query.notice === 'string' && NOTICES.has(req.query.notice) ? t(`twoFactor:notices.${req.query.notice}`) : null;
    renderPortalPage(
      req,
      res,
      'two-factor/index',
      t('twoFactor:status.title'),
      {
        status: await twoFactor.status(workspace, client.user),
        mayRemove: mayRemoveTwoFactor(settings),
        identity: await identity.mode(req, res),
        errors,
        errorsFor: form,
        recoveryCodeCount: twoFactor.recoveryCodeCount,
        notice,
      },
      formAnswerStatus(req, status),
    );
  };

  return {
    /**
     * Ends a right first factor: a client with two-factor is asked for it, anyone else is signed in.
     * The auth handlers call this for password, code and link sign-ins alike.
     */
    async completeSignIn(
      req: Request,
      res: Response,
      user: ClientUserRow,
      next: string | undefined,
      method: PendingSecondFactor['method'],
      options: SignInCompletion = {},
    ): Promise<void> {
      const { workspace, base } = portalContext(res);
      const details = options.details ?? {};
      // A provider the agency trusts for it, having done multi-factor itself, stands for the second factor.
      if (!options.secondFactorDone && (await twoFactor.isEnabled(workspace, user))) {
        await sessions.hold(req, {
          workspaceId: workspace.id,
          clientUserId: user.id,
          method,
          ...(next ? { next } : {}),
          startedAt: now().toISOString(),
          ...details,
        });
        return res.redirect(303, `${base}/sign-in/two-factor`);
      }
      await signInCompleted(workspace, user, method, requestMeta(req));
      await sessions.start(req, user, details);
      res.redirect(303, safeNext(base, next));
    },

    showSecondFactor: async (req: Request, res: Response) => {
      if (!pendingOf(req, res)) return res.redirect(303, `${portalContext(res).base}/sign-in`);
      await showSecondFactor(req, res);
    },
    invalidSecondFactor: async (req: Request, res: Response, errors: FieldErrors) => {
      if (!pendingOf(req, res)) return res.redirect(303, `${portalContext(res).base}/sign-in`);
      await showSecondFactor(req, res, errors, 400);
    },

    verifySecondFactor: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { t } = portalI18n(res);
      const pending = pendingOf(req, res);
      if (!pending) return res.redirect(303, `${base}/sign-in`);
      const user = await findClientUserById(db, workspace.id, pending.clientUserId);
      if (!user || !mayUsePortal(user.status)) {
        delete req.session.pendingSecondFactor;
        return res.redirect(303, `${base}/sign-in`);
      }
      const input = req.body as SecondFactorInput;
      const result = await twoFactor.check(workspace, user, input.code);
      const actor = { workspace, user, meta: requestMeta(req) };
      if (!result.ok && result.reason === 'limited') {
        await insertClientActivity(db, actor, 'two_factor.locked', {});
        res.set('Retry-After', String(result.retryAfterSeconds));
        return showSecondFactor(req, res, {}, 429, t('twoFactor:signIn.limited', retryWords(res, result.retryAfterSeconds, now())));
      }
      if (!result.ok) {
        await insertClientActivity(db, actor, 'two_factor.failed', { method: pending.method });
        return showSecondFactor(req, res, { code: t('twoFactor:signIn.invalid') }, 401);
      }
      await insertClientActivity(db, actor, 'two_factor.passed', { method: pending.method, via: result.via });
      await signInCompleted(workspace, user, pending.method, actor.meta);
      await sessions.start(req, user, signInDetailsOf(pending));
      res.redirect(303, safeNext(base, pending.next));
    },
    toSecondFactor: (_req: Request, res: Response) => res.redirect(303, `${portalContext(res).base}/sign-in/two-factor`),

    /**
     * With the workspace requiring two-factor, a signed-in client without it reaches only the set-up
     * pages (and signing out, a public route). Costs a query only where the workspace requires it.
     */
    gate: async (req: Request, res: Response, next: NextFunction) => {
      const { settings, workspace, base } = portalContext(res);
      const client = portalContext(res).client;
      if (!settings.requireTwoFactor || !client || isTwoFactorSetupPath(req.path)) return next();
      if (!mustSetUpTwoFactor(settings, await twoFactor.isEnabled(workspace, client.user))) return next();
      const setup = `${base}/account/two-factor/setup`;
      if (req.method === 'GET' && !isFragmentRequest(req)) return res.redirect(303, setup);
      res.set('HX-Redirect', setup);
      next(new HttpError(403, portalI18n(res).t('twoFactor:setup.requiredFirst')));
    },

    showStatus: (req: Request, res: Response) => showStatus(req, res),
    showSetup: (req: Request, res: Response) => showSetup(req, res),
    invalidSetup: (req: Request, res: Response, errors: FieldErrors) => showSetup(req, res, errors, 400),
    invalidRemove: (req: Request, res: Response, errors: FieldErrors) => showStatus(req, res, errors, 400),
    toSetup: (_req: Request, res: Response) => res.redirect(303, pageAddress(res, '/account/two-factor/setup')),
    toStatus: (_req: Request, res: Response) => res.redirect(303, pageAddress(res, '/account/two-factor')),

    confirmSetup: async (req: Request, res: Response) => {
      const input = req.body as SetupInput;
      const { workspace } = portalContext(res);
      const { t } = portalI18n(res);
      const client = signedInClient(res);
      const confirmed = await identity.check(req, res, input, 'two_factor_setup');
      if (!confirmed.ok) {
        if (confirmed.retryAfterSeconds) res.set('Retry-After', String(confirmed.retryAfterSeconds));
        return showSetup(req, res, confirmed.errors, confirmed.status);
      }
      const result = await twoFactor.confirmSetup(workspace, client.user, input.code, heldSetup(req, res));
      if (!result.ok && result.reason === 'limited') {
        res.set('Retry-After', String(result.retryAfterSeconds));
        return showSetup(req, res, { code: t('twoFactor:setup.limited', retryWords(res, result.retryAfterSeconds, now())) }, 429);
      }
      if (!result.ok) return showSetup(req, res, { code: t('twoFactor:setup.invalid') }, 400);
      await insertClientActivity(db, clientActor(req, res), 'two_factor.enabled', {});
      delete req.session.twoFactorSetup;
      // Shown once, on the next page; the session forgets them as that page is rendered.
      req.session.recoveryCodesToShow = result.recoveryCodes;
      delete req.session.recoveryCodesRenewed;
      res.redirect(303, pageAddress(res, '/account/two-factor/recovery-codes'));
    },

    showRecoveryCodes: (req: Request, res: Response) => {
      const codes = req.session.recoveryCodesToShow;
      if (!codes) return res.redirect(303, pageAddress(res, '/account/two-factor'));
      const renewed = req.session.recoveryCodesRenewed === true;
      delete req.session.recoveryCodesToShow;
      delete req.session.recoveryCodesRenewed;
      res.set('Cache-Control', 'no-store');
      renderPortalPage(req, res, 'two-factor/recovery-codes', portalI18n(res).t('twoFactor:recovery.title'), { codes, renewed });
    },

    invalidRenewRecoveryCodes: (req: Request, res: Response, errors: FieldErrors) => showStatus(req, res, errors, 400, 'renew'),

    /**
     * A new set of recovery codes, after "is it really you?" (the current password, or the emailed
     * code): the earlier ones stop working in the same transaction that stores the new ones (hashed)
     * and logs it, and the codes are shown once, on the page this redirects to.
     */
    renewRecoveryCodes: async (req: Request, res: Response) => {
      const input = req.body as RenewRecoveryCodesInput;
      const { workspace } = portalContext(res);
      const client = signedInClient(res);
      // Off (removed in another tab, or reset by the agency): there are no codes to renew.
      if (!(await twoFactor.isEnabled(workspace, client.user))) return res.redirect(303, pageAddress(res, '/account/two-factor'));
      const confirmed = await identity.check(req, res, input, 'recovery_codes_renewal');
      if (!confirmed.ok) {
        if (confirmed.retryAfterSeconds) res.set('Retry-After', String(confirmed.retryAfterSeconds));
        return showStatus(req, res, confirmed.errors, confirmed.status, 'renew');
      }
      const actor = clientActor(req, res);
      const codes = await twoFactor.renewRecoveryCodes(workspace, client.user, (trx) =>
        insertClientActivity(trx, actor, 'two_factor.recovery_codes_renewed', {}),
      );
      if (!codes) return res.redirect(303, pageAddress(res, '/account/two-factor'));
      req.session.recoveryCodesToShow = codes;
      req.session.recoveryCodesRenewed = true;
      res.redirect(303, pageAddress(res, '/account/two-factor/recovery-codes'));
    },

    remove: async (req: Request, res: Response) => {
      const input = req.body as RemoveInput;
      const { workspace, settings } = portalContext(res);
      const client = signedInClient(res);
      if (!mayRemoveTwoFactor(settings))
        return showStatus(req, res, { form: portalI18n(res).t('twoFactor:status.requiredCannotRemove') }, 409);
      // Already off (removed in another tab, or reset by the agency): nothing to confirm.
      if (!(await twoFactor.isEnabled(workspace, client.user))) return res.redirect(303, pageAddress(res, '/account/two-factor'));
      const confirmed = await identity.check(req, res, input, 'two_factor_removal');
      if (!confirmed.ok) {
        if (confirmed.retryAfterSeconds) res.set('Retry-After', String(confirmed.retryAfterSeconds));
        return showStatus(req, res, confirmed.errors, confirmed.status);
      }
      await twoFactor.remove(db, workspace, client.user);
      await insertClientActivity(db, clientActor(req, res), 'two_factor.disabled', {});
      res.redirect(303, pageAddress(res, '/account/two-factor', 'removed'));
    },

    /** Emails a client without a password the code that confirms it is them. */
    sendConfirmationCode: async (req: Request, res: Response) => {
      const input = req.body as ConfirmationCodeInput;
      const { workspace } = portalContext(res);
      const { t } = portalI18n(res);
      const client = signedInClient(res);
      const back = {
        setup: '/account/two-factor/setup',
        remove: '/account/two-factor',
        renew: '/account/two-factor',
        email: '/account/email',
        password: '/account',
        passkey: '/account/passkeys',
      }[input.for];
      const sent = await twoFactor.sendConfirmationCode(workspace, client.user, 'step-up', null, (code, minutes) =>
        confirmationCodeEmail(t, { to: client.user.email, workspace, code, minutes, forNewAddress: false }),
      );
      if (!sent.ok) {
        res.set('Retry-After', String(sent.retryAfterSeconds));
        throw new HttpError(429, t('twoFactor:identity.codeLimited', retryWords(res, sent.retryAfterSeconds, now())));
      }
      await insertClientActivity(db, clientActor(req, res), 'confirmation_code.requested', { for: input.for });
      res.redirect(303, pageAddress(res, back, 'code-sent'));
    },
  };
}

export type TwoFactorHandlers = ReturnType<typeof createTwoFactorHandlers>;
