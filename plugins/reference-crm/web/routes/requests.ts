// Service and quote requests, the agency's side: the workspace's requests newest first, one
// request with what the client sent, its history, its thread with the client (kept by a plugin:
// the client portal) with a reply form, the answer and status form, and "Create a
// quotation from this request" (the new-quotation form, prefilled from the request and linked to
// it: web/routes/offers.ts). An answer or a status change is what the client is told of (the
// portal's live pages and its notifications, through the plugins).
import { Router, type Response } from 'express';
import { z } from 'zod';
import { parseFields } from '../../request-fields.ts';
import {
  answerServiceRequest,
  findServiceRequest,
  listRequestStatusChanges,
  listServiceRequests,
  REQUEST_STATUSES,
  type ServiceRequestRow,
} from '../../queries/service-requests.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { choiceField, freeText, parseForm, type FieldError } from '../forms.ts';
import { statusLabel } from '../presenters.ts';
import { formView, render } from '../render.ts';
import { notFound } from '../errors.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';
import type { CrmPlugin } from '../../crm-plugin.ts';
import { tellPlugins } from '../record-changes.ts';
import { pluginRequestFile, pluginRequestFiles } from '../plugin-request-files.ts';
import { pluginRequestReply, pluginRequestThread } from '../plugin-request-thread.ts';
import { fileSize, sendDownload } from '../../../../src/index.ts';

/** A plugin's id of a file: whatever it uses, within reason; the plugin decides whether it is on the request. */
const PluginFileId = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

const STATUS_CHOICE = 'Choose a status: submitted, in review, answered or closed.';

const replySchema = z.object({
  body: freeText('Reply', 5000).pipe(z.string().min(1, { error: 'Write a reply first.' })),
});

const answerSchema = z.object({
  answer: freeText('Answer', 10_000),
  status: choiceField(REQUEST_STATUSES, STATUS_CHOICE),
});

const statusOptions = REQUEST_STATUSES.map((value) => ({ value, label: statusLabel(value) }));
const dateTime = (value: Date) => value.toISOString().slice(0, 16).replace('T', ' ');

function presentRow(row: ServiceRequestRow) {
  return {
    href: `/requests/${row.id}`,
    ref: row.ref,
    title: row.title,
    kind: row.kind === 'quote' ? 'Quote request' : 'Request',
    clientName: row.client_name,
    clientHref: `/clients/${row.client_id}`,
    status: row.status,
    statusLabel: statusLabel(row.status),
    submitted: dateTime(row.submitted_at),
  };
}

/** An answer as staff read it: a choice by its label, a box as yes or no, files by their names. */
function answerText(field: ReturnType<typeof parseFields>[number], value: unknown): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return '—';
  const label = (v: unknown) => field.options?.find((o) => o.value === v)?.label ?? String(v);
  if (field.type === 'checkbox') return value === true ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.map(label).join(', ');
  return label(value);
}

/** What the client sent, field by field, as lines of text: the staff page, and a quotation's details. */
export function requestAnswers(row: Pick<ServiceRequestRow, 'fields' | 'payload'>): Array<{ label: string; text: string }> {
  const payload = (row.payload && typeof row.payload === 'object' ? row.payload : {}) as Record<string, unknown>;
  return parseFields(row.fields).map((field) => ({ label: field.label, text: answerText(field, payload[field.key]) }));
}

