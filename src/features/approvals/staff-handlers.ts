// The staff pages of approvals the portal keeps (for a host without approvals of its own): the
// workspace's work shared for approval (client, title, latest version, where it stands), sharing
// a new piece of work (a client of the host, a title, a message and a file: version 1), and one
// piece with every version and the client's decision on each, where the next version is shared.
// Every form posts, then redirects (PRG); a refused one comes back (400) with what was typed and
// its messages. Every read names the workspace; a piece of work of another workspace is 404.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  type FieldErrors,
  formAnswerStatus,
  type HostAdapter,
  notFound,
  parseParam,
  renderAdminPage,
  sendDownload,
  staffContext,
  type Translate,
  UPLOAD_ACCEPT,
  type WorkspaceCache,
} from '../../core/index.ts';
import type { ApprovalsPort } from './port.ts';
import { ApprovalId, VersionNumber } from './commands.ts';
import type { KeptApprovalShares } from './kept-shares.ts';
import { findKeptApproval, listKeptApprovals, listKeptVersions } from './kept-queries.ts';
import { decodeKeptCursor, encodeKeptCursor, isKeptApprovalId } from './portal-kept.ts';
import { approvalDecisions, latestWorkspaceDecisions } from './queries.ts';
import type { NextVersionInput, ShareInput, StaffApprovalQueryInput, StaffApprovalsQueryInput } from './staff-commands.ts';
import { presentStaffApproval, presentStaffApprovalRow, staffApprovalUrl } from './staff-presenters.ts';

const STAFF_PAGE_SIZE = 25;

export interface StaffApprovalsDeps {
  db: Knex;
  adapter: Pick<HostAdapter, 'clients'>;
  /** The approvals port the portal keeps (portal-kept.ts): the staff page opens a version's file through it. */
  approvals: ApprovalsPort;
  shares: KeptApprovalShares;
  /** The workspace's settings (cached): the list says when clients do not see approvals yet. */
  workspaces: Pick<WorkspaceCache, 'byId'>;
}

const text = (body: unknown, key: string) => {
  const value = (body ?? {}) as Record<string, unknown>;
  return typeof value[key] === 'string' ? (value[key] as string).slice(0, 4000) : '';
};

/** Our schemas' messages are keys of approvals.json: in the staff member's language. */
const translated = (errors: FieldErrors, t: Translate): FieldErrors =>
  Object.fromEntries(
    Object.entries(errors).map(([field, message]) => [field.split('.')[0]!, message.startsWith('approvals:') ? t(message) : message]),
  );

