// Passkeys: the person's list on their account (add, remove) and signing in with one.
// Each ceremony is two requests: our script asks for options (a JSON answer; the challenge stays
// in this session), the browser's authenticator answers, and the script posts that answer with the
// page's form; the form's answer is a redirect (post/redirect/get) or the page again with what is
// wrong. Where a person's company signs in only through its identity provider, passkeys are off
// for them: no page, no sign-in.
import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  clientActor,
  type ClientUserRow,
  customOriginOf,
  type FieldErrors,
  findClientUserById,
  formAnswerStatus,
  insertClientActivity,
  mayUsePortal,
  notFound,
  type PasskeyChallenge,
  portalContext,
  portalI18n,
  type RateLimiter,
  renderPortalPage,
  requestMeta,
  safeNext,
  type SessionLifecycle,
  SIGN_IN_LIMITS,
  signedInClient,
  tooManyRequests,
  signInDetailsOf,
} from '../../../core/index.ts';
import type { AuthService } from '../sign-in/auth-service.ts';
import type { SingleSignOnHooks } from '../sign-in/handlers.ts';
import { pendingSecondFactorOf, type TwoFactorHandlers } from '../two-factor/handlers.ts';
import type { IdentityCheck } from '../two-factor/identity.ts';
import type { AddPasskeyInput, PasskeySignInInput, RegistrationOptionsInput } from './commands.ts';
import { presentPasskeys } from './presenters.ts';
import { countPasskeys, deletePasskey, findPasskey, listPasskeys } from './queries.ts';
import { CHALLENGE_MINUTES, MAX_PASSKEYS, type PasskeyService, relyingPartyAt } from './service.ts';

const NOTICES = new Set(['added', 'removed', 'code-sent']);

/** Budgets of the passkey ceremonies' option requests, each of which writes a session. */
const PASSKEY_LIMITS = {
  signInOptionsPerIp: { name: 'passkey-options:ip', points: 60, windowSeconds: 15 * 60, blockSeconds: 15 * 60 },
  ceremoniesPerPerson: { name: 'passkey-register:person', points: 30, windowSeconds: 60 * 60, blockSeconds: 60 * 60 },
};

export interface PasskeyHandlerDeps {
  db: Knex;
  passkeys: PasskeyService;
  auth: AuthService;
  identity: IdentityCheck;
  limiter: RateLimiter;
  appUrl: string;
  completeSignIn: TwoFactorHandlers['completeSignIn'];
  sessions: SessionLifecycle;
  recordSignIn?: (method: 'passkey', outcome: 'success' | 'failure' | 'limited') => void;
  singleSignOn?: Pick<SingleSignOnHooks, 'passwordAndCodeAllowed'>;
  now: () => Date;
}

