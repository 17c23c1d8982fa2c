// TicketsPort on Alga PSA: a client's support tickets in Alga's own tables (queries/tickets.ts),
// so staff work them on Alga's boards and what they write for the client comes back here.
// Alga keeps rich text as BlockNote JSON (comments.note, and attributes.description where its
// editor wrote it; older rows, emails and the API leave plain text there): the portal reads the
// text of either and writes the client's plain text as one paragraph per line, as Alga's client
// portal stores both (a comment's text itself also in markdown_content).
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { TicketDetail, TicketFile, TicketMessage, TicketsPort, TicketState, TicketSummary, TicketUpload } from '../../src/index.ts';
import { clampLimit, pageOf, SUMMARY_COUNT_LIMIT } from '../../src/index.ts';
import { keyCursor } from './cursors.ts';
import { findAlgaAsset, listAlgaTicketAssets, linkAlgaAssetTicket } from './queries/assets.ts';
import { parseUuid } from './ids.ts';
import { cents } from './money.ts';
import { findTicketDocument, listTicketDocuments, type TicketDocumentRow } from './queries/ticket-documents.ts';
import { fileUnder } from './shared-files.ts';
import type { DocumentPreviews } from './document-previews.ts';
import { writeClientFiles } from './ticket-uploads.ts';
import { algaSurveys } from './surveys.ts';
import {
  actingContact,
  findTicket,
  insertClientComment,
  insertTicket,
  ticketReadiness,
  listStatusChanges,
  listTickets,
  listVisibleComments,
  readingBoards,
  setTicketClosed,
  ticketChoices,
  ticketCounts,
  type ActingContact,
  type CommentRow,
  type TicketRow,
} from './queries/tickets.ts';
import { fileStream } from '../shared/file-stream.ts';

type TenantOf = (workspaceId: string) => string | null;
const EMPTY = { items: [], next: null };

const SUBJECT = z.string().trim().min(1).max(255);
const BODY = z.string().trim().min(1).max(20_000);
const SEARCH = z.string().trim().max(200);

const stateOf = (row: { closed: boolean; waiting: boolean }): TicketState => (row.closed ? 'closed' : row.waiting ? 'waiting' : 'open');

interface Inline {
  type?: string;
  text?: string;
  content?: unknown;
}

/** The text of BlockNote inline content: text runs, links' text, anything else by its text. */
export function inlineText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((item: Inline) => (typeof item?.text === 'string' ? item.text : inlineText(item?.content))).join('');
  // Tables: { type: 'tableContent', rows: [{ cells: [...] }] }
  const rows = (content as { rows?: { cells?: unknown[] }[] } | null)?.rows;
  if (Array.isArray(rows)) return rows.map((row) => (row.cells ?? []).map(inlineText).join(' | ')).join('\n');
  return '';
}

function blocksText(blocks: unknown[]): string {
  return blocks
    .map((block) => {
      const { content, children } = (block ?? {}) as { content?: unknown; children?: unknown };
      const own = inlineText(content);
      const nested = Array.isArray(children) && children.length > 0 ? blocksText(children) : '';
      return nested ? `${own}\n${nested}` : own;
    })
    .join('\n');
}

/** Plain text of what Alga stored: BlockNote JSON read for its text, anything else as it is. */
function algaText(stored: string | null | undefined, fallback?: string | null): string {
  const raw = stored ?? '';
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed)) {
      const text = blocksText(parsed).trim();
      if (text) return text;
    }
  } catch {
    // Not JSON: the string is the text (older rows, emails, the API).
  }
  return raw.trim() || fallback?.trim() || '';
}

/** The client's plain text as BlockNote paragraphs, one a line, as Alga's editor would hold it. */
function blockNoteOf(text: string): string {
  return JSON.stringify(
    text.split(/\r?\n/).map((line) => ({
      id: randomUUID(),
      type: 'paragraph',
      props: { textColor: 'default', backgroundColor: 'default', textAlignment: 'left' },
      content: line ? [{ type: 'text', text: line, styles: {} }] : [],
      children: [],
    })),
  );
}