export function createStaffApprovalsHandlers(deps: StaffApprovalsDeps) {
  const { db, adapter, approvals, shares, workspaces } = deps;

  async function clientNames(workspaceId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const clients = adapter.clients.findByIds
      ? await adapter.clients.findByIds(workspaceId, [...new Set(ids)])
      : await adapter.clients.list(workspaceId);
    return new Map(clients.map((client) => [client.id, client.name]));
  }

  async function loadApproval(req: Request, res: Response) {
    const { workspace } = staffContext(res);
    const id = parseParam(ApprovalId, req.params.approvalId);
    const approval = isKeptApprovalId(id) ? await findKeptApproval(db, { workspaceId: workspace.id, id }) : null;
    if (!approval) throw notFound('We could not find that piece of work.');
    return approval;
  }

  async function newForm(req: Request, res: Response, errors: FieldErrors | null, status = 200) {
    const { workspace, base, i18n } = staffContext(res);
    const clients = [...(await adapter.clients.list(workspace.id))].sort((a, b) => a.name.localeCompare(b.name));
    const sent = errors ? req.body : {};
    renderAdminPage(
      req,
      res,
      'approvals/staff-new',
      i18n.t('approvals:staff.newTitle'),
      {
        backHref: `${base}/approvals`,
        action: `${base}/approvals`,
        accept: UPLOAD_ACCEPT,
        clients: clients.map((client) => ({ id: client.id, name: client.name })),
        form: { clientId: text(sent, 'clientId'), title: text(sent, 'title'), message: text(sent, 'message') },
        errors: errors ? translated(errors, i18n.t) : {},
      },
      status,
    );
  }

  async function show(req: Request, res: Response, errors: FieldErrors | null, status = 200) {
    const { workspace, base, i18n } = staffContext(res);
    const approval = await loadApproval(req, res);
    const [versions, decisions, names] = await Promise.all([
      listKeptVersions(db, { workspaceId: workspace.id, approvalId: approval.id }),
      approvalDecisions(db, { workspaceId: workspace.id, clientId: approval.client_id, approvalId: approval.id }),
      clientNames(workspace.id, [approval.client_id]),
    ]);
    const notice = (res.locals.query as StaffApprovalQueryInput | undefined)?.notice;
    const view = presentStaffApproval(i18n, base, approval, names.get(approval.client_id) ?? null, versions, decisions);
    renderAdminPage(
      req,
      res,
      'approvals/staff-show',
      view.title,
      {
        backHref: `${base}/approvals`,
        approval: view,
        accept: UPLOAD_ACCEPT,
        notice: notice && status === 200 ? i18n.t(`approvals:staff.notices.${notice}`) : null,
        form: { message: errors ? text(req.body, 'message') : '' },
        errors: errors ? translated(errors, i18n.t) : {},
      },
      status,
    );
  }

  return {
    list: async (req: Request, res: Response) => {
      const { workspace, base, i18n } = staffContext(res);
      const query = res.locals.query as StaffApprovalsQueryInput;
      const after = query.after ? decodeKeptCursor(query.after) : null;
      const rows =
        query.after && !after
          ? []
          : await listKeptApprovals(db, { workspaceId: workspace.id, search: '', limit: STAFF_PAGE_SIZE + 1, after });
      const page = rows.slice(0, STAFF_PAGE_SIZE);
      const [decided, names, entry] = await Promise.all([
        latestWorkspaceDecisions(db, { workspaceId: workspace.id, approvalIds: page.map((row) => row.id) }),
        clientNames(
          workspace.id,
          page.map((row) => row.client_id),
        ),
        workspaces.byId(workspace.id),
      ]);
      const last = rows.length > STAFF_PAGE_SIZE ? page.at(-1)! : null;
      renderAdminPage(req, res, 'approvals/staff-index', i18n.t('approvals:staff.title'), {
        newHref: `${base}/approvals/new`,
        sectionOff: entry ? !entry.settings.showApprovals : false,
        approvals: page.map((row) => presentStaffApprovalRow(i18n, base, row, names.get(row.client_id) ?? null, decided.get(row.id))),
        nextUrl: last
          ? `${base}/approvals?${new URLSearchParams({ after: encodeKeptCursor({ sharedAt: last.latest_shared_at, id: last.id }) })}`
          : null,
        firstPageUrl: query.after ? `${base}/approvals` : null,
      });
    },

    newForm: (req: Request, res: Response) => newForm(req, res, null),

    invalidShare: (req: Request, res: Response, errors: FieldErrors) => newForm(req, res, errors, formAnswerStatus(req, 400)),

    share: async (req: Request, res: Response) => {
      const { workspace, staff, base } = staffContext(res);
      const input = req.body as ShareInput;
      // The client is the host's: one of this workspace's, or the form comes back saying so.
      const client = await adapter.clients.findById(workspace.id, input.clientId);
      if (!client) return newForm(req, res, { clientId: 'approvals:staff.errors.client' }, formAnswerStatus(req, 400));
      const id = await shares.share(
        { workspaceId: workspace.id, staffId: staff.id },
        { clientId: client.id, title: input.title },
        {
          fileName: input.file.name,
          sentFileName: input.file.sentName,
          contentType: input.file.contentType,
          content: input.file.content,
          message: input.message,
        },
      );
      if (id === null) return newForm(req, res, { clientId: 'approvals:staff.errors.client' }, formAnswerStatus(req, 400));
      res.redirect(303, `${staffApprovalUrl(base, id)}?notice=shared`);
    },

    show: (req: Request, res: Response) => show(req, res, null),

    invalidVersion: (req: Request, res: Response, errors: FieldErrors) => show(req, res, errors, formAnswerStatus(req, 400)),

    shareNext: async (req: Request, res: Response) => {
      const { workspace, staff, base } = staffContext(res);
      const approval = await loadApproval(req, res);
      const input = req.body as NextVersionInput;
      const number = await shares.shareNext({ workspaceId: workspace.id, staffId: staff.id }, approval.id, {
        fileName: input.file.name,
        sentFileName: input.file.sentName,
        contentType: input.file.contentType,
        content: input.file.content,
        message: input.message,
      });
      if (number === null) throw notFound('We could not find that piece of work.');
      res.redirect(303, `${staffApprovalUrl(base, approval.id)}?notice=version`);
    },

    /** A version's file, always saved (never shown in the staff page's origin), read back through the host. */
    file: async (req: Request, res: Response) => {
      const { workspace } = staffContext(res);
      const approval = await loadApproval(req, res);
      const version = parseParam(VersionNumber, req.params.version);
      const file = await approvals.open(workspace.id, approval.client_id, approval.id, version);
      if (!file) throw notFound('We could not find that file.');
      await sendDownload(res, file);
    },
  };
}

export type StaffApprovalsHandlers = ReturnType<typeof createStaffApprovalsHandlers>;
