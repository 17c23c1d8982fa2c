// TicketsPort on Dolibarr's Ticket module (queries/tickets.ts says what is read and written, after
// whose code). Dolibarr keeps a ticket's description and messages as HTML (its forms post
// 'restricthtml'); the portal's are plain text, so they are written as Dolibarr's cleaning leaves a
// plain text (textToHtml) and read back as text. Status in the portal's words:
//   NEED_MORE_INFO (5) → waiting (on the client); CLOSED (8), CANCELED (9) → closed; the rest open,
//   each status also named in the portal's translated words (TicketStatusName).
// The dictionaries' codes are the choices' ids: llx_ticket stores the code, not the rowid.
import type { Knex } from 'knex';
import type {
  TicketFile,
  TicketMessage,
  TicketsPort,
  TicketState,
  TicketStatusChange,
  TicketStatusName,
  TicketSummary,
} from '../../src/index.ts';
import { clampLimit, decodeCursor, encodeCursor, SUMMARY_COUNT_LIMIT } from '../../src/index.ts';
import { parseId, toHostId } from './ids.ts';
import { fullName } from './names.ts';
import { recordAgendaEvent } from './queries/agenda.ts';
import { findTicketFile, listTicketFiles, type TicketFileRow } from './queries/ticket-files.ts';
import { contentTypeOf, fileFound } from './shared-files.ts';
import { dataRootWritable, writeTicketFiles } from './ticket-uploads.ts';
import { findClientCompany } from './queries/companies.ts';
import { entityCompanyName, entityLanguage, moduleEnabled } from './queries/constants.ts';
import { findContact } from './queries/contacts.ts';
import { type DeviceRow, findDevice, linkTicketToDevice } from './queries/devices.ts';
import {
  closeTicket,
  ticketClosing,
  defaultTicketChoice,
  findTicket,
  insertTicket,
  insertTicketMessage,
  type NewTicketRow,
  isTicketChoice,
  linkTicketContact,
  listTicketMessages,
  listTickets,
  listTicketStatusEvents,
  reopenTicket,
  setTicketStatus,
  TICKET_STATUS,
  ticketChoices,
  ticketCounts,
  ticketTablesExist,
  type TicketDictionary,
  type TicketMessageRow,
  type TicketRow,
} from './queries/tickets.ts';
import { fileStream } from '../shared/file-stream.ts';

/**
 * Whether the portal may offer tickets beside this Dolibarr: the Ticket module's tables are there
 * and the module is on for the entity (MAIN_MODULE_TICKET). A module switched off keeps its
 * tables, but its staff no longer see tickets, so nobody would answer.
 */
export async function dolibarrTicketModule(db: Knex, entity: number): Promise<boolean> {
  return (await ticketTablesExist(db)) && (await moduleEnabled(db, { entity, module: 'ticket' }));
}

function ticketState(status: number): TicketState {
  if (status === TICKET_STATUS.needMoreInfo) return 'waiting';
  if (status === TICKET_STATUS.closed || status === TICKET_STATUS.canceled) return 'closed';
  return 'open';
}

// Dolibarr's statuses (Ticket::STATUS_*) in the portal's translated words; "need more information"
// is what the waiting state says.
const STATUS_NAMES: Partial<Record<number, TicketStatusName>> = {
  [TICKET_STATUS.notRead]: 'unread',
  [TICKET_STATUS.read]: 'read',
  [TICKET_STATUS.assigned]: 'assigned',
  [TICKET_STATUS.inProgress]: 'inProgress',
  [TICKET_STATUS.waiting]: 'onHold',
  [TICKET_STATUS.closed]: 'resolved',
  [TICKET_STATUS.canceled]: 'canceled',
};

const ticketStatusName = (status: number): TicketStatusName | null => STATUS_NAMES[status] ?? null;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/**
 * The staff-only note of a ticket opened about a device: the product and its serial number, in the
 * language Dolibarr is set up in where the portal speaks it (German, French), else in English.
 */
