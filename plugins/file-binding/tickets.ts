// The tickets port from the file's `tickets` section: a client company's tickets and the thread of
// each, opened, answered, closed and reopened by the file's own statements. A write the file does
// not declare is not offered (TicketsPort.offers); one it declares runs after the ticket is found
// in the client's scope and locked, in one transaction with the ticket read again after. Every
// read is scoped by workspace and client in SQL; the file sets no rule narrowing a company's
// tickets to one person, so each of its contacts reads them all.
import type { Knex } from 'knex';
import {
  clampLimit,
  containsPattern,
  decodeCursor,
  type HostWrite,
  pageOf,
  type TicketChoice,
  type TicketDetail,
  type TicketMessage,
  type TicketsPort,
  type TicketSummary,
  type TicketWrite,
} from '../../src/index.ts';
import type { TicketChoices, TicketConcept } from './format.ts';
import { newKey, type PersonKeys, personScope } from './keys.ts';
import type { WorkspaceRule } from './queries/scoped.ts';
import { type MessageRow, messageQuery, ticketCount, ticketQuery, type TicketFilter, type TicketRow } from './queries/tickets.ts';
import { runWriteValues, type Statement } from './statements.ts';

/** What each write may name; each must name the client, and all but create the ticket (:id). */
export const TICKET_PARAMS = {
  create: ['workspace', 'client', 'contact', 'subject', 'description', 'category', 'type', 'priority', 'at', 'new_id'],
  reply: ['workspace', 'client', 'contact', 'id', 'body', 'at', 'new_id'],
  close: ['workspace', 'client', 'contact', 'id', 'at'],
  reopen: ['workspace', 'client', 'contact', 'id', 'at'],
};

/** The column a create's statement returns the new ticket's key as, where the host makes the key itself. */
export const NEW_TICKET_KEY = 'ticket_id';
/** The column a reply's statement returns the new message's key as, where the host makes the key itself. */
const NEW_MESSAGE_KEY = 'message_id';

/** A thread longer than this shows its oldest messages only: no imported heap is read in full. */
const THREAD_LIMIT = 500;
/** A cursor's sort key as the list gave it: a moment as PostgreSQL writes a timestamptz as text. */
const SORT_KEY = /^(-infinity|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?)$/;

export type TicketWrites = Record<TicketWrite, Statement[] | null>;

interface Keys extends PersonKeys {
  ticket(id: string): string | null;
}

function presentSummary(row: TicketRow): TicketSummary {
  return {
    id: row.id,
    ref: row.ref || row.id,
    subject: row.subject,
    state: row.state,
    statusLabel: row.status_label?.trim() || null,
    priority: row.priority,
    category: row.category ?? row.type,
    openedAt: row.opened_at,
    lastActivityAt: row.activity_at,
    closedAt: row.state === 'closed' ? row.closed_at : null,
  };
}

function presentMessage(row: MessageRow): TicketMessage {
  return {
    id: row.id,
    author: row.from_client ? 'client' : 'agency',
    authorName: row.author_name?.trim() ?? '',
    body: row.body ?? '',
    at: row.at,
  };
}

const choicesOf = (choices: TicketChoices | undefined): TicketChoice[] =>
  Object.entries(choices?.values ?? {}).map(([id, label]) => ({ id, label }));

/** The host's value of a chosen id: null for none, undefined when it is not one of the file's. */
function chosen(choices: TicketChoices | undefined, id: string | null): string | null | undefined {
  if (id === null) return null;
  return choices && Object.hasOwn(choices.values, id) ? id : undefined;
}