export function createPasskeyHandlers(deps: PasskeyHandlerDeps) {
  const { db, passkeys, auth, identity, limiter, now } = deps;
  const recordSignIn = deps.recordSignIn ?? (() => {});

  /** The portal as the person reached it: its custom domain, or the portal's own address. */
  const relyingParty = (req: Request, res: Response) => relyingPartyAt(customOriginOf(req) ?? deps.appUrl, portalContext(res).workspace);

  /** Passkeys are off for the people of a company that signs in only through its identity provider. */
  const allowedFor = async (workspaceId: string, user: ClientUserRow) =>
    !deps.singleSignOn || (await deps.singleSignOn.passwordAndCodeAllowed(workspaceId, user));

  /**
   * Takes this session's challenge for `purpose` (once, across instances: it is gone after this),
   * if it is still fresh and this workspace's.
   */
  const takeChallenge = async (
    req: Request,
    res: Response,
    purpose: PasskeyChallenge['purpose'],
    clientUserId?: string,
  ): Promise<string | null> => {
    const held = await deps.sessions.takePasskeyChallenge(req);
    if (!held) return null;
    const fresh = now().getTime() - Date.parse(held.startedAt) < CHALLENGE_MINUTES * 60_000;
    const ours = held.workspaceId === portalContext(res).workspace.id && held.purpose === purpose && held.clientUserId === clientUserId;
    return fresh && ours ? held.challenge : null;
  };

  const holdChallenge = (req: Request, res: Response, purpose: PasskeyChallenge['purpose'], challenge: string, clientUserId?: string) => {
    req.session.passkeyChallenge = {
      workspaceId: portalContext(res).workspace.id,
      purpose,
      challenge,
      startedAt: now().toISOString(),
      ...(clientUserId ? { clientUserId } : {}),
    };
  };

  /** The options as JSON, never cached. */
  const sendOptions = (res: Response, options: object) => {
    res.set('Cache-Control', 'no-store').type('application/json').send(JSON.stringify(options));
  };

  const pageAddress = (res: Response, notice?: string) => `${portalContext(res).base}/account/passkeys${notice ? `?notice=${notice}` : ''}`;

  const showList = async (req: Request, res: Response, errors: FieldErrors = {}, status = 200, values: { name?: string } = {}) => {
    const { workspace, base } = portalContext(res);
    const i18n = portalI18n(res);
    const client = signedInClient(res);
    if (req.method === 'POST' && req.get('HX-Request') === 'true') res.set('HX-Replace-Url', `${base}/account/passkeys`);
    const rows = await listPasskeys(db, workspace.id, client.user.id);
    const notice =
      typeof req.query.notice === 'string' && NOTICES.has(req.query.notice) ? i18n.t(`passkeys:notices.${req.query.notice}`) : null;
    renderPortalPage(
      req,
      res,
      'passkeys/index',
      i18n.t('passkeys:title'),
      {
        identity: await identity.mode(req, res),
        passkeys: presentPasskeys(rows, i18n),
        errors,
        values,
        notice,
        full: rows.length >= MAX_PASSKEYS,
        // Its scripts: the browser library and ours, from the portal's own assets (no inline script).
        assets: portalContext(res).assets,
      },
      formAnswerStatus(req, status),
    );
  };

  /** The sign-in page again with a message, as the other sign-in methods answer a refusal. */
  const refuseSignIn = (req: Request, res: Response, reason: 'failed' | 'expired' | 'singleSignOnOnly') => {
    const { base } = portalContext(res);
    const next = (req.body as { next?: unknown } | undefined)?.next;
    const query = new URLSearchParams({ passkey: reason, ...(typeof next === 'string' && next ? { next } : {}) });
    // A plain form post (our script submits the form): back to the page, which names the reason.
    return res.redirect(303, `${base}/sign-in?${query.toString()}`);
  };

  const twoFactorPage = (res: Response, reason?: 'failed' | 'expired') =>
    res.redirect(303, `${portalContext(res).base}/sign-in/two-factor${reason ? `?passkey=${reason}` : ''}`);

  /** The person of a pending second factor, with their passkeys, where they may use them. */
  const pendingWithPasskeys = async (req: Request, res: Response) => {
    const { workspace } = portalContext(res);
    const pending = pendingSecondFactorOf(req, res, now());
    if (!pending) return null;
    const user = await findClientUserById(db, workspace.id, pending.clientUserId);
    if (!user || !mayUsePortal(user.status) || !(await allowedFor(workspace.id, user))) return null;
    return { pending, user };
  };

  return {
    /** The passkey pages exist only for those who may use passkeys. */
    requireAllowed: async (_req: Request, res: Response, next: NextFunction) => {
      const { workspace } = portalContext(res);
      if (!(await allowedFor(workspace.id, signedInClient(res).user))) return next(notFound());
      next();
    },

    /** Whether the account page offers passkeys to this person. */
    offeredTo: (workspaceId: string, user: ClientUserRow) => allowedFor(workspaceId, user),

    showList: (req: Request, res: Response) => showList(req, res),
    toList: (_req: Request, res: Response) => res.redirect(303, pageAddress(res)),

    invalidAdd: (req: Request, res: Response, errors: FieldErrors) => {
      const name = typeof req.body?.name === 'string' ? req.body.name.slice(0, 100) : '';
      return showList(req, res, errors, 400, { name });
    },

    /** Creation options for a new passkey; the challenge stays in this session. */
    registrationOptions: async (req: Request, res: Response) => {
      const client = signedInClient(res);
      const limited = await limiter.consume(PASSKEY_LIMITS.ceremoniesPerPerson, `${client.user.workspace_id}:${client.user.id}`);
      if (!limited.allowed) throw tooManyRequests(limited.retryAfterSeconds, portalI18n(res).t);
      // Asked before the device's prompt, so a wrong password does not cost a passkey made for nothing.
      const confirmed = await identity.check(req, res, req.body as RegistrationOptionsInput, 'passkey_add');
      if (!confirmed.ok) {
        if (confirmed.retryAfterSeconds) res.set('Retry-After', String(confirmed.retryAfterSeconds));
        return res.status(confirmed.status).set('Cache-Control', 'no-store').json({ errors: confirmed.errors });
      }
      const options = await passkeys.registrationOptions(relyingParty(req, res), client.user, client.contact.name || client.user.email);
      holdChallenge(req, res, 'register', options.challenge, client.user.id);
      sendOptions(res, options);
    },

    add: async (req: Request, res: Response) => {
      const input = req.body as AddPasskeyInput;
      const { workspace } = portalContext(res);
      const { t } = portalI18n(res);
      const client = signedInClient(res);
      const confirmed = await identity.check(req, res, input, 'passkey_add');
      if (!confirmed.ok) {
        if (confirmed.retryAfterSeconds) res.set('Retry-After', String(confirmed.retryAfterSeconds));
        return showList(req, res, confirmed.errors, confirmed.status, { name: input.name });
      }
      const challenge = await takeChallenge(req, res, 'register', client.user.id);
      if (!challenge) return showList(req, res, { response: t('passkeys:errors.expired') }, 400, { name: input.name });
      if ((await countPasskeys(db, workspace.id, client.user.id)) >= MAX_PASSKEYS)
        return showList(req, res, { name: t('passkeys:errors.full', { count: MAX_PASSKEYS }) }, 409, { name: input.name });
      const result = await passkeys.register(relyingParty(req, res), client.user, challenge, input.response, input.name);
      if (!result.ok)
        return showList(
          req,
          res,
          { response: t(result.reason === 'duplicate' ? 'passkeys:errors.duplicate' : 'passkeys:errors.invalid') },
          400,
          {
            name: input.name,
          },
        );
      await insertClientActivity(db, clientActor(req, res), 'passkey.added', { name: input.name });
      res.redirect(303, pageAddress(res, 'added'));
    },

    showRemove: async (req: Request, res: Response) => {
      const { workspace } = portalContext(res);
      const i18n = portalI18n(res);
      const row = await findPasskey(db, workspace.id, signedInClient(res).user.id, String(req.params.passkeyId));
      // Not one of this person's passkeys (removed, or never theirs): nothing to ask about.
      if (!row) throw notFound();
      renderPortalPage(req, res, 'passkeys/remove', i18n.t('passkeys:remove.title'), { passkey: presentPasskeys([row], i18n)[0] });
    },

    remove: async (req: Request, res: Response) => {
      const { workspace } = portalContext(res);
      const removed = await deletePasskey(db, workspace.id, signedInClient(res).user.id, String(req.params.passkeyId));
      // Removed already (another tab, a second click): the list says what is left.
      if (!removed) return res.redirect(303, pageAddress(res));
      await insertClientActivity(db, clientActor(req, res), 'passkey.removed', {});
      res.redirect(303, pageAddress(res, 'removed'));
    },

    /** Request options for a sign-in with any of this portal's passkeys; limited per address like every sign-in. */
    signInOptions: async (req: Request, res: Response) => {
      const limited = await limiter.consume(PASSKEY_LIMITS.signInOptionsPerIp, req.ip ?? 'unknown');
      if (!limited.allowed) throw tooManyRequests(limited.retryAfterSeconds, portalI18n(res).t);
      const options = await passkeys.signInOptions(relyingParty(req, res));
      holdChallenge(req, res, 'sign-in', options.challenge);
      sendOptions(res, options);
    },

    /** Whether the second-factor page offers this person's passkeys. */
    secondFactorOffered: async (workspaceId: string, clientUserId: string) => {
      if ((await countPasskeys(db, workspaceId, clientUserId)) === 0) return false;
      const user = await findClientUserById(db, workspaceId, clientUserId);
      return user !== null && (await allowedFor(workspaceId, user));
    },

    /** Request options for the pending person's own passkeys, as their second factor. */
    secondFactorOptions: async (req: Request, res: Response) => {
      const limited = await limiter.consume(PASSKEY_LIMITS.signInOptionsPerIp, req.ip ?? 'unknown');
      if (!limited.allowed) throw tooManyRequests(limited.retryAfterSeconds, portalI18n(res).t);
      const who = await pendingWithPasskeys(req, res);
      const rows = who ? await listPasskeys(db, who.user.workspace_id, who.user.id) : [];
      if (!who || rows.length === 0) throw notFound();
      const options = await passkeys.secondFactorOptions(relyingParty(req, res), rows);
      holdChallenge(req, res, 'second-factor', options.challenge, who.user.id);
      sendOptions(res, options);
    },

    /**
     * A passkey in place of the app's code: it must be one of the pending person's own. Holding it is
     * the second factor (the password, code or link was the first), checked once like the code.
     */
    secondFactor: async (req: Request, res: Response) => {
      const input = req.body as PasskeySignInInput;
      const { workspace, base } = portalContext(res);
      const who = await pendingWithPasskeys(req, res);
      if (!who) return res.redirect(303, `${base}/sign-in`);
      const { pending, user } = who;
      const limited = await limiter.consume(SIGN_IN_LIMITS.attemptsPerIp, req.ip ?? 'unknown');
      if (!limited.allowed) throw tooManyRequests(limited.retryAfterSeconds, portalI18n(res).t);
      const actor = { workspace, user, meta: requestMeta(req) };
      const challenge = await takeChallenge(req, res, 'second-factor', user.id);
      if (!challenge) return twoFactorPage(res, 'expired');
      const result = await passkeys.signIn(workspace.id, relyingParty(req, res), challenge, input.response);
      if (!result.ok || result.passkey.client_user_id !== user.id) {
        await insertClientActivity(db, actor, 'two_factor.failed', { method: pending.method, via: 'passkey' });
        return twoFactorPage(res, 'failed');
      }
      await insertClientActivity(db, actor, 'two_factor.passed', { method: pending.method, via: 'passkey' });
      await auth.signInCompleted(workspace, user, pending.method, actor.meta);
      await deps.sessions.start(req, user, signInDetailsOf(pending));
      res.redirect(303, safeNext(base, pending.next));
    },
    toSecondFactor: (_req: Request, res: Response) => twoFactorPage(res),

    invalidSignIn: (req: Request, res: Response) => refuseSignIn(req, res, 'failed'),
    toSignIn: (_req: Request, res: Response) => res.redirect(303, `${portalContext(res).base}/sign-in`),

    signIn: async (req: Request, res: Response) => {
      const input = req.body as PasskeySignInInput;
      const { workspace } = portalContext(res);
      const meta = requestMeta(req);
      const limited = await limiter.consume(SIGN_IN_LIMITS.attemptsPerIp, req.ip ?? 'unknown');
      if (!limited.allowed) {
        recordSignIn('passkey', 'limited');
        throw tooManyRequests(limited.retryAfterSeconds, portalI18n(res).t);
      }
      const challenge = await takeChallenge(req, res, 'sign-in');
      if (!challenge) {
        await auth.logPasskeyFailure(workspace, null, 'no_challenge', meta);
        recordSignIn('passkey', 'failure');
        return refuseSignIn(req, res, 'expired');
      }
      const result = await passkeys.signIn(workspace.id, relyingParty(req, res), challenge, input.response);
      const user = result.passkey ? await findClientUserById(db, workspace.id, result.passkey.client_user_id) : null;
      if (!result.ok) {
        await auth.logPasskeyFailure(workspace, user, result.reason, meta);
        recordSignIn('passkey', 'failure');
        return refuseSignIn(req, res, 'failed');
      }
      if (!user || !mayUsePortal(user.status)) {
        await auth.logPasskeyFailure(workspace, user, 'account_disabled', meta);
        recordSignIn('passkey', 'failure');
        return refuseSignIn(req, res, 'failed');
      }
      if (!(await allowedFor(workspace.id, user))) {
        await auth.logSignInRefused(workspace, user, 'passkey', 'single_sign_on_only', meta);
        recordSignIn('passkey', 'failure');
        return refuseSignIn(req, res, 'singleSignOnOnly');
      }
      recordSignIn('passkey', 'success');
      // A passkey unlocked by the device's own check (fingerprint, face, PIN) is two factors: something
      // held and something known or been. Without that check it is one, and two-factor asks for the other.
      await deps.completeSignIn(req, res, user, input.next, 'passkey', { secondFactorDone: result.userVerified });
    },
  };
}

export type PasskeyHandlers = ReturnType<typeof createPasskeyHandlers>;