export function deviceNote(language: string | null, device: Pick<DeviceRow, 'product_ref' | 'product_label' | 'batch'>): string {
  const name = device.product_label?.trim() || device.product_ref;
  const serial = device.batch?.trim() ?? '';
  const tag = /^([a-z]{2})([_-]|$)/i.exec(language?.trim() ?? '')?.[1]?.toLowerCase();
  if (tag === 'de') return `Betrifft das Gerät ${name}${serial ? `, Seriennummer ${serial}` : ''}.`;
  if (tag === 'fr') return `Concerne l’appareil ${name}${serial ? `, numéro de série ${serial}` : ''}.`;
  return `About the device ${name}${serial ? `, serial number ${serial}` : ''}.`;
}

/** Dolibarr's HTML (or plain text, from older or imported rows) as the text a person reads. */
export function htmlToText(html: string | null): string {
  if (!html) return '';
  return html
    .replace(/\r\n?/g, '\n')
    .replace(/<br\s*\/?>\n?/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|tr)>\n?/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+\d?);/gi, (whole, name: string) => {
      const lower = name.toLowerCase();
      if (lower.startsWith('#x')) return String.fromCodePoint(Number.parseInt(lower.slice(2), 16));
      if (lower.startsWith('#') && lower !== '#39') return String.fromCodePoint(Number.parseInt(lower.slice(1), 10));
      return ENTITIES[lower] ?? whole;
    })
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * A person's plain text as Dolibarr stores a plain-text message its public pages receive:
 * GETPOST('message', 'restricthtml') runs dol_htmlwithnojs() (htdocs/core/lib/functions.lib.php),
 * which gives a text that is not HTML (!dol_textishtml) dol_nl2br() — "<br>" before each line
 * break, the break kept — and re-serialises it through DOMDocument::saveHTML(), which writes &, <
 * and > of the text as &amp; &lt; &gt; and leaves quotes and apostrophes as they are; Ticket::verify
 * and ActionComm::create then trim it. What the client typed is text, not markup, so its < and >
 * are escaped rather than parsed: Dolibarr's card (which prints the column as HTML) shows it as
 * typed, and no tag of the client's reaches it.
 */