function presentTicket(row: TicketRow): TicketSummary {
  return {
    id: row.ticket_id,
    ref: row.ticket_number,
    subject: row.title?.trim() || row.ticket_number,
    state: stateOf(row),
    statusLabel: row.status_name?.trim() || null,
    priority: row.priority_name?.trim() || null,
    category: row.category_name?.trim() || null,
    openedAt: row.entered_at ?? row.last_activity,
    lastActivityAt: row.last_activity,
    closedAt: row.closed ? row.closed_at : null,
  };
}

function presentMessage(row: CommentRow): TicketMessage {
  return {
    id: row.comment_id,
    author: row.by_client ? 'client' : 'agency',
    authorName: row.author_name ?? '',
    body: algaText(row.note, row.markdown_content),
    at: row.created_at,
  };
}

function presentFile(row: TicketDocumentRow): TicketFile {
  return {
    id: row.document_id,
    name: row.document_name?.trim() || row.original_name,
    contentType: row.mime_type?.trim() || 'application/octet-stream',
    sizeBytes: cents(row.file_size),
    at: row.associated_at,
    // Alga links a document to the ticket, never to a comment: it goes with what its uploader's
    // side wrote at that moment (the portal writes a client's files with the message), else on its own.
    messageId: null,
    attachedBy: row.uploader_type ? { side: row.uploader_type === 'client' ? 'client' : 'agency', name: row.uploader_name ?? '' } : null,
  };
}

export interface AlgaTicketsOptions {
  /**
   * Alga's local storage root (the documents port's): a ticket's files are read from it, and a
   * client's files written to it as Alga documents (ticket-uploads.ts). Without it the port has
   * no files, as the documents port is left out, and the client's files stay in the portal.
   */
  storageRoot?: string;
  /** Alga's own address (ALGA_BASE_URL), for the staff's link to a ticket's page. */
  crmUrl?: string;
  /** Makes the thumbnail and preview of each client file once its act commits (document-previews.ts). */
  previews?: DocumentPreviews;
}

