// Approvals of work, the agency's side: the work shared with clients for approval, sharing a new
// piece (a client, a title, a file and a message: version 1), and one piece with its versions and
// the client's decisions (who, when, from where, the comment and its point, the fingerprint of the
// file decided), where staff upload the next version. A version is never replaced. Uploads are
// multipart: the form's CSRF token is its first field, checked before the file is kept and again
// once the body is read (see csrf.ts); multer keeps the file in memory, at most 10 MB. Each version
// shared is told to the plugins once written (the client portal asks the client's people for
// their decision, once per version).
import { createHash } from 'node:crypto';
import { Router, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import {
  findApproval,
  findApprovalFile,
  insertApproval,
  insertNextVersion,
  listApprovalDecisions,
  listApprovalVersions,
  listWorkspaceApprovals,
  type ApprovalDecisionRow,
} from '../../queries/approvals.ts';
import { findClient, listClients } from '../../queries/clients.ts';
import { inTransaction } from '../../queries/db.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { csrfFileFilter, csrfInBody } from '../csrf.ts';
import type { CrmPlugin } from '../../crm-plugin.ts';
import { type FieldError, freeText, idField, parseForm, requiredText } from '../forms.ts';
import { clientOptions, statusLabel } from '../presenters.ts';
import { formView, render } from '../render.ts';
import { tellPlugins } from '../record-changes.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';

const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** What may be shared for approval: what a browser shows (PDF, images) and documents to download. */
const ALLOWED_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'text/plain',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
]);

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 12 },
  defParamCharset: 'utf8',
  fileFilter: csrfFileFilter,
} as multer.Options);

/** The forms' addresses, which csrf.ts lets through to read their token from the body. */
export const APPROVAL_UPLOAD_PATH = '/approvals';
export const APPROVAL_VERSION_PATH = '/approvals/:id/versions';

const newSchema = z.object({
  clientId: idField('Choose the client to share it with.'),
  title: requiredText('Title', 200),
  message: freeText('Message', 4000),
});

const versionSchema = z.object({ message: freeText('Message', 4000) });

