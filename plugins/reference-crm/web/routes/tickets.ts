// Support tickets, the agency's side: the workspace's tickets by last activity, one ticket with its
// whole conversation (internal notes included, marked), an answer or an internal note with files
// or files on their own, and a change of status. An answer, files for the client or a status
// change is what the client is told of (the portal's live pages and its notifications, through the
// plugins); an internal note, and the files that come with it, is not.
//
// Files pass the portal's upload rules (src/index.ts): at most ATTACHMENT_MAX_FILES of at most
// ATTACHMENT_MAX_BYTES each, the type decided by the first bytes against the portal's allow-list,
// the portal's safe stored name, and the virus scanner when one is plugged in. The form is
// multipart, so its CSRF token also travels in the action URL (csrf.ts).
import { Readable } from 'node:stream';
import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import {
  fileSize,
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_MAX_FILES,
  detectAllowedType,
  safeFilename,
  sendDownload,
  SNIFF_BYTES,
  type VirusScanner,
} from '../../../../src/index.ts';
import { findTicketFileContent, insertTicketFiles, listTicketFiles } from '../../queries/ticket-files.ts';
import {
  findTicket,
  insertTicketMessage,
  touchTicket,
  listTicketMessages,
  listTickets,
  listTicketStatusChanges,
  setTicketStatus,
  TICKET_STATUSES,
  type TicketRow,
} from '../../queries/tickets.ts';
import { listTicketDevices } from '../../queries/devices.ts';
import { inTransaction } from '../../queries/db.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { csrfFileFilter, csrfInBody } from '../csrf.ts';
import { checkboxField, choiceField, freeText, parseForm, type FieldError } from '../forms.ts';
import { presentSurveyAnswer, statusLabel } from '../presenters.ts';
import { formView, render } from '../render.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';
import type { CrmPlugin } from '../../crm-plugin.ts';
import { pluginTicketFile, pluginTicketFiles, pluginTicketSurvey } from '../plugin-ticket-files.ts';
import { tellPlugins } from '../record-changes.ts';

const STATUS_CHOICE = 'Choose a status: new, in progress, waiting on client, resolved or closed.';

const messageSchema = z.object({
  /** Empty when files come on their own; the route asks for it otherwise. */
  body: freeText('Message', 10_000),
  internal: checkboxField(),
  /** Optional: the status the ticket moves to with the answer ("waiting on client" with a question). */
  status: z.union([z.literal(''), choiceField(TICKET_STATUSES, STATUS_CHOICE)]).optional(),
});

/** A plugin's id of a file: whatever it uses, within reason; the plugin decides whether it is on the ticket. */
const PluginFileId = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

const statusSchema = z.object({ status: choiceField(TICKET_STATUSES, STATUS_CHOICE) });

const ATTACHMENTS_FIELD = 'attachments';
const upload = multer({
  storage: multer.memoryStorage(),
  // One byte over the cap is enough to know a file is too large; the form says so itself.
  limits: { fileSize: ATTACHMENT_MAX_BYTES + 1, files: ATTACHMENT_MAX_FILES, fields: 10, parts: 16 },
  defParamCharset: 'utf8',
  fileFilter: csrfFileFilter,
} as multer.Options);

/** The answer form's address, which csrf.ts lets through to read its token from the body. */
export const TICKET_MESSAGE_PATH = '/tickets/:id/messages';
const MEGABYTES = ATTACHMENT_MAX_BYTES / (1024 * 1024);

/** Why the files of a form were refused, from multer's own refusals (too many, too large). */
const refusedUploads = new WeakMap<Request, string>();

