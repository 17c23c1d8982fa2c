// "Is it really you?" before a change that could lock a client out or hand the account to someone
// else (two-factor set-up or removal, a new sign-in email): the current password, limited like
// sign-in, or for a client who has none, a 6-digit code emailed to their address. A confirmation
// holds for a few minutes in this session, so a mistyped app code does not cost a second email.
import type { Request, Response } from 'express';
import type { AuthService } from '../sign-in/auth-service.ts';
import { portalContext, portalI18n, requestMeta, signedInClient } from '../../../core/index.ts';
import type { TwoFactorService } from './service.ts';

const IDENTITY_HOLDS_MINUTES = 10;

export type IdentityMode = 'password' | 'code' | 'confirmed';

export type IdentityResult = { ok: true } | { ok: false; status: number; errors: Record<string, string>; retryAfterSeconds?: number };

export interface IdentityInput {
  currentPassword?: string | undefined;
  confirmationCode?: string | undefined;
}

/** "at 10:42 (in 15 minutes)" in the reader's language and time zone. */
export function retryWords(res: Response, retryAfterSeconds: number, now: Date) {
  const { t, fmt } = portalI18n(res);
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  const wait = seconds < 60 ? t('common:wait.seconds', { count: seconds }) : t('common:wait.minutes', { count: Math.ceil(seconds / 60) });
  return { time: fmt.time(new Date(now.getTime() + seconds * 1000)), wait };
}

export function createIdentityCheck(deps: { auth: AuthService; twoFactor: TwoFactorService; now: () => Date }) {
  const recentlyConfirmed = (req: Request) => {
    const at = req.session.identityConfirmedAt ? Date.parse(req.session.identityConfirmedAt) : NaN;
    return Number.isFinite(at) && deps.now().getTime() - at < IDENTITY_HOLDS_MINUTES * 60_000;
  };

  return {
    async mode(req: Request, res: Response): Promise<IdentityMode> {
      if (recentlyConfirmed(req)) return 'confirmed';
      const { workspace } = portalContext(res);
      return (await deps.auth.hasPassword(workspace, signedInClient(res).user)) ? 'password' : 'code';
    },

    async check(req: Request, res: Response, input: IdentityInput, purpose: string): Promise<IdentityResult> {
      if (recentlyConfirmed(req)) return { ok: true };
      const { workspace } = portalContext(res);
      const { t } = portalI18n(res);
      const { user } = signedInClient(res);
      if (await deps.auth.hasPassword(workspace, user)) {
        if (!input.currentPassword) return { ok: false, status: 400, errors: { currentPassword: t('twoFactor:identity.passwordMissing') } };
        const checked = await deps.auth.checkCurrentPassword(workspace, user, input.currentPassword, purpose, requestMeta(req));
        if (!checked.ok && checked.reason === 'limited') {
          return {
            ok: false,
            status: 429,
            retryAfterSeconds: checked.retryAfterSeconds,
            errors: { currentPassword: t('twoFactor:identity.limited', retryWords(res, checked.retryAfterSeconds, deps.now())) },
          };
        }
        if (!checked.ok) return { ok: false, status: 400, errors: { currentPassword: t('twoFactor:identity.passwordWrong') } };
      } else {
        const code = (input.confirmationCode ?? '').replace(/\s+/g, '');
        if (!/^\d{6}$/.test(code)) return { ok: false, status: 400, errors: { confirmationCode: t('twoFactor:identity.codeMissing') } };
        const used = await deps.twoFactor.useConfirmationCode(workspace, user, 'step-up', code);
        if (!used.ok) return { ok: false, status: 400, errors: { confirmationCode: t('twoFactor:identity.codeWrong') } };
      }
      req.session.identityConfirmedAt = deps.now().toISOString();
      return { ok: true };
    },
  };
}

export type IdentityCheck = ReturnType<typeof createIdentityCheck>;