export function requestRoutes({ db, plugins }: RouteDeps & { plugins?: readonly CrmPlugin[] }): Router {
  const router = Router();

  async function showRequest(
    res: Response,
    request: ServiceRequestRow,
    values: Record<string, unknown>,
    errors: FieldError[] = [],
    status = 200,
    replyForm?: ReturnType<typeof formView>,
  ) {
    const { workspaceId } = staffOf(res);
    const [history, files, thread] = await Promise.all([
      listRequestStatusChanges(db, { workspaceId, requestId: request.id }),
      pluginRequestFiles(plugins, res, request),
      pluginRequestThread(plugins, res, request),
    ]);
    await render(
      res,
      'requests/show',
      {
        title: `${request.ref} ${request.title}`,
        section: 'requests',
        request: {
          ...presentRow(request),
          sentBy: request.contact_name ?? 'Client',
          answers: requestAnswers(request),
          files: files.map((file) => ({
            name: file.name,
            size: fileSize(file.sizeBytes),
            href: `/requests/${request.id}/client-files/${encodeURIComponent(file.id)}`,
          })),
          quotation: request.quotation_id ? { href: `/quotations/${request.quotation_id}`, number: request.quotation_number ?? '' } : null,
          quotationHref: `/quotations/new?request=${request.id}`,
        },
        history: history.map((h) => ({
          at: dateTime(h.changed_at),
          label: statusLabel(h.to_status),
          status: h.to_status,
          by: h.by_name ?? '',
        })),
        answerPath: `/requests/${request.id}/answer`,
        statusOptions,
        form: formView({ answer: request.answer ?? '', status: request.status, ...values }, errors),
        // The client's messages and the agency's replies, kept by the portal (a plugin); its form where it takes replies.
        thread: thread
          ? {
              messages: thread.messages.map((m) => ({ by: m.by, fromClient: m.fromClient, at: dateTime(m.at), body: m.body })),
              replyPath: thread.canReply ? `/requests/${request.id}/replies` : null,
              reply: replyForm ?? formView({ body: '' }, []),
            }
          : null,
      },
      status,
    );
  }

  router.get('/requests', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const rows = await listServiceRequests(db, { workspaceId, limit: 200 });
    await render(res, 'requests/index', { title: 'Requests', section: 'requests', requests: rows.map(presentRow) });
  });

  router.get('/requests/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const request = found(await findServiceRequest(db, { workspaceId, requestId: routeId(req.params.id) }));
    await showRequest(res, request, {});
  });

  // A file the client sent in the portal: the request is found in this workspace first, then the
  // plugin finds the file on that request only.
  router.get('/requests/:id/client-files/:fileId', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const request = found(await findServiceRequest(db, { workspaceId, requestId: routeId(req.params.id) }));
    const fileId = PluginFileId.safeParse(req.params.fileId);
    const file = found(fileId.success ? await pluginRequestFile(plugins, res, request, fileId.data) : null);
    await sendDownload(res, file);
  });

  // A reply in the request's thread with the client: through the plugin that keeps it, which tells the client.
  router.post('/requests/:id/replies', requireStaff, async (req, res) => {
    const staff = staffOf(res);
    const request = found(await findServiceRequest(db, { workspaceId: staff.workspaceId, requestId: routeId(req.params.id) }));
    const parsed = parseForm(replySchema, req.body);
    if (!parsed.ok) return showRequest(res, request, {}, [], 400, formView(req.body, parsed.errors));
    // No plugin keeps a thread on it (the portal off for the workspace): there is nothing to reply in.
    if (!(await pluginRequestReply(plugins, res, request, parsed.data.body))) throw notFound();
    res.redirect(303, `/requests/${request.id}#thread`);
  });

  router.post('/requests/:id/answer', requireStaff, async (req, res) => {
    const staff = staffOf(res);
    const request = found(await findServiceRequest(db, { workspaceId: staff.workspaceId, requestId: routeId(req.params.id) }));
    const parsed = parseForm(answerSchema, req.body);
    if (!parsed.ok) return showRequest(res, request, req.body, parsed.errors, 400);
    const answer = parsed.data.answer.trim() || null;
    await answerServiceRequest(db, {
      workspaceId: staff.workspaceId,
      requestId: request.id,
      staffId: staff.id,
      status: parsed.data.status,
      answer,
    });
    if (answer !== request.answer || parsed.data.status !== request.status)
      await tellPlugins(plugins, {
        workspaceId: staff.workspaceId,
        clientId: request.client_id,
        kind: 'request',
        id: request.id,
        happened: 'answered',
        title: request.title,
        number: request.ref,
        occurrence: `answer:${new Date().toISOString()}`,
      });
    res.redirect(303, `/requests/${request.id}`);
  });

  return router;
}