/** The form's files, read into memory within the caps; a refusal is kept for the form to show. */
function receiveFiles(req: Request, res: Response, next: NextFunction) {
  upload.array(ATTACHMENTS_FIELD, ATTACHMENT_MAX_FILES)(req, res, (err: unknown) => {
    if (!(err instanceof multer.MulterError)) return next(err);
    refusedUploads.set(
      req,
      err.code === 'LIMIT_FILE_SIZE'
        ? `Each file can be at most ${MEGABYTES} MB.`
        : `Attach at most ${ATTACHMENT_MAX_FILES} files at once.`,
    );
    // multer stops reading at its limit: the fields after it are lost, so the form comes back empty.
    req.body ??= {};
    next();
  });
}

interface CheckedFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** The files that pass the portal's rules, or why the first that does not fails. */
async function checkFiles(
  files: Express.Multer.File[],
  virusScanner: VirusScanner | undefined,
): Promise<{ ok: true; files: CheckedFile[] } | { ok: false; message: string }> {
  const checked: CheckedFile[] = [];
  for (const file of files) {
    if (file.size === 0) continue; // an empty file input
    if (file.size > ATTACHMENT_MAX_BYTES) return { ok: false, message: `Each file can be at most ${MEGABYTES} MB.` };
    const type = await detectAllowedType(file.buffer.subarray(0, SNIFF_BYTES), file.originalname, true);
    if (!type)
      return {
        ok: false,
        message: `${file.originalname}: this type of file is not accepted. Attach a PDF, image, text or Office document.`,
      };
    checked.push({ filename: safeFilename(file.originalname, type), contentType: type.mime, content: file.buffer });
  }
  if (virusScanner) {
    for (const file of checked) {
      const verdict = await virusScanner.scan(Readable.from([file.content]));
      if (verdict.infected) return { ok: false, message: `${file.filename} was refused by the virus scanner.` };
    }
  }
  return { ok: true, files: checked };
}

interface FileView {
  name: string;
  size: string;
  /** Who attached it, by name. */
  by: string;
  href: string;
}

/**
 * Where a file the client attached in the portal is listed: with what they wrote at the same
 * moment, the request or one of their messages, the latest written at or before the file. The
 * portal keeps no message id, but it writes the client's ticket or reply and its files in the one
 * transaction it hands the CRM (binding/portal-tickets.ts, create and reply with write.trx), so
 * they share the transaction's time. (The portal's own page, which serves hosts that write apart
 * from it, allows a second more: src/features/tickets/presenters.ts, presentDetail.)
 */
function clientEntryOf<T extends { at: Date }>(entries: [T, ...T[]], at: Date): T {
  let entry = entries[0];
  for (const candidate of entries) if (candidate.at.getTime() <= at.getTime()) entry = candidate;
  return entry;
}

const statusOptions = TICKET_STATUSES.map((value) => ({ value, label: statusLabel(value) }));

const dateTime = (value: Date) => value.toISOString().slice(0, 16).replace('T', ' ');

function presentTicketRow(row: TicketRow) {
  return {
    href: `/tickets/${row.id}`,
    ref: row.ref,
    subject: row.subject,
    clientName: row.client_name,
    clientHref: `/clients/${row.client_id}`,
    status: row.status,
    statusLabel: statusLabel(row.status),
    // An empty field reads as a dash, as the CRM's other pages show one, never as a blank.
    priority: row.priority || '—',
    lastActivity: dateTime(row.last_activity_at),
  };
}

