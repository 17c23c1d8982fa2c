// The sign-in and security log: a person's own entries, and a client admin's view of the whole
// company's with each person's email. Read-only pages; an "older" link pages back by id.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { portalContext, portalI18n, renderPortalPage, signedInClient } from '../../../core/index.ts';
import type { SecurityLogQueryInput } from '../commands.ts';
import { presentSecurityLog } from './presenters.ts';
import { listSecurityEntries } from './queries.ts';

const SECURITY_LOG_PAGE_SIZE = 50;

export function createSecurityLogHandlers(deps: { db: Knex }) {
  async function show(req: Request, res: Response, scope: 'own' | 'company') {
    const { workspace, base } = portalContext(res);
    const i18n = portalI18n(res);
    const { user } = signedInClient(res);
    const before = (res.locals.query as SecurityLogQueryInput | undefined)?.before ?? null;
    // One more than a page tells whether an older page exists, without counting.
    const rows = await listSecurityEntries(deps.db, {
      workspaceId: workspace.id,
      whose: scope === 'own' ? { clientUserId: user.id } : { clientId: user.client_id },
      before,
      limit: SECURITY_LOG_PAGE_SIZE + 1,
    });
    const page = rows.slice(0, SECURITY_LOG_PAGE_SIZE);
    const address = `${base}/account/security-log${scope === 'company' ? '/company' : ''}`;
    const last = page.at(-1);
    renderPortalPage(req, res, 'security-log/index', i18n.t(`account:securityLog.${scope === 'own' ? 'title' : 'companyTitle'}`), {
      scope,
      entries: presentSecurityLog(page, i18n),
      older: rows.length > SECURITY_LOG_PAGE_SIZE && last ? `${address}?before=${last.id}` : null,
      newest: before ? address : null,
    });
  }

  return {
    own: (req: Request, res: Response) => show(req, res, 'own'),
    company: (req: Request, res: Response) => show(req, res, 'company'),
  };
}

export type SecurityLogHandlers = ReturnType<typeof createSecurityLogHandlers>;
