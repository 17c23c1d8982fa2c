// The sign-in and security log: a person's own entries, a client admin's view of the whole
// company's with each person's email, and the agency's view of one person's (a staff page, from
// the person's page in the admin). Read-only pages; an "older" link pages back by id. Each says
// how long the workspace keeps an entry.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  findClientUserById,
  type HostAdapter,
  notFound,
  parseParam,
  portalContext,
  portalI18n,
  renderAdminPage,
  renderPortalPage,
  type RequestI18n,
  signedInClient,
  staffContext,
  type WorkspaceCache,
} from '../../../core/index.ts';
import { ClientUserIdParam, type SecurityLogQueryInput } from '../commands.ts';
import { presentSecurityLog, type SecurityLogEntryView } from './presenters.ts';
import { listSecurityEntries } from './queries.ts';

const SECURITY_LOG_PAGE_SIZE = 50;
const CLIENT_USER_NOT_FOUND = 'We could not find that client user.';

interface SecurityLogPage {
  entries: SecurityLogEntryView[];
  /** The next page back, or null on the last. */
  older: string | null;
  /** The first page, when this is not it. */
  newest: string | null;
}

/** One page of the log at `address`, entries older than the query's `before` (else the newest). */
async function readPage(
  db: Knex,
  res: Response,
  args: {
    workspaceId: string;
    whose: { clientUserId: string } | { clientId: string };
    address: string;
    i18n: Pick<RequestI18n, 't' | 'fmt'>;
  },
): Promise<SecurityLogPage> {
  const before = (res.locals.query as SecurityLogQueryInput | undefined)?.before ?? null;
  // One more than a page tells whether an older page exists, without counting.
  const rows = await listSecurityEntries(db, {
    workspaceId: args.workspaceId,
    whose: args.whose,
    before,
    limit: SECURITY_LOG_PAGE_SIZE + 1,
  });
  const page = rows.slice(0, SECURITY_LOG_PAGE_SIZE);
  const last = page.at(-1);
  return {
    entries: presentSecurityLog(page, args.i18n),
    older: rows.length > SECURITY_LOG_PAGE_SIZE && last ? `${args.address}?before=${last.id}` : null,
    newest: before ? args.address : null,
  };
}

export function createSecurityLogHandlers(deps: { db: Knex }) {
  async function show(req: Request, res: Response, scope: 'own' | 'company') {
    const { workspace, base, settings } = portalContext(res);
    const i18n = portalI18n(res);
    const { user } = signedInClient(res);
    const page = await readPage(deps.db, res, {
      workspaceId: workspace.id,
      whose: scope === 'own' ? { clientUserId: user.id } : { clientId: user.client_id },
      address: `${base}/account/security-log${scope === 'company' ? '/company' : ''}`,
      i18n,
    });
    renderPortalPage(req, res, 'security-log/index', i18n.t(`account:securityLog.${scope === 'own' ? 'title' : 'companyTitle'}`), {
      scope,
      ...page,
      keptDays: settings.securityLogDays,
    });
  }

  return {
    own: (req: Request, res: Response) => show(req, res, 'own'),
    company: (req: Request, res: Response) => show(req, res, 'company'),
  };
}

export type SecurityLogHandlers = ReturnType<typeof createSecurityLogHandlers>;

/**
 * The agency's page of one client user's log: found in the staff member's workspace only (a person
 * of another workspace, or none, is a 404), named by their contact where the host still has it.
 */
export function createStaffSecurityLogHandlers(deps: {
  db: Knex;
  adapter: Pick<HostAdapter, 'contacts'>;
  workspaces: Pick<WorkspaceCache, 'byId'>;
}) {
  return {
    person: async (req: Request, res: Response) => {
      const { workspace, base, i18n } = staffContext(res);
      const id = parseParam(ClientUserIdParam, req.params.clientUserId);
      const user = await findClientUserById(deps.db, workspace.id, id);
      if (!user) throw notFound(CLIENT_USER_NOT_FOUND);
      const personHref = `${base}/clients/${encodeURIComponent(user.id)}/access`;
      const [contact, entry, page] = await Promise.all([
        deps.adapter.contacts.findById(workspace.id, user.contact_id),
        // Cached: the staff chain has just read the same workspace.
        deps.workspaces.byId(workspace.id),
        readPage(deps.db, res, {
          workspaceId: workspace.id,
          whose: { clientUserId: user.id },
          address: `${base}/clients/${encodeURIComponent(user.id)}/security-log`,
          i18n,
        }),
      ]);
      const name = contact?.name ?? user.email;
      renderAdminPage(req, res, 'security-log/staff', i18n.t('account:securityLog.staff.title', { name }), {
        person: { name, email: user.email },
        personHref,
        ...page,
        keptDays: entry?.settings.securityLogDays ?? null,
      });
    },
  };
}

export type StaffSecurityLogHandlers = ReturnType<typeof createStaffSecurityLogHandlers>;
