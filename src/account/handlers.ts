// The client's account: profile (name and phone live on the host contact, changed through the
// adapter), password, and the list of signed-in sessions.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import type { HostAdapter } from '../ports/host.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { insertActivity } from '../activity/queries.ts';
import { findClientUserById } from '../client-users/queries.ts';
import { hashSessionId } from '../sessions/hashed-session-store.ts';
import { deleteOtherSessions, deleteSession, listLiveSessions } from '../sessions/queries.ts';
import { notFound } from '../web/http-error.ts';
import { portalContext, renderPortalPage, signedInClient } from '../web/portal-context.ts';
import { isFragmentRequest } from '../web/render.ts';
import { requestMeta } from '../web/request-meta.ts';
import { parseParam, type FieldErrors } from '../web/validate.ts';
import { SessionIdParam, type ChangePasswordInput, type UpdateProfileInput } from './commands.ts';
import { presentProfile, presentSessions } from './presenters.ts';

export function createAccountHandlers(deps: { db: Knex; adapter: HostAdapter; auth: AuthService; now: () => Date }) {
  const { db, adapter, auth, now } = deps;

  async function show(req: Request, res: Response, forms: { profileErrors?: FieldErrors; passwordErrors?: FieldErrors; notice?: string } = {}, status = 200) {
    const { workspace } = portalContext(res);
    const client = signedInClient(res);
    const sessions = await listLiveSessions(db, workspace.id, client.user.id, now());
    renderPortalPage(req, res, 'account/index', 'Your account', {
      profile: presentProfile(client.user, client.contact, await auth.hasPassword(workspace, client.user)),
      sessions: presentSessions(sessions, hashSessionId(req.sessionID)),
      profileErrors: forms.profileErrors ?? {},
      passwordErrors: forms.passwordErrors ?? {},
      notice: forms.notice ?? null,
    }, status);
  }

  const log = (req: Request, res: Response, event: 'account.updated' | 'session.revoked', details: Record<string, unknown> = {}) => {
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    return insertActivity(db, { workspaceId: workspace.id, event, clientUserId: user.id, clientId: user.client_id, email: user.email, details, ...requestMeta(req) });
  };

  return {
    show: (req: Request, res: Response) => show(req, res),
    invalidProfile: (req: Request, res: Response, errors: FieldErrors) => show(req, res, { profileErrors: errors }, 400),
    invalidPassword: (req: Request, res: Response, errors: FieldErrors) => show(req, res, { passwordErrors: errors }, 400),

    updateProfile: async (req: Request, res: Response) => {
      const input = req.body as UpdateProfileInput;
      const { workspace } = portalContext(res);
      const client = signedInClient(res);
      const updated = await adapter.contacts.updateProfile(workspace.id, client.contact.id, { name: input.name, phone: input.phone });
      if (!updated) throw notFound();
      client.contact = updated;
      await log(req, res, 'account.updated', { fields: ['name', 'phone'] });
      await show(req, res, { notice: 'Your profile is saved.' });
    },

    changePassword: async (req: Request, res: Response) => {
      const input = req.body as ChangePasswordInput;
      const { workspace } = portalContext(res);
      const client = signedInClient(res);
      const hasPassword = await auth.hasPassword(workspace, client.user);
      if (hasPassword && !input.currentPassword) {
        return show(req, res, { passwordErrors: { currentPassword: 'Enter your current password.' } }, 400);
      }
      const outcome = hasPassword
        ? await auth.changePassword(workspace, client.user, input.currentPassword ?? '', input.password, hashSessionId(req.sessionID), requestMeta(req))
        : await auth.setFirstPassword(workspace, client.user, input.password, hashSessionId(req.sessionID), requestMeta(req));
      if (!outcome.ok && outcome.reason === 'limited') {
        const minutes = Math.max(1, Math.ceil(outcome.retryAfterSeconds / 60));
        res.set('Retry-After', String(outcome.retryAfterSeconds));
        return show(req, res, { passwordErrors: { currentPassword: `Too many wrong passwords. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` } }, 429);
      }
      if (!outcome.ok) {
        return show(req, res, { passwordErrors: { currentPassword: 'That is not your current password.' } }, 400);
      }
      client.user = (await findClientUserById(db, workspace.id, client.user.id)) ?? client.user;
      await show(req, res, { notice: 'Your password is changed. Other sessions were signed out.' });
    },

    revokeSession: async (req: Request, res: Response) => {
      const sid = parseParam(SessionIdParam, req.params.sessionId);
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      if (sid === hashSessionId(req.sessionID)) throw notFound('Use “Sign out” to end this session.');
      const removed = await deleteSession(db, workspace.id, user.id, sid);
      if (removed === 0) throw notFound('That session has already ended.');
      await log(req, res, 'session.revoked', { scope: 'one' });
      if (isFragmentRequest(req)) return show(req, res, { notice: 'That session is signed out.' });
      res.redirect(303, `${base}/account`);
    },

    revokeOtherSessions: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      const removed = await deleteOtherSessions(db, workspace.id, user.id, hashSessionId(req.sessionID));
      await log(req, res, 'session.revoked', { scope: 'others', count: removed });
      if (isFragmentRequest(req)) return show(req, res, { notice: 'All other sessions are signed out.' });
      res.redirect(303, `${base}/account`);
    },
  };
}

export type AccountHandlers = ReturnType<typeof createAccountHandlers>;