export function ticketRoutes({
  db,
  plugins,
  virusScanner,
}: RouteDeps & { plugins?: readonly CrmPlugin[]; virusScanner?: VirusScanner }): Router {
  const router = Router();

  async function showTicket(res: Response, ticket: TicketRow, values: Record<string, unknown>, errors: FieldError[] = [], status = 200) {
    const { workspaceId } = staffOf(res);
    const [messages, history, files, clientFiles, survey, devices] = await Promise.all([
      listTicketMessages(db, { workspaceId, ticketId: ticket.id, withInternal: true }),
      listTicketStatusChanges(db, { workspaceId, ticketId: ticket.id }),
      listTicketFiles(db, { workspaceId, ticketId: ticket.id }),
      pluginTicketFiles(plugins, res, ticket),
      // The client's answer to the satisfaction survey, where the client portal keeps one.
      pluginTicketSurvey(plugins, res, ticket),
      // The devices it is about ("open a ticket about this device"), each on its client's devices page.
      listTicketDevices(db, { workspaceId, ticketId: ticket.id }),
    ]);
    const presentFile = (file: (typeof files)[number]): FileView => ({
      name: file.filename,
      size: fileSize(file.size_bytes),
      by: file.staff_name,
      href: `/tickets/${ticket.id}/files/${file.id}`,
    });
    const conversation = messages.map((m) => ({
      id: m.id,
      author: m.author_name,
      fromClient: m.author_contact_id !== null,
      internal: m.is_internal,
      body: m.body,
      createdAt: m.created_at,
      at: dateTime(m.created_at),
      files: files.filter((file) => file.message_id === m.id).map(presentFile),
    }));
    const requestFiles: FileView[] = [];
    const clientEntries: [{ at: Date; files: FileView[] }, ...Array<{ at: Date; files: FileView[] }>] = [
      { at: ticket.opened_at, files: requestFiles },
      ...conversation.filter((m) => m.fromClient).map((m) => ({ at: m.createdAt, files: m.files })),
    ];
    for (const file of clientFiles)
      clientEntryOf(clientEntries, file.at).files.push({
        name: file.name,
        size: fileSize(file.sizeBytes),
        by: file.by,
        href: `/tickets/${ticket.id}/client-files/${encodeURIComponent(file.id)}`,
      });
    await render(
      res,
      'tickets/show',
      {
        title: `${ticket.ref} ${ticket.subject}`,
        section: 'tickets',
        ticket: {
          ...presentTicketRow(ticket),
          description: ticket.description,
          openedBy: ticket.opened_by ?? 'Staff',
          opened: dateTime(ticket.opened_at),
          category: ticket.category || '—',
          devices: devices.map((device) => ({ name: device.name, href: `/clients/${device.client_id}/devices#device-${device.id}` })),
        },
        requestFiles,
        messages: conversation,
        /** Files attached on their own, without an answer. */
        looseFiles: files.filter((file) => file.message_id === null).map(presentFile),
        maxFiles: ATTACHMENT_MAX_FILES,
        maxMegabytes: MEGABYTES,
        history: history.map((h) => ({
          at: dateTime(h.changed_at),
          label: statusLabel(h.to_status),
          status: h.to_status,
          by: h.by_name ?? '',
        })),
        messagePath: `/tickets/${ticket.id}/messages`,
        statusPath: `/tickets/${ticket.id}/status`,
        statusOptions,
        survey: survey ? presentSurveyAnswer(survey) : null,
        form: formView({ status: '', ...values }, errors),
      },
      status,
    );
  }

  /**
   * The client is told of what the agency wrote or decided: their open pages refresh, and they are
   * notified, once for each answer or change (`occurrence`: the answer's message id, else the moment).
   */
  const tellClient = (workspaceId: number, ticket: TicketRow, occurrence: string) =>
    tellPlugins(plugins, {
      occurrence,
      workspaceId,
      clientId: ticket.client_id,
      kind: 'ticket',
      id: ticket.id,
      happened: 'answered',
      title: ticket.subject,
      number: ticket.ref,
    });

  router.get('/tickets', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const rows = await listTickets(db, { workspaceId, limit: 200 });
    await render(res, 'tickets/index', { title: 'Tickets', section: 'tickets', tickets: rows.map(presentTicketRow) });
  });

  router.get('/tickets/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const ticket = found(await findTicket(db, { workspaceId, ticketId: routeId(req.params.id) }));
    await showTicket(res, ticket, {});
  });

  router.post(TICKET_MESSAGE_PATH, requireStaff, receiveFiles, csrfInBody, async (req, res) => {
    const staff = staffOf(res);
    const ticket = found(await findTicket(db, { workspaceId: staff.workspaceId, ticketId: routeId(req.params.id) }));
    const refused = refusedUploads.get(req);
    if (refused) return showTicket(res, ticket, req.body, [{ field: 'attachments', message: refused }], 400);
    const parsed = parseForm(messageSchema, req.body);
    if (!parsed.ok) return showTicket(res, ticket, req.body, parsed.errors, 400);
    const { internal, status } = parsed.data;
    const body = parsed.data.body.trim();
    const checked = await checkFiles((req.files as Express.Multer.File[] | undefined) ?? [], virusScanner);
    if (!checked.ok) return showTicket(res, ticket, req.body, [{ field: 'attachments', message: checked.message }], 400);
    if (body === '' && (checked.files.length === 0 || internal))
      // Files without a note would reach the client: an internal note's files come with its text.
      return showTicket(
        res,
        ticket,
        req.body,
        [{ field: 'body', message: internal ? 'Write the note.' : 'Write the answer or the note, or attach a file.' }],
        400,
      );
    // The answer, its files and the new status together, or none of them.
    const messageId = await inTransaction(db, async (trx) => {
      const written =
        body === ''
          ? null
          : await insertTicketMessage(trx, {
              workspaceId: staff.workspaceId,
              ticketId: ticket.id,
              author: { staffId: staff.id },
              isInternal: internal,
              body,
            });
      // Files on their own are for the client: the ticket moves up their list as for an answer.
      if (written === null) await touchTicket(trx, { workspaceId: staff.workspaceId, ticketId: ticket.id });
      await insertTicketFiles(trx, {
        workspaceId: staff.workspaceId,
        ticketId: ticket.id,
        messageId: written,
        staffId: staff.id,
        files: checked.files,
      });
      if (status)
        await setTicketStatus(trx, { workspaceId: staff.workspaceId, ticketId: ticket.id, to: status, by: { staffId: staff.id } });
      return written;
    });
    // A note between staff changes nothing the client sees, unless it came with a new status.
    if (!internal || status)
      await tellClient(staff.workspaceId, ticket, messageId === null ? `at:${new Date().toISOString()}` : `message:${messageId}`);
    res.redirect(303, `/tickets/${ticket.id}`);
  });

  router.get('/tickets/:id/files/:fileId', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const file = found(
      await findTicketFileContent(db, { workspaceId, ticketId: routeId(req.params.id), fileId: routeId(req.params.fileId) }),
    );
    // Served as the portal serves its files, the client's below too: an attachment, never sniffed.
    await sendDownload(res, {
      name: file.filename,
      contentType: file.content_type,
      sizeBytes: file.content.length,
      content: Readable.from([file.content]),
    });
  });

  // A file the client attached in the portal: the ticket is found in this workspace first, then
  // the plugin finds the file on that ticket only.
  router.get('/tickets/:id/client-files/:fileId', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const ticket = found(await findTicket(db, { workspaceId, ticketId: routeId(req.params.id) }));
    const fileId = PluginFileId.safeParse(req.params.fileId);
    const file = found(fileId.success ? await pluginTicketFile(plugins, res, ticket, fileId.data) : null);
    await sendDownload(res, file);
  });

  router.post('/tickets/:id/status', requireStaff, async (req, res) => {
    const staff = staffOf(res);
    const ticket = found(await findTicket(db, { workspaceId: staff.workspaceId, ticketId: routeId(req.params.id) }));
    const parsed = parseForm(statusSchema, req.body);
    if (!parsed.ok) return showTicket(res, ticket, req.body, parsed.errors, 400);
    if (parsed.data.status !== ticket.status) {
      await setTicketStatus(db, { workspaceId: staff.workspaceId, ticketId: ticket.id, to: parsed.data.status, by: { staffId: staff.id } });
      await tellClient(staff.workspaceId, ticket, `status:${parsed.data.status}:${new Date().toISOString()}`);
    }
    res.redirect(303, `/tickets/${ticket.id}`);
  });

  return router;
}