export function algaTickets(db: Knex, tenantOf: TenantOf, options: AlgaTicketsOptions = {}): TicketsPort {
  const scopeOf = (workspaceId: string, clientId: string) => {
    const tenant = tenantOf(workspaceId);
    const client = parseUuid(clientId);
    return tenant === null || client === null ? null : { tenant, clientId: client };
  };
  const inTransaction = <T>(write: { trx?: Knex.Transaction } | undefined, work: (trx: Knex.Transaction) => Promise<T>) =>
    write?.trx ? work(write.trx) : db.transaction(work);
  /** The client's files of the act, as Alga documents of the ticket (ticket-uploads.ts), where there is a storage root to put them. */
  const keepFiles = async (
    trx: Knex.Transaction,
    args: { tenant: string; clientId: string; ticketId: string; contact: ActingContact },
    files: TicketUpload[] | undefined,
  ) => {
    if (options.storageRoot && files?.length)
      await writeClientFiles(trx, {
        ...args,
        storageRoot: options.storageRoot,
        files,
        ...(options.previews ? { previews: options.previews } : {}),
      });
  };

  /** The ticket's documents, read from the storage root; a file missing there is not listed (as Alga's provider says it is gone). */
  const ticketFiles = (storageRoot: string): Pick<TicketsPort, 'files' | 'fileContent'> => ({
    async files(workspaceId, clientId, id) {
      const scope = scopeOf(workspaceId, clientId);
      const ticketId = parseUuid(id);
      if (!scope || ticketId === null) return [];
      const rows = await listTicketDocuments(db, { ...scope, ticketId });
      return rows.filter((row) => fileUnder(storageRoot, row.storage_path) !== null).map(presentFile);
    },
    async fileContent(workspaceId, clientId, id, fileId) {
      const scope = scopeOf(workspaceId, clientId);
      const ticketId = parseUuid(id);
      const documentId = parseUuid(fileId);
      if (!scope || ticketId === null || documentId === null) return null;
      const row = await findTicketDocument(db, { ...scope, ticketId, documentId });
      const file = row ? fileUnder(storageRoot, row.storage_path) : null;
      const info = file ? await stat(file).catch(() => null) : null;
      if (!row || !file || !info?.isFile()) return null;
      const { name, contentType } = presentFile(row);
      return { name, contentType, sizeBytes: info.size, content: fileStream(file) };
    },
  });

  /** The client's scope narrowed to the boards the contact reads (TicketReadScope); null when it reads none. */
  const readScopeOf = async (workspaceId: string, clientId: string, contactId: string) => {
    const scope = scopeOf(workspaceId, clientId);
    const contact = parseUuid(contactId);
    if (!scope || contact === null) return null;
    const boardIds = await readingBoards(db, { ...scope, contactId: contact });
    return boardIds === undefined ? null : { ...scope, boardIds };
  };

  const find = async (workspaceId: string, clientId: string, contactId: string, id: string): Promise<TicketDetail | null> => {
    const ticketId = parseUuid(id);
    const scope = ticketId === null ? null : await readScopeOf(workspaceId, clientId, contactId);
    if (!scope || ticketId === null) return null;
    const row = await findTicket(db, { ...scope, ticketId });
    if (!row) return null;
    const [comments, changes, assets] = await Promise.all([
      listVisibleComments(db, { tenant: scope.tenant, ticketId }),
      listStatusChanges(db, { tenant: scope.tenant, ticketId }),
      listAlgaTicketAssets(db, { tenant: scope.tenant, clientId: scope.clientId, ticketId }),
    ]);
    return {
      ...presentTicket(row),
      description: algaText(row.description),
      openedBy: row.opened_by,
      messages: comments.map(presentMessage),
      history: changes.map((change) => ({
        at: change.occurred_at,
        state: change.is_closed ? 'closed' : 'open',
        statusLabel: change.status_name?.trim() || null,
      })),
      devices: assets.map((asset) => ({ id: asset.asset_id, name: asset.name })),
    };
  };

  return {
    // Alga's own page of the ticket (server/src/app/msp/tickets/[id]), where its staff answer it.
    staffPageOf(ticketId) {
      const id = parseUuid(ticketId);
      return options.crmUrl && id ? `${options.crmUrl}/msp/tickets/${id}` : null;
    },

    async options(workspaceId) {
      const tenant = tenantOf(workspaceId);
      if (tenant === null) return { categories: [], types: [], priorities: [] };
      const choices = await ticketChoices(db, tenant);
      // Alga has no ticket types beside its boards and categories.
      return { categories: choices.categories, types: [], priorities: choices.priorities };
    },

    async list(workspaceId, clientId, contactId, filter, page) {
      const before = keyCursor(page.after, 'timestamp', true);
      const search = SEARCH.safeParse(filter.search ?? '');
      const assetId = filter.deviceId === undefined ? null : parseUuid(filter.deviceId);
      if (before === 'invalid' || !search.success || (filter.deviceId !== undefined && assetId === null)) return EMPTY;
      const scope = await readScopeOf(workspaceId, clientId, contactId);
      if (!scope) return EMPTY;
      const limit = clampLimit(page.limit);
      const rows = await listTickets(db, {
        ...scope,
        state: filter.state,
        ...(filter.waiting ? { waiting: true } : {}),
        ...(search.data ? { search: search.data } : {}),
        ...(assetId ? { assetId } : {}),
        before: before && { at: before.key, id: before.id },
        limit,
      });
      return pageOf(rows, limit, presentTicket, (row) => [row.sort_key, row.ticket_id]);
    },

    find,

    async counts(workspaceId, clientId, contactId) {
      const scope = await readScopeOf(workspaceId, clientId, contactId);
      return scope ? ticketCounts(db, { ...scope, countLimit: SUMMARY_COUNT_LIMIT + 1 }) : { open: 0, waiting: 0 };
    },

    async create(workspaceId, clientId, contactId, ticket, write) {
      const scope = scopeOf(workspaceId, clientId);
      const contactUuid = parseUuid(contactId);
      const subject = SUBJECT.safeParse(ticket.subject);
      const description = BODY.safeParse(ticket.description);
      const categoryId = ticket.categoryId === null ? null : parseUuid(ticket.categoryId);
      const priorityId = ticket.priorityId === null ? null : parseUuid(ticket.priorityId);
      const assetId = ticket.deviceId === undefined ? null : parseUuid(ticket.deviceId);
      if (!scope || contactUuid === null || !subject.success || !description.success) return null;
      if (ticket.deviceId !== undefined && assetId === null) return null;
      // A choice that is not an id of Alga's is not the host's; Alga has no ticket types at all.
      if (
        (ticket.categoryId !== null && categoryId === null) ||
        (ticket.priorityId !== null && priorityId === null) ||
        ticket.typeId !== null
      )
        return null;
      const inserted = await inTransaction(write, async (trx) => {
        const contact = await actingContact(trx, { ...scope, contactId: contactUuid });
        // An asset it is about must be the client's, and the link needs the contact's client login
        // (Alga's asset_associations.created_by is a user): checked before the ticket is written.
        if (assetId !== null && (!contact?.userId || !(await findAlgaAsset(trx, { ...scope, assetId })))) return null;
        const result = contact
          ? await insertTicket(trx, {
              ...scope,
              contact,
              title: subject.data,
              description: blockNoteOf(description.data),
              categoryId,
              priorityId,
            })
          : null;
        if (result && 'ticketId' in result && contact) await keepFiles(trx, { ...scope, ticketId: result.ticketId, contact }, ticket.files);
        if (result && 'ticketId' in result && assetId !== null && contact?.userId)
          await linkAlgaAssetTicket(trx, { tenant: scope.tenant, assetId, ticketId: result.ticketId, createdBy: contact.userId });
        return result;
      });
      // Alga's set-up gives the ticket nowhere to go: said on the form as the CRM's refusal.
      if (!inserted || 'refused' in inserted) return inserted;
      const row = await findTicket(write?.trx ?? db, { ...scope, boardIds: null, ticketId: inserted.ticketId });
      return row ? presentTicket(row) : null;
    },

    async reply(workspaceId, clientId, contactId, id, body, write, files) {
      const scope = scopeOf(workspaceId, clientId);
      const contactUuid = parseUuid(contactId);
      const ticketId = parseUuid(id);
      const text = BODY.safeParse(body);
      if (!scope || contactUuid === null || ticketId === null || !text.success) return null;
      return inTransaction(write, async (trx) => {
        const contact = await actingContact(trx, { ...scope, contactId: contactUuid });
        if (!contact) return null;
        const comment = await insertClientComment(trx, { ...scope, ticketId, contact, note: blockNoteOf(text.data), text: text.data });
        if (comment) await keepFiles(trx, { ...scope, ticketId, contact }, files);
        return comment
          ? { id: comment.comment_id, author: 'client' as const, authorName: contact.name, body: text.data, at: comment.created_at }
          : null;
      });
    },

    async setState(workspaceId, clientId, contactId, id, to, write) {
      const scope = scopeOf(workspaceId, clientId);
      const contactUuid = parseUuid(contactId);
      const ticketId = parseUuid(id);
      if (!scope || contactUuid === null || ticketId === null || (to !== 'open' && to !== 'closed')) return null;
      const changed = await inTransaction(write, async (trx) => {
        const contact = await actingContact(trx, { ...scope, contactId: contactUuid });
        return contact ? setTicketClosed(trx, { ...scope, ticketId, contact, closed: to === 'closed' }) : false;
      });
      if (!changed) return null;
      const row = await findTicket(write?.trx ?? db, { ...scope, boardIds: null, ticketId });
      return row ? presentTicket(row) : null;
    },
    ...(options.storageRoot ? ticketFiles(options.storageRoot) : {}),
    // With a storage root the client's files become Alga documents; Alga's upload records a login
    // as uploader, so a contact without one keeps its files in the portal.
    keepsClientFiles: Boolean(options.storageRoot),
    async readiness(workspaceId) {
      const tenant = tenantOf(workspaceId);
      const refused = tenant === null ? null : await ticketReadiness(db, tenant);
      return refused ? { refused } : null;
    },
    async keepsClientFilesOf(workspaceId, clientId, contactId) {
      const scope = scopeOf(workspaceId, clientId);
      const contact = parseUuid(contactId);
      if (!options.storageRoot || !scope || contact === null) return false;
      return Boolean((await actingContact(db, { ...scope, contactId: contact }))?.userId);
    },
    // Satisfaction surveys in Alga's survey tables (surveys.ts).
    ...algaSurveys(db, scopeOf),
  };
}