export function textToHtml(text: string): string {
  return text.trim().replace(/\r\n?/g, '\n').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>\n');
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

/** The list's [activity, rowid] cursor, or null when it is not one of ours. */
function readCursor(after: string): { at: string; rowid: number } | null {
  const parts = decodeCursor(after);
  if (parts?.length !== 2 || typeof parts[0] !== 'string' || !TIMESTAMP.test(parts[0]) || typeof parts[1] !== 'number' || parts[1] < 1)
    return null;
  return { at: parts[0], rowid: parts[1] };
}

const MAX_SEARCH = 200;

function presentSummary(row: TicketRow): TicketSummary {
  const state = ticketState(row.fk_statut);
  const openedAt = row.datec ?? row.activity;
  return {
    id: toHostId(row.rowid),
    ref: row.ref,
    subject: row.subject?.trim() || row.ref,
    state,
    statusLabel: null,
    statusName: ticketStatusName(row.fk_statut),
    priority: row.severity_label?.trim() || null,
    category: row.category_label?.trim() || null,
    openedAt,
    lastActivityAt: row.activity ?? openedAt,
    // A reopened ticket keeps Dolibarr's date_close; it is closed only while its status says so.
    closedAt: state === 'closed' ? (row.date_close ?? row.activity) : null,
  };
}

function presentMessage(row: TicketMessageRow, fallbackName: string): TicketMessage {
  // A Dolibarr user writes for the agency, unless it is a client's own external login (fk_soc set).
  const byAgency = row.fk_user_author !== null && row.user_soc === null;
  const userName = fullName(row.user_firstname, row.user_lastname) || row.user_login?.trim() || '';
  const contactName = fullName(row.contact_firstname, row.contact_lastname);
  return {
    id: toHostId(row.id),
    author: byAgency ? 'agency' : 'client',
    authorName: (row.fk_user_author !== null ? userName : '') || contactName || row.email_from?.trim() || fallbackName,
    body: htmlToText(row.note),
    at: row.datep ?? row.datec ?? new Date(0),
  };
}

/** The statuses a client's reply takes to IN_PROGRESS (see reply). */
const REPLY_MOVES_FROM = [
  TICKET_STATUS.notRead,
  TICKET_STATUS.read,
  TICKET_STATUS.assigned,
  TICKET_STATUS.needMoreInfo,
  TICKET_STATUS.waiting,
] as const;

/**
 * A message's agenda label as the public message form fills it: the subject field of
 * FormTicket::showMessageForm (htdocs/core/class/html.formticket.class.php),
 * "['.MAIN_INFO_SOCIETE_NOM.' - '.$langs->trans("Ticket").' '.$ticketstat->ref.'] '.subject", which
 * Ticket::newMessage posts as $object->subject and createTicketMessage writes as the label.
 */
function messageLabel(companyName: string, ticket: Pick<TicketRow, 'ref' | 'subject'>): string {
  return `[${companyName} - Ticket ${ticket.ref}] ${ticket.subject?.trim() ?? ''}`;
}

/**
 * create_ticket.php's writes once its form is valid: Ticket::create, the contact linked as the
 * ticket's customer contact, and the TICKET_CREATE event. It is a NOLOGIN page: Ticket::create($user)
 * runs its trigger with no user, so the event has no author nor owner (ActionComm::create writes
 * null for a user id that is not > 0, and its owner 0 gets no llx_actioncomm_resources row), and
 * the page's $object->email_from = $origin_email becomes the event's email_from.
 */
export async function openPublicTicket(
  trx: Knex.Transaction,
  contact: { rowid: number; email: string },
  row: NewTicketRow,
): Promise<{ rowid: number; ref: string }> {
  const created = await insertTicket(trx, row);
  await linkTicketContact(trx, { ticketId: created.rowid, contactId: contact.rowid });
  await recordAgendaEvent(trx, {
    entity: row.entity,
    trigger: 'TICKET_CREATE',
    elementId: created.rowid,
    ref: created.ref,
    companyId: row.companyId,
    projectId: null,
    userId: null,
    at: null,
    emailFrom: contact.email,
    ip: row.ip,
  });
  return created;
}

/**
 * A message from the ticket's contact as the public message form posts it, labelled as that form
 * labels it (messageLabel); a private one for what the agency alone reads.
 */
async function insertContactMessage(
  trx: Knex.Transaction,
  args: {
    scope: { entity: number; companyId: number };
    ticket: Pick<TicketRow, 'rowid' | 'ref' | 'subject' | 'fk_project'>;
    contact: { rowid: number; email: string };
    note: string;
    ip: string | null;
    private?: boolean;
  },
): Promise<{ id: number; datep: Date }> {
  return insertTicketMessage(trx, {
    entity: args.scope.entity,
    ticketId: args.ticket.rowid,
    companyId: args.scope.companyId,
    projectId: args.ticket.fk_project,
    contactId: args.contact.rowid,
    email: args.contact.email.trim(),
    label: messageLabel((await entityCompanyName(trx, { entity: args.scope.entity })) ?? '', args.ticket),
    note: args.note,
    ip: args.ip,
    ...(args.private ? { private: true } : {}),
  });
}

/**
 * A survey answer as the agency reads it on the ticket, in English as the binding's other agenda
 * texts (queries/agenda.ts): the rating out of the scale, then the client's comment as they wrote it.
 */
function surveyAnswerHtml(answer: { rating: number; scale: number; comment: string | null }): string {
  const rating = `Satisfaction survey: ${answer.rating}/${answer.scale}`;
  return answer.comment?.trim() ? `${rating}<br>\n${textToHtml(answer.comment)}` : rating;
}

const HISTORY: Record<string, Omit<TicketStatusChange, 'at'>> = {
  AC_TICKET_CREATE: { state: 'open', statusLabel: null },
  AC_TICKET_ASSIGNED: { state: 'open', statusLabel: null, statusName: 'assigned' },
  AC_TICKET_CLOSE: { state: 'closed', statusLabel: null },
};

export interface DolibarrTicketsOptions {
  /** The llx_user the agenda events of a client's acts are written as; null for none (the public pages' anonymous user). */
  userId: number | null;
  /**
   * Dolibarr's data root (the documents port's): a ticket's files are read from its ticket/<ref>/
   * directory there, and the client's written there where the portal's process may write it.
   * Without it the port has no files.
   */
  dataRoot?: string;
  /** Dolibarr's own address (DOLIBARR_URL), for the staff's link to a ticket's card. */
  crmUrl?: string;
  /**
   * Whether the devices port is offered (the Lot/Serial module is on): then a ticket may be about
   * one of the company's devices, linked in llx_element_element; without it none is.
   */
  devices?: boolean;
}

/** A ticket file that is on disk, with its size; null when the row names no file there (Dolibarr shows none either). */
async function presentFile(dataRoot: string, row: TicketFileRow): Promise<(TicketFile & { path: string }) | null> {
  const found = await fileFound(dataRoot, row);
  if (!found) return null;
  return {
    id: toHostId(row.rowid),
    name: row.filename,
    contentType: contentTypeOf(row.filename),
    sizeBytes: found.sizeBytes,
    at: row.date_c ?? new Date(0),
    messageId: row.agenda_id === null ? null : toHostId(row.agenda_id),
    path: found.path,
  };
}

export function dolibarrTickets(db: Knex, entityOf: (workspaceId: string) => number | null, options: DolibarrTicketsOptions): TicketsPort {
  // The client's files go into Dolibarr's ticket directory where the portal may write the data
  // root; elsewhere the portal keeps them (and Dolibarr's staff do not see them).
  const filesRoot = dataRootWritable(options.dataRoot) ? options.dataRoot : null;
  const scope = (workspaceId: string, clientId: string) => {
    const entity = entityOf(workspaceId);
    const companyId = parseId(clientId);
    return entity === null || companyId === null ? null : { entity, companyId };
  };

  const ticketFiles = (dataRoot: string): Pick<TicketsPort, 'files' | 'fileContent'> => ({
    async files(workspaceId, clientId, id) {
      const s = scope(workspaceId, clientId);
      const ticketId = parseId(id);
      if (!s || ticketId === null) return [];
      const rows = await listTicketFiles(db, { ...s, ticketId });
      const files = await Promise.all(rows.map((row) => presentFile(dataRoot, row)));
      return files.filter((file) => file !== null).map(({ path: _path, ...file }) => file);
    },
    async fileContent(workspaceId, clientId, id, fileId) {
      const s = scope(workspaceId, clientId);
      const ticketId = parseId(id);
      const rowid = parseId(fileId);
      if (!s || ticketId === null || rowid === null) return null;
      const row = await findTicketFile(db, { ...s, ticketId, rowid });
      const file = row ? await presentFile(dataRoot, row) : null;
      if (!file) return null;
      return {
        name: file.name,
        contentType: file.contentType,
        sizeBytes: file.sizeBytes,
        content: fileStream(file.path),
      };
    },
  });

  /** A dictionary code the form chose: the default row where none was chosen; undefined when the choice is not the host's. */
  const choose = async (entity: number, dictionary: TicketDictionary, id: string | null): Promise<string | null | undefined> => {
    if (id === null) return defaultTicketChoice(db, { entity, dictionary });
    if (id.length > 32) return undefined;
    return (await isTicketChoice(db, { entity, dictionary, code: id })) ? id : undefined;
  };

  return {
    // Dolibarr's card of the ticket (htdocs/ticket/card.php?id=<rowid>), where its staff answer it.
    staffPageOf(ticketId) {
      const rowid = parseId(ticketId);
      return options.crmUrl && rowid !== null ? `${options.crmUrl.replace(/\/+$/, '')}/ticket/card.php?id=${rowid}` : null;
    },

    async options(workspaceId) {
      const entity = entityOf(workspaceId);
      if (entity === null) return { categories: [], types: [], priorities: [] };
      const [categories, types, priorities] = await Promise.all(
        (['llx_c_ticket_category', 'llx_c_ticket_type', 'llx_c_ticket_severity'] as const).map((dictionary) =>
          ticketChoices(db, { entity, dictionary }),
        ),
      );
      const present = (rows: Array<{ code: string; label: string }>) => rows.map((row) => ({ id: row.code, label: row.label }));
      return { categories: present(categories!), types: present(types!), priorities: present(priorities!) };
    },

    // Dolibarr shows a company's tickets to each of its people: the contact does not narrow the reads.
    async list(workspaceId, clientId, _contactId, filter, page) {
      const s = scope(workspaceId, clientId);
      const none = { items: [], next: null };
      // A device is an llx_product_lot rowid, and there are none without the devices port.
      const lotId = filter.deviceId === undefined ? null : parseId(filter.deviceId);
      if (!s || (filter.deviceId !== undefined && (lotId === null || !options.devices))) return none;
      const after = page.after ? readCursor(page.after) : null;
      if (page.after && !after) return none;
      const limit = clampLimit(page.limit);
      const rows = await listTickets(db, {
        ...s,
        state: filter.state,
        ...(filter.waiting ? { waiting: true } : {}),
        ...(filter.search ? { search: filter.search.slice(0, MAX_SEARCH) } : {}),
        ...(lotId !== null ? { lotId } : {}),
        after,
        limit: limit + 1,
      });
      const kept = rows.slice(0, limit);
      const last = kept.at(-1);
      return { items: kept.map(presentSummary), next: rows.length > limit && last ? encodeCursor([last.activity_key, last.rowid]) : null };
    },

    async find(workspaceId, clientId, _contactId, id) {
      const s = scope(workspaceId, clientId);
      const rowid = parseId(id);
      if (!s || rowid === null) return null;
      const row = await findTicket(db, { ...s, rowid });
      if (!row) return null;
      const [messages, events] = await Promise.all([
        listTicketMessages(db, { entity: s.entity, ticketId: rowid }),
        listTicketStatusEvents(db, { entity: s.entity, ticketId: rowid }),
      ]);
      const clientName = row.opened_by ?? row.origin_email?.trim() ?? '';
      const history: TicketStatusChange[] = events.flatMap((event) => {
        const change = HISTORY[event.code];
        return change && event.datep ? [{ at: event.datep, ...change }] : [];
      });
      return {
        ...presentSummary(row),
        description: htmlToText(row.message),
        openedBy: row.opened_by,
        messages: messages.map((message) => presentMessage(message, clientName)),
        history,
      };
    },

    async counts(workspaceId, clientId, _contactId) {
      const s = scope(workspaceId, clientId);
      return s ? ticketCounts(db, { ...s, countLimit: SUMMARY_COUNT_LIMIT + 1 }) : { open: 0, waiting: 0 };
    },

    async create(workspaceId, clientId, contactId, ticket, write) {
      const s = scope(workspaceId, clientId);
      const contactRowid = parseId(contactId);
      const lotId = ticket.deviceId === undefined ? null : parseId(ticket.deviceId);
      if (!s || contactRowid === null) return null;
      if (ticket.deviceId !== undefined && (lotId === null || !options.devices)) return null;
      const [company, contact] = await Promise.all([
        findClientCompany(db, { entity: s.entity, companyId: s.companyId }),
        findContact(db, { entity: s.entity, contactId: contactRowid }),
      ]);
      if (!company || !contact || contact.fk_soc !== s.companyId) return null;
      const [categoryCode, typeCode, severityCode] = await Promise.all([
        choose(s.entity, 'llx_c_ticket_category', ticket.categoryId),
        choose(s.entity, 'llx_c_ticket_type', ticket.typeId),
        choose(s.entity, 'llx_c_ticket_severity', ticket.priorityId),
      ]);
      if (categoryCode === undefined || typeCode === undefined || severityCode === undefined) return null;
      const work = async (trx: Knex.Transaction) => {
        // The device it is about must be the company's, checked before anything is written.
        const device = lotId === null ? null : await findDevice(trx, { ...s, lotId });
        if (lotId !== null && !device) return null;
        const created = await openPublicTicket(
          trx,
          { rowid: contactRowid, email: contact.email },
          {
            // Dolibarr's ticket card has no block for a lot among its linked objects (no
            // productlot/tpl/linkedobjectblock.tpl.php), so staff read the device in the ticket's Notes.
            notePrivate: device ? deviceNote(await entityLanguage(trx, { entity: s.entity }), device) : null,
            ...s,
            originEmail: contact.email.trim(),
            subject: ticket.subject.trim(),
            message: textToHtml(ticket.description),
            typeCode,
            categoryCode,
            severityCode,
            ip: write?.ip ?? null,
          },
        );
        if (lotId !== null) await linkTicketToDevice(trx, { lotId, ticketId: created.rowid });
        if (filesRoot && ticket.files?.length) {
          await writeTicketFiles(trx, {
            dataRoot: filesRoot,
            entity: s.entity,
            ticketId: created.rowid,
            ref: created.ref,
            agendaId: null,
            files: ticket.files,
          });
        }
        return findTicket(trx, { ...s, rowid: created.rowid });
      };
      // The ticket, its contact and its agenda event belong together: the caller's transaction, or one of our own.
      const row = write?.trx ? await work(write.trx) : await db.transaction(work);
      return row ? presentSummary(row) : null;
    },

    async reply(workspaceId, clientId, contactId, id, body, write, files) {
      const s = scope(workspaceId, clientId);
      const rowid = parseId(id);
      const contactRowid = parseId(contactId);
      const text = body.trim();
      if (!s || rowid === null || contactRowid === null || text === '') return null;
      const contact = await findContact(db, { entity: s.entity, contactId: contactRowid });
      if (!contact || contact.fk_soc !== s.companyId) return null;
      const work = async (trx: Knex.Transaction) => {
        const ticket = await findTicket(trx, { ...s, rowid, forUpdate: true });
        // Dolibarr's public page offers no message on a closed ticket: reopen it first.
        if (!ticket || ticketState(ticket.fk_statut) === 'closed') return null;
        const event = await insertContactMessage(trx, {
          scope: s,
          ticket,
          contact: { rowid: contactRowid, email: contact.email },
          note: textToHtml(text),
          ip: write?.ip ?? null,
        });
        // createTicketMessage links each file of the message to its event (agenda_id).
        if (filesRoot && files?.length) {
          await writeTicketFiles(trx, {
            dataRoot: filesRoot,
            entity: s.entity,
            ticketId: rowid,
            ref: ticket.ref,
            agendaId: event.id,
            files,
          });
        }
        // Ticket::newMessage($user, $action, 0, 1) from public/ticket/view.php: "if
        // (($object->status < self::STATUS_IN_PROGRESS && !$user->socid && !$private) ||
        // ($object->status > self::STATUS_IN_PROGRESS && $public_area)) setStatut(IN_PROGRESS)".
        // The public page's user is nobody (no socid) and the message is not private, so every
        // open status but IN_PROGRESS itself goes to IN_PROGRESS: not read, read, assigned, waiting
        // on the client, on hold.
        await setTicketStatus(trx, {
          ...s,
          rowid,
          from: REPLY_MOVES_FROM,
          to: TICKET_STATUS.inProgress,
        });
        return event;
      };
      const event = write?.trx ? await work(write.trx) : await db.transaction(work);
      if (!event) return null;
      return {
        id: toHostId(event.id),
        author: 'client',
        authorName: fullName(contact.firstname, contact.lastname) || contact.email.trim(),
        body: text,
        at: event.datep,
      };
    },

    async setState(workspaceId, clientId, contactId, id, to, write) {
      const s = scope(workspaceId, clientId);
      const rowid = parseId(id);
      const contactRowid = parseId(contactId);
      if (!s || rowid === null || contactRowid === null) return null;
      const contact = await findContact(db, { entity: s.entity, contactId: contactRowid });
      if (!contact || contact.fk_soc !== s.companyId) return null;
      const work = async (trx: Knex.Transaction) => {
        const ticket = await findTicket(trx, { ...s, rowid, forUpdate: true });
        if (!ticket) return null;
        if (to === 'closed' && (await closeTicket(trx, { ...s, rowid }))) {
          // Ticket::close runs TICKET_CLOSE; the agenda records it where its setup asks.
          await recordAgendaEvent(trx, {
            entity: s.entity,
            trigger: 'TICKET_CLOSE',
            elementId: rowid,
            ref: ticket.ref,
            companyId: s.companyId,
            projectId: ticket.fk_project,
            userId: options.userId,
            at: null,
          });
        }
        if (to === 'open') await reopenTicket(trx, { ...s, rowid });
        return findTicket(trx, { ...s, rowid });
      };
      const row = write?.trx ? await work(write.trx) : await db.transaction(work);
      return row ? presentSummary(row) : null;
    },
    // Dolibarr keeps no surveys: the portal keeps the answers (portal_ticket_ratings), and each is
    // also written on the ticket as a private message, where the agency works: the ticket card's
    // messages list it (marked private) beside the conversation, Dolibarr's public page and the
    // portal's conversation never show it, and the news pass does not tell it (TICKET_MSG_PRIVATE).
    // Written as createTicketMessage writes one from the client (no user, the contact and its
    // email), without newMessage's status change: a private message moves no status, and the
    // ticket stays closed.
    async noteSurveyAnswer(workspaceId, clientId, contactId, id, answer, write) {
      const s = scope(workspaceId, clientId);
      const rowid = parseId(id);
      const contactRowid = parseId(contactId);
      if (!s || rowid === null || contactRowid === null) return false;
      const contact = await findContact(db, { entity: s.entity, contactId: contactRowid });
      if (!contact || contact.fk_soc !== s.companyId) return false;
      const work = async (trx: Knex.Transaction) => {
        const ticket = await findTicket(trx, { ...s, rowid });
        if (!ticket) return false;
        await insertContactMessage(trx, {
          scope: s,
          ticket,
          contact: { rowid: contactRowid, email: contact.email },
          note: surveyAnswerHtml(answer),
          ip: write?.ip ?? null,
          private: true,
        });
        return true;
      };
      return write?.trx ? work(write.trx) : db.transaction(work);
    },
    // Each closing
    // staff set in Dolibarr (a numbered status change into CLOSED) invites the ticket's SUPPORTCLI
    // contact once; the client's own close through the portal invites no one.
    async resolution(workspaceId, clientId, id) {
      const s = scope(workspaceId, clientId);
      const rowid = parseId(id);
      if (!s || rowid === null) return null;
      const closing = await ticketClosing(db, { ...s, rowid });
      if (!closing || closing.change === null || closing.change === '0' || closing.contact_id === null) return null;
      return {
        occurrence: `closed:${closing.change}`,
        resolvedAt: closing.date_close ?? new Date(),
        contactId: toHostId(closing.contact_id),
        ref: closing.ref,
        subject: closing.subject?.trim() || closing.ref,
      };
    },
    ...(options.dataRoot ? ticketFiles(options.dataRoot) : {}),
    ...(filesRoot ? { keepsClientFiles: true } : {}),
  };
}