export function fileTicketsPort(
  db: Knex,
  concept: TicketConcept,
  rule: WorkspaceRule,
  keys: Keys,
  writes: TicketWrites,
  countLimit: number,
): TicketsPort {
  const scopeOf = (workspaceId: string, clientId: string, contactId: string) => personScope(keys, workspaceId, clientId, contactId);
  const keyed = () => (concept.newKey ? { new_id: newKey(concept.newKey) } : {});

  async function findRow(read: Knex, scope: { ws: string; client: string }, ticket: string, lock = false): Promise<TicketRow | null> {
    const query = ticketQuery(read, concept, rule, scope.ws, scope.client, { id: ticket }, 1);
    if (lock) query.forUpdate('r');
    const [row] = (await query) as TicketRow[];
    return row ?? null;
  }

  async function detail(read: Knex, row: TicketRow): Promise<TicketDetail> {
    const messages = (await messageQuery(read, concept, row.id, THREAD_LIMIT)) as MessageRow[];
    return {
      ...presentSummary(row),
      description: row.description?.trim() ?? '',
      openedBy: row.opened_by?.trim() || null,
      messages: messages.map(presentMessage),
      history: [],
    };
  }

  /** Runs a write on a ticket of the client, locked first; the ticket read again after, or null. */
  async function onTicket(
    workspaceId: string,
    clientId: string,
    contactId: string,
    id: string,
    act: (trx: Knex, row: TicketRow, scope: { ws: string; client: string; contact: string }) => Promise<boolean>,
    write: HostWrite | undefined,
  ): Promise<TicketRow | null> {
    const scope = scopeOf(workspaceId, clientId, contactId);
    const ticket = keys.ticket(id);
    if (!scope || ticket === null) return null;
    const actIn = async (trx: Knex) => {
      const row = await findRow(trx, scope, ticket, true);
      if (!row || !(await act(trx, row, scope))) return null;
      return findRow(trx, scope, ticket);
    };
    // In the portal's transaction where it gives one: never a second connection beside it.
    return write?.trx ? actIn(write.trx) : db.transaction(actIn);
  }

  return {
    offers: (['create', 'reply', 'close', 'reopen'] as const).filter((write) => writes[write] !== null),
    async options() {
      return { categories: choicesOf(concept.category), types: choicesOf(concept.type), priorities: choicesOf(concept.priority) };
    },
    async list(workspaceId, clientId, contactId, filter, page) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const limit = clampLimit(page.limit);
      // No device is ever linked to a ticket the file binds.
      if (!scope || filter.deviceId !== undefined) return { items: [], next: null };
      let after: TicketFilter['after'] = null;
      // An empty or malformed cursor is no page at all, never the first one again.
      if (page.after !== undefined && page.after !== null) {
        const [sortKey, id] = decodeCursor(page.after) ?? [];
        const key = typeof id === 'string' ? keys.ticket(id) : null;
        if (typeof sortKey !== 'string' || !SORT_KEY.test(sortKey) || key === null) return { items: [], next: null };
        after = { sortKey, id: key };
      }
      const states = filter.waiting
        ? (['waiting'] as const)
        : filter.state === 'open'
          ? (['open', 'waiting'] as const)
          : filter.state === 'closed'
            ? (['closed'] as const)
            : undefined;
      const rows = (await ticketQuery(
        db,
        concept,
        rule,
        scope.ws,
        scope.client,
        { ...(states ? { states } : {}), after, ...(filter.search ? { matching: containsPattern(filter.search) } : {}) },
        limit + 1,
      )) as TicketRow[];
      return pageOf(rows, limit, presentSummary, (row) => [row.sort_key, row.id]);
    },
    async find(workspaceId, clientId, contactId, id) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      const ticket = keys.ticket(id);
      const row = scope && ticket !== null ? await findRow(db, scope, ticket) : null;
      return row ? detail(db, row) : null;
    },
    async counts(workspaceId, clientId, contactId) {
      const scope = scopeOf(workspaceId, clientId, contactId);
      if (!scope) return { open: 0, waiting: 0 };
      const count = async (states: ReadonlyArray<'open' | 'waiting'>) =>
        ((await ticketCount(db, concept, rule, scope.ws, scope.client, states, countLimit)) as Array<{ n: number }>)[0]?.n ?? 0;
      return { open: await count(['open', 'waiting']), waiting: await count(['waiting']) };
    },
    async create(workspaceId, clientId, contactId, ticket, write) {
      const statements = writes.create;
      const scope = scopeOf(workspaceId, clientId, contactId);
      const category = chosen(concept.category, ticket.categoryId);
      const type = chosen(concept.type, ticket.typeId);
      const priority = chosen(concept.priority, ticket.priorityId);
      if (!statements || !scope || category === undefined || type === undefined || priority === undefined) return null;
      const createIn = async (trx: Knex) => {
        const values = await runWriteValues(trx, statements, {
          workspace: scope.ws,
          client: scope.client,
          contact: scope.contact,
          subject: ticket.subject,
          description: ticket.description,
          category,
          type,
          priority,
          at: new Date(),
          ...keyed(),
        });
        const key = values ? (values[NEW_TICKET_KEY] ?? values.new_id) : null;
        const row = key === null || key === undefined ? null : await findRow(trx, scope, String(key));
        // A ticket the client cannot read back (a status the file maps to no state) is no ticket of theirs.
        if (!row) throw new Error('the binding opened a ticket its client cannot read: check tickets.writes.create and tickets.status');
        return presentSummary(row);
      };
      return write?.trx ? createIn(write.trx) : db.transaction(createIn);
    },
    async reply(workspaceId, clientId, contactId, id, body, write) {
      const statements = writes.reply;
      if (!statements) return null;
      let messageKey: string | null = null;
      const row = await onTicket(
        workspaceId,
        clientId,
        contactId,
        id,
        async (trx, found, scope) => {
          const values = await runWriteValues(trx, statements, {
            workspace: scope.ws,
            client: scope.client,
            contact: scope.contact,
            id: found.id,
            body,
            at: new Date(),
            ...keyed(),
          });
          const key = values ? (values[NEW_MESSAGE_KEY] ?? values.new_id) : null;
          messageKey = key === null || key === undefined ? null : String(key);
          return values !== null;
        },
        write,
      );
      if (!row) return null;
      const thread = (await messageQuery(write?.trx ?? db, concept, row.id, THREAD_LIMIT)) as MessageRow[];
      const mine = thread.filter((message) => message.from_client);
      const message = thread.find((m) => m.id === messageKey) ?? mine[mine.length - 1];
      return message ? presentMessage(message) : null;
    },
    async setState(workspaceId, clientId, contactId, id, to, write) {
      const statements = to === 'closed' ? writes.close : writes.reopen;
      if (!statements) return null;
      const row = await onTicket(
        workspaceId,
        clientId,
        contactId,
        id,
        async (trx, found, scope) => {
          // Already there: nothing to write (a second click, a colleague's close).
          if ((found.state === 'closed') === (to === 'closed')) return true;
          const values = await runWriteValues(trx, statements, {
            workspace: scope.ws,
            client: scope.client,
            contact: scope.contact,
            id: found.id,
            at: new Date(),
          });
          return values !== null;
        },
        write,
      );
      return row ? presentSummary(row) : null;
    },
  };
}