/** The last path segment, without control characters, at most 255 characters. */
function cleanFilename(original: string): string {
  const base = (original.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  if (base === '' || base === '.' || base === '..') return 'upload';
  return base.slice(-255);
}

function fileErrors(file: Express.Multer.File | undefined): FieldError[] {
  if (!file || file.size === 0) return [{ field: 'file', message: 'Choose a file to share.' }];
  if (!ALLOWED_CONTENT_TYPES.has(file.mimetype))
    return [{ field: 'file', message: 'This type of file is not accepted. Share a PDF, an image, a text or an Office document.' }];
  return [];
}

function asFile(file: Express.Multer.File, message: string | null, staffId: number) {
  return {
    filename: cleanFilename(file.originalname),
    contentType: file.mimetype,
    content: file.buffer,
    sha256: createHash('sha256').update(file.buffer).digest('hex'),
    message: message ?? '',
    staffId,
  };
}

/** A moment as staff read it in this CRM's pages: "2027-05-04 10:30 UTC". */
const utc = (at: Date) => `${at.toISOString().replace('T', ' ').slice(0, 16)} UTC`;

const percent = (fraction: string | null) => (fraction === null ? null : `${Math.round(Number(fraction) * 1000) / 10} %`);
/** A fraction (0–1) as the percentage an SVG coordinate takes: "40%". */
const svgPercent = (fraction: string) => `${Math.round(Number(fraction) * 1000) / 10}%`;

function presentDecision(row: ApprovalDecisionRow) {
  const x = percent(row.point_x);
  const y = percent(row.point_y);
  return {
    // Where the comment's pin stands on the version's image (not on a PDF's page: that is not shown here).
    pin:
      row.point_x !== null && row.point_y !== null && row.point_page === null
        ? { x: svgPercent(row.point_x), y: svgPercent(row.point_y) }
        : null,
    outcome: row.outcome,
    label: statusLabel(row.outcome),
    badge: row.outcome === 'approved' ? 'accepted' : 'declined',
    decidedBy: row.decided_by,
    decidedAt: utc(row.decided_at),
    comment: row.comment,
    point: x && y ? `${x} across, ${y} down${row.point_page ? `, page ${row.point_page}` : ''}` : null,
    fingerprint: row.file_sha256,
    ip: row.ip ?? '—',
    userAgent: row.user_agent ?? '—',
  };
}

export function approvalRoutes({ db, plugins }: RouteDeps & { plugins?: readonly CrmPlugin[] }): Router {
  const router = Router();

  /** A version shared: the client is asked for a decision on it, once (its number the occurrence). */
  const tellVersion = (workspaceId: number, approval: { id: number; clientId: number; title: string }, version: number) =>
    tellPlugins(plugins, {
      workspaceId,
      clientId: approval.clientId,
      kind: 'approval',
      id: approval.id,
      happened: 'requested',
      title: approval.title,
      number: String(version),
      occurrence: `version:${version}`,
    });

  async function showNewForm(res: Response, values: unknown, errors: FieldError[], status = 200) {
    const { workspaceId } = staffOf(res);
    const clients = await listClients(db, { workspaceId });
    await render(
      res,
      'approvals/new',
      { title: 'Share work for approval', section: 'approvals', form: formView(values, errors), clients: clientOptions(clients) },
      status,
    );
  }

  async function showApproval(res: Response, id: number, errors: FieldError[] = [], status = 200) {
    const { workspaceId } = staffOf(res);
    const approval = found(await findApproval(db, { workspaceId, id }));
    const [versions, decisions] = await Promise.all([
      listApprovalVersions(db, { workspaceId, requestId: id }),
      listApprovalDecisions(db, { workspaceId, requestId: id }),
    ]);
    const byVersion = new Map(decisions.map((d) => [d.version_number, presentDecision(d)]));
    await render(
      res,
      'approvals/show',
      {
        title: approval.title,
        section: 'approvals',
        approval: { ...approval, statusLabel: statusLabel(approval.status), clientHref: `/clients/${approval.client_id}` },
        versions: versions.map((v) => ({
          number: v.number,
          filename: v.filename,
          size: `${Math.max(1, Math.round(v.size_bytes / 1000))} KB`,
          sha256: v.sha256,
          message: v.message,
          sharedBy: v.staff_name ?? '—',
          sharedAt: utc(v.created_at),
          downloadHref: `/approvals/${id}/versions/${v.number}/download`,
          // An image is shown on the page, with the pin of its comment's point.
          image: /^image\/(png|jpeg|gif|webp)$/.test(v.content_type),
          decision: byVersion.get(v.number) ?? null,
        })),
        form: formView({}, errors),
        versionPath: `/approvals/${id}/versions`,
      },
      status,
    );
  }

  router.get('/approvals', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const rows = await listWorkspaceApprovals(db, { workspaceId });
    await render(res, 'approvals/index', {
      title: 'Approvals',
      section: 'approvals',
      approvals: rows.map((row) => ({
        href: `/approvals/${row.id}`,
        title: row.title,
        clientName: row.client_name,
        clientHref: `/clients/${row.client_id}`,
        version: row.latest_version,
        status: row.status,
        badge: row.status === 'approved' ? 'accepted' : row.status === 'changes_requested' ? 'declined' : 'sent',
        statusLabel: statusLabel(row.status),
      })),
    });
  });

  router.get('/approvals/new', requireStaff, async (req, res) => {
    const client = typeof req.query.client === 'string' ? req.query.client : '';
    await showNewForm(res, { clientId: client }, []);
  });

  router.post(APPROVAL_UPLOAD_PATH, requireStaff, upload.single('file'), csrfInBody, async (req, res) => {
    const staff = staffOf(res);
    const parsed = parseForm(newSchema, req.body);
    const errors: FieldError[] = [...(parsed.ok ? [] : parsed.errors), ...fileErrors(req.file)];
    if (!parsed.ok || !req.file || errors.length > 0) return showNewForm(res, req.body, errors, 400);
    const client = await findClient(db, { workspaceId: staff.workspaceId, clientId: parsed.data.clientId });
    if (!client) return showNewForm(res, req.body, [{ field: 'clientId', message: 'Choose the client to share it with.' }], 400);
    const file = req.file;
    const id = await inTransaction(db, (trx) =>
      insertApproval(trx, {
        workspaceId: staff.workspaceId,
        clientId: client.id,
        title: parsed.data.title,
        file: asFile(file, parsed.data.message, staff.id),
      }),
    );
    await tellVersion(staff.workspaceId, { id, clientId: client.id, title: parsed.data.title }, 1);
    res.redirect(303, `/approvals/${id}`);
  });

  router.get('/approvals/:id', requireStaff, async (req, res) => showApproval(res, routeId(req.params.id)));

  router.post(APPROVAL_VERSION_PATH, requireStaff, upload.single('file'), csrfInBody, async (req, res) => {
    const staff = staffOf(res);
    const id = routeId(req.params.id);
    const approval = found(await findApproval(db, { workspaceId: staff.workspaceId, id }));
    const parsed = parseForm(versionSchema, req.body);
    const errors: FieldError[] = [...(parsed.ok ? [] : parsed.errors), ...fileErrors(req.file)];
    if (!parsed.ok || !req.file || errors.length > 0) return showApproval(res, id, errors, 400);
    const file = req.file;
    const number = await inTransaction(db, (trx) =>
      insertNextVersion(trx, { workspaceId: staff.workspaceId, requestId: id, file: asFile(file, parsed.data.message, staff.id) }),
    );
    await tellVersion(staff.workspaceId, { id, clientId: approval.client_id, title: approval.title }, found(number));
    res.redirect(303, `/approvals/${id}`);
  });

  router.get('/approvals/:id/versions/:number/download', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const file = found(await findApprovalFile(db, { workspaceId, requestId: routeId(req.params.id), number: routeId(req.params.number) }));
    // Always an attachment with the stored type: an uploaded file is never rendered as a page.
    res.attachment(file.filename);
    res.type(file.content_type);
    res.set('Cache-Control', 'private, no-store');
    res.send(file.content);
  });

  return router;
}
