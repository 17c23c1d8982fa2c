// The pages for changing the sign-in email: the new address (with the password, or an emailed code
// for a client without one), then the code sent to the new address. Post/redirect/get throughout;
// errors show the form again, at its own address, keeping what was typed.
import type { Request, Response } from 'express';
import {
  type FieldErrors,
  formAnswerStatus,
  hashSessionId,
  portalContext,
  portalI18n,
  renderPortalPage,
  requestMeta,
  signedInClient,
} from '../../../core/index.ts';
import type { ChangeEmailInput, ConfirmEmailInput } from '../two-factor/commands.ts';
import { confirmationCodeEmail, emailChangedNotice } from '../two-factor/emails.ts';
import { retryWords, type IdentityCheck } from '../two-factor/identity.ts';
import type { EmailChangeService } from './service.ts';

declare module 'express-session' {
  interface SessionData {
    /** The address a code was just sent to, shown on the confirmation page. */
    emailChangeTo?: string;
  }
}

export function createEmailChangeHandlers(deps: { emailChange: EmailChangeService; identity: IdentityCheck; now: () => Date }) {
  const { emailChange, identity, now } = deps;

  const addressed = (req: Request, res: Response, path: string) => {
    if (req.method === 'POST' && req.get('HX-Request') === 'true') res.set('HX-Replace-Url', `${portalContext(res).base}${path}`);
  };

  const showForm = async (req: Request, res: Response, errors: FieldErrors = {}, status = 200) => {
    const { t } = portalI18n(res);
    addressed(req, res, '/account/email');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const typed = req.method === 'POST' && typeof body.email === 'string' ? body.email.slice(0, 320) : '';
    const notice =
      req.query.notice === 'code-sent'
        ? t('twoFactor:notices.code-sent')
        : req.query.notice === 'changed'
          ? t('emailChange:changed')
          : null;
    renderPortalPage(
      req,
      res,
      'email-change/index',
      t('emailChange:title'),
      {
        current: signedInClient(res).user.email,
        supported: emailChange.supported,
        identity: await identity.mode(req, res),
        values: { email: typed },
        errors,
        notice,
      },
      formAnswerStatus(req, status),
    );
  };

  const showConfirm = async (req: Request, res: Response, errors: FieldErrors = {}, status = 200) => {
    const { t } = portalI18n(res);
    addressed(req, res, '/account/email/confirm');
    // The session names the address asked for; where it does not (a second tab, or a session
    // write that lost to another request's), the pending code's own row does.
    const to = req.session.emailChangeTo ?? (await emailChange.pendingAddress(portalContext(res).workspace, signedInClient(res).user));
    if (!to) return res.redirect(303, `${portalContext(res).base}/account/email`);
    renderPortalPage(req, res, 'email-change/confirm', t('emailChange:confirmTitle'), { to, errors }, formAnswerStatus(req, status));
  };

  return {
    show: (req: Request, res: Response) => showForm(req, res),
    invalid: (req: Request, res: Response, errors: FieldErrors) => showForm(req, res, errors, 400),
    showConfirm: (req: Request, res: Response) => showConfirm(req, res),
    invalidConfirm: (req: Request, res: Response, errors: FieldErrors) => showConfirm(req, res, errors, 400),
    toForm: (_req: Request, res: Response) => res.redirect(303, `${portalContext(res).base}/account/email`),
    toConfirm: (_req: Request, res: Response) => res.redirect(303, `${portalContext(res).base}/account/email/confirm`),

    request: async (req: Request, res: Response) => {
      const input = req.body as ChangeEmailInput;
      const { workspace, base } = portalContext(res);
      const { t } = portalI18n(res);
      const client = signedInClient(res);
      if (!emailChange.supported) return showForm(req, res, { email: t('emailChange:unsupported') }, 409);
      const confirmed = await identity.check(req, res, input, 'email_change');
      if (!confirmed.ok) {
        if (confirmed.retryAfterSeconds) res.set('Retry-After', String(confirmed.retryAfterSeconds));
        return showForm(req, res, confirmed.errors, confirmed.status);
      }
      const result = await emailChange.request(
        workspace,
        client.user,
        input.email,
        (code, minutes) => confirmationCodeEmail(t, { to: input.email, workspace, code, minutes, forNewAddress: true }),
        requestMeta(req),
      );
      if (!result.ok) {
        if (result.reason === 'limited') {
          res.set('Retry-After', String(result.retryAfterSeconds));
          return showForm(req, res, { email: t('emailChange:limited', retryWords(res, result.retryAfterSeconds, now())) }, 429);
        }
        return showForm(req, res, { email: t(`emailChange:${result.reason}`) }, result.reason === 'unsupported' ? 409 : 400);
      }
      req.session.emailChangeTo = input.email;
      res.redirect(303, `${base}/account/email/confirm`);
    },

    confirm: async (req: Request, res: Response) => {
      const input = req.body as ConfirmEmailInput;
      const { workspace, base } = portalContext(res);
      const { t } = portalI18n(res);
      const client = signedInClient(res);
      const result = await emailChange.confirm(
        workspace,
        client.user,
        input.code,
        hashSessionId(req.sessionID),
        (oldEmail, newEmail) => emailChangedNotice(t, { to: oldEmail, workspace, newEmail }),
        requestMeta(req),
      );
      if (!result.ok) {
        const status = result.reason === 'unsupported' ? 409 : 400;
        return showConfirm(req, res, { code: t(`emailChange:confirmErrors.${result.reason}`) }, status);
      }
      delete req.session.emailChangeTo;
      client.user = { ...client.user, email: result.newEmail };
      client.contact = result.contact;
      res.redirect(303, `${base}/account/email?notice=changed`);
    },
  };
}

export type EmailChangeHandlers = ReturnType<typeof createEmailChangeHandlers>;
