// The host ports from a binding file: one binding for every CRM a file describes. What the file
// maps is served with the guarantees the hand-written bindings give (every statement scoped by
// workspace and client, keyset pages, search, malformed ids answered "not found", drafts never
// shown, claims checked at start-up); what it does not map is absent, so the portal leaves that
// section out; a write it does not declare is not offered.
import type { Knex } from 'knex';
import {
  clampLimit,
  containsPattern,
  decodeCursor,
  overdueFrom,
  pageOf,
  SUMMARY_COUNT_LIMIT,
  type ClientCredentialsPort,
  type ClientSummary,
  type HostAdapter,
  type HostClaim,
  type HostContact,
  type HostStaffUser,
  type HostWorkspace,
  type InvoiceDetail,
  type InvoicePayment,
  type InvoiceStatus,
  type InvoiceSummary,
  type InvoicesPort,
  type LineItem,
  type OfferDetail,
  type OfferKind,
  type OfferStatus,
  type OfferSummary,
  type OffersPort,
} from '../../src/index.ts';
import { type BindingFile, type InvoiceConcept, type OfferConcept, paymentSources, type Write } from './format.ts';
import { type KeyKind, keyKindOf, parseKey, readColumnTypes } from './keys.ts';
import { passwordFormat } from './passwords.ts';
import { bindingClaims } from './claims.ts';
import {
  clientRows,
  type ContactRow,
  contactRows,
  setContactPassword,
  staffRows,
  type StaffRow,
  workspaceRows,
} from './queries/identity.ts';
import {
  baseColumnOf,
  type LineRow,
  offerCountsQuery,
  openInvoicesQuery,
  paymentRows,
  type RecordConcept,
  type RecordFilter,
  recordQuery,
  type RecordRow,
  tableLines,
  NO_DATE,
} from './queries/records.ts';
import type { WorkspaceRule } from './queries/scoped.ts';
import { openTaskCount } from './queries/tasks.ts';
import { parseWrite, runWrite, type Statement } from './statements.ts';
import { fileKnowledgeBasePort } from './knowledge.ts';
import { fileProjectsPort } from './projects.ts';
import { fileLegalDetails } from './legal.ts';
import { fileTasksPort, TASK_PARAMS } from './tasks.ts';
import { fileTicketsPort, NEW_TICKET_KEY, TICKET_PARAMS, type TicketWrites } from './tickets.ts';

const SLUG = /^[a-z0-9][a-z0-9-]{0,59}$/;
const EMAIL = /^[^\s@]{1,200}@[^\s@]{1,200}$/;

/** What the file's writes may name, by write; the scope each must name is added by binding. */
const OFFER_PARAMS = ['workspace', 'client', 'id', 'contact', 'at', 'note', 'po_number', 'signer', 'ip'];
const PAYMENT_PARAMS = ['workspace', 'client', 'id', 'amount', 'amount_cents', 'currency', 'method', 'reference', 'paid_at', 'provider'];
const PROFILE_PARAMS = ['workspace', 'client', 'contact', 'name', 'first_name', 'last_name', 'phone'];

export interface FileBinding {
  adapter: HostAdapter;
  /** Each declared write by where the file declares it (`quotations.writes.accept`), as checked. */
  writes: Array<{ name: string; statements: Statement[] }>;
  file: BindingFile;
  rule: WorkspaceRule;
  workspaces(): Promise<HostWorkspace[]>;
  staff: {
    byEmail(email: string): Promise<StaffRow[]>;
    find(workspaceId: string, id: string): Promise<StaffRow | null>;
    present(row: StaffRow): HostStaffUser;
  };
  staffPasswords: ReturnType<typeof passwordFormat>;
}

/** A file's write checked against what that write offers; the scope names it must carry. */
function statementsOf(file: BindingFile, write: Write | undefined, offered: string[], scope: string[]): Statement[] | null {
  if (write === undefined) return null;
  return parseWrite(write, offered, file.workspaces ? ['workspace', ...scope] : scope);
}

const cents = (text: string | null | undefined): number => (text == null ? 0 : Number(text));
const number = (text: string | number | null | undefined): number => {
  const n = Number(text ?? 0);
  return Number.isFinite(n) ? n : 0;
};

/** Lines of a JSON column, as the file names their keys. */
function jsonLines(
  json: string | null,
  lines: Extract<NonNullable<OfferConcept['lines']>, { json: string }>,
  scale: 'decimal' | 'cents',
): LineItem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const toCents = (value: unknown) => Math.round(number(value as string) * (scale === 'decimal' ? 100 : 1));
  return parsed
    .filter((line): line is Record<string, unknown> => typeof line === 'object' && line !== null)
    .map((line) => {
      const description = (Array.isArray(lines.description) ? lines.description : [lines.description])
        .map((key) => (typeof line[key] === 'string' ? (line[key] as string).trim() : ''))
        .filter(Boolean)
        .join(' — ');
      const quantity = number(line[lines.quantity] as string);
      const unitPriceCents = toCents(line[lines.unitPrice]);
      const discount = lines.discountPercent ? number(line[lines.discountPercent] as string) : 0;
      const totalCents =
        lines.total && line[lines.total] != null
          ? toCents(line[lines.total])
          : Math.round(quantity * unitPriceCents * (1 - discount / 100));
      const rate = lines.taxRate ? number(line[lines.taxRate] as string) : null;
      return { description, quantity, unitPriceCents, totalCents, taxRatePercent: rate, discountPercent: discount || null };
    });
}

function presentTableLine(row: LineRow): LineItem {
  const quantity = number(row.quantity);
  const unitPriceCents = cents(row.unit_cents);
  const discount = row.discount === null ? 0 : number(row.discount);
  return {
    description: row.description ?? '',
    quantity,
    unitPriceCents,
    totalCents: row.total_cents === null ? Math.round(quantity * unitPriceCents * (1 - discount / 100)) : cents(row.total_cents),
    taxRatePercent: row.tax_rate === null ? null : number(row.tax_rate),
    discountPercent: discount || null,
  };
}

export async function createFileBinding(db: Knex, file: BindingFile, options: { name: string }): Promise<FileBinding> {
  const rule: WorkspaceRule = { fixedId: file.workspace?.id ?? null };
  const offerConcepts: Partial<Record<OfferKind, OfferConcept>> = {
    ...(file.proposals ? { proposal: file.proposals } : {}),
    ...(file.quotations ? { quotation: file.quotations } : {}),
  };
  const keyed = [
    ...(file.workspaces ? [{ table: file.workspaces.table, column: file.workspaces.key }] : []),
    { table: file.clients.table, column: file.clients.key },
    { table: file.contacts.table, column: file.contacts.key },
    ...(file.staff ? [{ table: file.staff.table, column: file.staff.key }] : []),
    ...Object.values(offerConcepts).map((c) => ({ table: c.table, column: c.key })),
    ...(file.invoices ? [{ table: file.invoices.table, column: file.invoices.key }] : []),
    ...(file.invoices?.bank ? [{ table: file.invoices.bank.table, column: file.invoices.bank.key }] : []),
    ...(file.tasks ? [{ table: file.tasks.table, column: file.tasks.key }] : []),
    ...(file.projects ? [{ table: file.projects.table, column: file.projects.key }] : []),
    ...(file.knowledgeBase ? [{ table: file.knowledgeBase.table, column: file.knowledgeBase.key }] : []),
    ...(file.knowledgeBase?.categories ? [{ table: file.knowledgeBase.categories.table, column: file.knowledgeBase.categories.key }] : []),
    ...(file.tickets ? [{ table: file.tickets.table, column: file.tickets.key }] : []),
  ];
  const recordConcepts = [...Object.values(offerConcepts), ...(file.invoices ? [file.invoices] : [])];
  const dated = recordConcepts.flatMap((c) => {
    const column = baseColumnOf(c.date);
    return column === null ? [] : [{ table: c.table, column }];
  });
  const types = await readColumnTypes(db, [...keyed, ...dated]);
  const kindOf = (table: string, column: string): KeyKind => keyKindOf(types.get(`${table}.${column}`));
  /** The concept's own date column where its type is `date`, which lists sort on as it is (see recordQuery). */
  const dateColumnOf = (concept: OfferConcept | InvoiceConcept): string | undefined => {
    const column = baseColumnOf(concept.date);
    return column !== null && types.get(`${concept.table}.${column}`) === 'date' ? column : undefined;
  };
  const workspaceKind: KeyKind = file.workspaces ? kindOf(file.workspaces.table, file.workspaces.key) : 'text';
  const keyOf = {
    workspace: (id: string) => (file.workspace ? (id === file.workspace.id ? id : null) : parseKey(workspaceKind, id)),
    client: (id: string) => parseKey(kindOf(file.clients.table, file.clients.key), id),
    contact: (id: string) => parseKey(kindOf(file.contacts.table, file.contacts.key), id),
    staff: (id: string) => (file.staff ? parseKey(kindOf(file.staff.table, file.staff.key), id) : null),
    record: (table: string, key: string, id: string) => parseKey(kindOf(table, key), id),
  };
  const bankSection = file.invoices?.bank;
  const legal = fileLegalDetails(file, rule, (id) => (bankSection ? keyOf.record(bankSection.table, bankSection.key, id) : null));

  // The writes, checked once: a mistake stops the start with the write's name.
  const writeOf = (where: string, write: Write | undefined, offered: string[], scope: string[]) => {
    try {
      return statementsOf(file, write, offered, scope);
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`);
    }
  };
  const offerWrites: Partial<
    Record<OfferKind, { accepted: Statement[] | null; declined: Statement[] | null; viewed: Statement[] | null }>
  > = {};
  for (const [kind, concept] of Object.entries(offerConcepts) as Array<[OfferKind, OfferConcept]>) {
    const section = kind === 'proposal' ? 'proposals' : 'quotations';
    offerWrites[kind] = {
      accepted: writeOf(`${section}.writes.accept`, concept.writes?.accept, OFFER_PARAMS, ['client', 'id']),
      declined: writeOf(`${section}.writes.decline`, concept.writes?.decline, OFFER_PARAMS, ['client', 'id']),
      viewed: writeOf(`${section}.writes.viewed`, concept.writes?.viewed, OFFER_PARAMS, ['client', 'id']),
    };
  }
  const taskWrites = {
    done: writeOf('tasks.writes.done', file.tasks?.writes?.done, TASK_PARAMS, ['client', 'id']),
    reopen: writeOf('tasks.writes.reopen', file.tasks?.writes?.reopen, TASK_PARAMS, ['client', 'id']),
  };
  // A ticket's writes may name :new_id only where the file says how a new key is made.
  const ticketParams = (write: keyof typeof TICKET_PARAMS) =>
    TICKET_PARAMS[write].filter((param) => param !== 'new_id' || file.tickets?.newKey !== undefined);
  const ticketWrites: TicketWrites = {
    create: writeOf('tickets.writes.create', file.tickets?.writes?.create, ticketParams('create'), ['client']),
    reply: writeOf('tickets.writes.reply', file.tickets?.writes?.reply, ticketParams('reply'), ['client', 'id']),
    close: writeOf('tickets.writes.close', file.tickets?.writes?.close, ticketParams('close'), ['client', 'id']),
    reopen: writeOf('tickets.writes.reopen', file.tickets?.writes?.reopen, ticketParams('reopen'), ['client', 'id']),
  };
  // A new ticket is read back by its key: the :new_id given, or the one a statement returns.
  if (
    ticketWrites.create &&
    !ticketWrites.create.some((statement) => statement.params.includes('new_id') || statement.returns.includes(NEW_TICKET_KEY))
  )
    throw new Error(
      `tickets.writes.create: name :new_id (with tickets.newKey) or return the new ticket's key (returning id as ${NEW_TICKET_KEY})`,
    );
  const paymentWrite = writeOf('invoices.writes.recordPayment', file.invoices?.writes?.recordPayment, PAYMENT_PARAMS, ['client', 'id']);
  const profileWrite = writeOf('contacts.writes.updateProfile', file.contacts.writes?.updateProfile, PROFILE_PARAMS, ['client', 'contact']);

  const presentWorkspace = (row: {
    id: string;
    slug: string | null;
    name: string | null;
    brand_color: string | null;
  }): HostWorkspace | null =>
    row.slug && SLUG.test(row.slug)
      ? {
          id: row.id,
          slug: row.slug,
          name: row.name?.trim() || row.slug,
          logoUrl: null,
          brandColor: row.brand_color && /^#[0-9a-f]{6}$/i.test(row.brand_color) ? row.brand_color : null,
        }
      : null;
  const fixedWorkspace: HostWorkspace | null = file.workspace
    ? {
        id: file.workspace.id,
        slug: file.workspace.slug,
        name: file.workspace.name,
        logoUrl: null,
        brandColor: file.workspace.brandColor ?? null,
      }
    : null;

  const presentContact = (workspaceId: string, row: ContactRow): HostContact => ({
    id: row.id,
    workspaceId,
    clientId: row.client_id,
    clientName: row.client_name,
    name: row.name?.trim() || row.email || '',
    email: row.email ?? '',
    phone: row.phone?.trim() || null,
  });
  const presentStaff = (row: StaffRow): HostStaffUser => ({
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name?.trim() || row.email || row.id,
    email: row.email ?? '',
    role: row.admin ? 'admin' : 'member',
  });

  const findContacts = async (workspaceId: string, filter: Parameters<typeof contactRows>[4]) => {
    const ws = keyOf.workspace(workspaceId);
    if (ws === null) return [];
    return (await contactRows(db, file, rule, ws, filter)).map((row) => presentContact(ws, row));
  };
  const lookupEmail = (email: unknown): string | null =>
    typeof email === 'string' && EMAIL.test(email.trim()) ? email.trim().toLowerCase() : null;

  /** A record's scope from the portal's ids, or null when any cannot be one. */
  const recordScope = (workspaceId: string, clientId: string, concept: { table: string; key: string }, id?: string) => {
    const ws = keyOf.workspace(workspaceId);
    const client = keyOf.client(clientId);
    const record = id === undefined ? '' : keyOf.record(concept.table, concept.key, id);
    return ws === null || client === null || record === null ? null : { ws, client, record };
  };

  /** A list's page: the filter's rows before the cursor, newest first. */
  async function listRecords(
    record: RecordConcept,
    workspaceId: string,
    clientId: string,
    filter: RecordFilter,
    page: { limit: number; after?: string | null },
  ) {
    const scope = recordScope(workspaceId, clientId, record.concept);
    const limit = clampLimit(page.limit);
    if (!scope) return { rows: [] as RecordRow[], limit };
    let before: RecordFilter['before'] = null;
    // An empty or malformed cursor is no page at all, never the first one again.
    if (page.after !== undefined && page.after !== null) {
      const parts = decodeCursor(page.after);
      const [date, id] = parts ?? [];
      const key = typeof id === 'string' ? keyOf.record(record.concept.table, record.concept.key, id) : null;
      if (parts?.length !== 2 || typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date) || key === null) return { rows: [], limit };
      before = { date, id: key };
    }
    const sorted = { ...record, dateColumn: dateColumnOf(record.concept) } as RecordConcept;
    const rows = (await recordQuery(db, sorted, rule, scope.ws, scope.client, { ...filter, before }, limit + 1)) as RecordRow[];
    return { rows, limit };
  }

  const cursorOf = (row: RecordRow) => [row.date_key ?? NO_DATE, row.id];

  const offerSummary = (kind: OfferKind, row: RecordRow): OfferSummary => ({
    id: row.id,
    kind,
    number: row.number,
    title: row.title,
    status: row.state as OfferStatus,
    currency: row.currency ?? '',
    totalCents: cents(row.total_cents),
    validUntil: row.valid_until,
    sentAt: row.sent_at,
    // The host's column may be a last-changed time: a decision's moment only on a decided offer.
    decidedAt: row.state === 'accepted' || row.state === 'declined' ? row.decided_at : null,
  });

  const invoiceSummary = (row: RecordRow): InvoiceSummary => ({
    id: row.id,
    number: row.number,
    status: row.state as InvoiceStatus,
    currency: row.currency ?? '',
    totalCents: cents(row.total_cents),
    paidCents: cents(row.paid_cents),
    balanceCents: row.state === 'open' ? cents(row.balance_cents) : 0,
    issueDate: row.issue_date ?? row.date_key,
    dueDate: row.due_date,
  });

  async function linesOf(concept: OfferConcept | InvoiceConcept, row: RecordRow, read: Knex): Promise<LineItem[]> {
    if (!concept.lines) return [];
    if ('json' in concept.lines) return jsonLines(row.lines_json, concept.lines, concept.amounts);
    return (await tableLines(read, concept.lines, concept.amounts, row.id)).map(presentTableLine);
  }

  async function findOffer(
    workspaceId: string,
    clientId: string,
    kind: OfferKind,
    id: string,
    read: Knex = db,
    lock = false,
  ): Promise<OfferDetail | null> {
    const concept = offerConcepts[kind];
    const scope = concept ? recordScope(workspaceId, clientId, concept, id) : null;
    if (!concept || !scope) return null;
    const query = recordQuery(read, { kind: 'offer', concept }, rule, scope.ws, scope.client, { id: scope.record }, 1);
    if (lock) query.forUpdate('r');
    const [row] = (await query) as RecordRow[];
    if (!row) return null;
    const lines = await linesOf(concept, row, read);
    const letterhead = await legal.letterhead(read, scope.ws, scope.client);
    const subtotal = cents(row.total_cents) - cents(row.tax_cents);
    return {
      ...offerSummary(kind, row),
      clientId: row.client_id,
      body: row.body ?? '',
      lines,
      subtotalCents: subtotal,
      taxCents: cents(row.tax_cents),
      terms: row.terms?.trim() || null,
      ...letterhead,
    };
  }

  const offerKinds = Object.keys(offerConcepts) as OfferKind[];
  const offers: OffersPort | undefined =
    offerKinds.length === 0
      ? undefined
      : {
          kinds: offerKinds,
          outcomes: Object.fromEntries(
            offerKinds.map((kind) => [kind, (['accepted', 'declined'] as const).filter((outcome) => offerWrites[kind]?.[outcome])]),
          ),
          async list(workspaceId, clientId, kind, filter, page) {
            const concept = offerConcepts[kind];
            if (!concept) return { items: [], next: null };
            const { rows, limit } = await listRecords(
              { kind: 'offer', concept },
              workspaceId,
              clientId,
              {
                ...(filter.status ? { states: filter.status } : {}),
                ...(filter.search ? { matching: containsPattern(filter.search), ...(filter.amount ? { amount: filter.amount } : {}) } : {}),
              },
              page,
            );
            return pageOf(rows, limit, (row) => offerSummary(kind, row), cursorOf);
          },
          find: (workspaceId, clientId, kind, id, read) => findOffer(workspaceId, clientId, kind, id, read?.trx ?? db),
          async decide(workspaceId, clientId, kind, id, decision, write) {
            const statements = offerWrites[kind]?.[decision.outcome];
            const concept = offerConcepts[kind];
            const scope = concept ? recordScope(workspaceId, clientId, concept, id) : null;
            if (!statements || !scope) return false;
            const decideIn = async (trx: Knex.Transaction) => {
              // Only an offer still open is decided, whatever the file's statement checks.
              const offer = await findOffer(workspaceId, clientId, kind, id, trx, true);
              if (offer?.status !== 'open') return false;
              return runWrite(trx, statements, {
                workspace: scope.ws,
                client: scope.client,
                id: scope.record,
                contact: decision.contactId ?? null,
                at: decision.at,
                note: decision.note ?? null,
                po_number: decision.poNumber ?? null,
                signer: decision.signerName ?? null,
                ip: decision.ip ?? null,
              });
            };
            return write?.trx ? decideIn(write.trx) : db.transaction(decideIn);
          },
          async viewed(workspaceId, clientId, kind, id, viewer) {
            const statements = offerWrites[kind]?.viewed;
            const concept = offerConcepts[kind];
            const scope = concept ? recordScope(workspaceId, clientId, concept, id) : null;
            if (!statements || !scope) return;
            await db.transaction((trx) =>
              runWrite(trx, statements, {
                workspace: scope.ws,
                client: scope.client,
                id: scope.record,
                contact: viewer.contactId,
                at: viewer.at,
              }),
            );
          },
          async expiringSoon(workspaceId, window) {
            const ws = keyOf.workspace(workspaceId);
            if (ws === null) return [];
            const found = [];
            for (const kind of offerKinds) {
              const concept = offerConcepts[kind]!;
              if (!concept.validUntil) continue;
              const rows = (await recordQuery(
                db,
                { kind: 'offer', concept },
                rule,
                ws,
                null,
                { states: ['open'], validFrom: window.from, validThrough: window.through },
                1000,
              )) as RecordRow[];
              found.push(
                ...rows.map((row) => ({
                  kind,
                  id: row.id,
                  clientId: row.client_id,
                  number: row.number,
                  title: row.title,
                  validUntil: row.valid_until!,
                })),
              );
            }
            return found;
          },
        };

  const invoiceConcept = file.invoices;
  // A payment has the host's name of its method where any source of the payments reads one.
  const methodLabels = paymentSources(invoiceConcept).some(({ source }) => source.methodLabel !== undefined);
  async function findInvoice(
    workspaceId: string,
    clientId: string,
    id: string,
    read: Knex = db,
    lock = false,
  ): Promise<InvoiceDetail | null> {
    const scope = invoiceConcept ? recordScope(workspaceId, clientId, invoiceConcept, id) : null;
    if (!invoiceConcept || !scope) return null;
    const query = recordQuery(read, { kind: 'invoice', concept: invoiceConcept }, rule, scope.ws, scope.client, { id: scope.record }, 1);
    if (lock) query.forUpdate('r');
    const [row] = (await query) as RecordRow[];
    if (!row) return null;
    const lines = await linesOf(invoiceConcept, row, read);
    const payments: InvoicePayment[] = invoiceConcept.payments
      ? (await paymentRows(read, invoiceConcept, [row.id])).map((payment) => ({
          id: payment.id,
          amountCents: cents(payment.amount_cents),
          method: payment.method ?? 'other',
          ...(methodLabels ? { methodLabel: payment.method_label?.trim() || null } : {}),
          reference: payment.reference,
          number: payment.number,
          paidAt: payment.paid_at ?? new Date(0),
        }))
      : [];
    const letterhead = await legal.letterhead(read, scope.ws, scope.client);
    const details = await legal.invoice(read, scope.ws, scope.client, scope.record, row.currency ?? '');
    return {
      ...invoiceSummary(row),
      clientId: row.client_id,
      lines,
      subtotalCents: cents(row.total_cents) - cents(row.tax_cents),
      taxCents: cents(row.tax_cents),
      notes: row.notes ?? '',
      payments,
      ...details,
      ...letterhead,
    };
  }

  const invoices: InvoicesPort | undefined = invoiceConcept
    ? {
        async list(workspaceId, clientId, filter, page) {
          const { rows, limit } = await listRecords(
            { kind: 'invoice', concept: invoiceConcept },
            workspaceId,
            clientId,
            {
              ...(filter.status ? { states: filter.status } : {}),
              ...(filter.overdue ? { overdueOn: overdueFrom() } : {}),
              ...(filter.search ? { matching: containsPattern(filter.search), ...(filter.amount ? { amount: filter.amount } : {}) } : {}),
            },
            page,
          );
          return pageOf(rows, limit, invoiceSummary, cursorOf);
        },
        find: (workspaceId, clientId, id) => findInvoice(workspaceId, clientId, id),
        ...(file.invoices?.bank ? { bankAccounts: true } : {}),
        ...(paymentWrite
          ? {
              async recordPayment(workspaceId, clientId, id, payment, write) {
                const scope = recordScope(workspaceId, clientId, invoiceConcept, id);
                if (!scope) return null;
                const recordIn = async (trx: Knex.Transaction): Promise<InvoicePayment | null> => {
                  const invoice = await findInvoice(workspaceId, clientId, id, trx, true);
                  if (invoice?.status !== 'open' || payment.amountCents <= 0 || payment.amountCents > invoice.balanceCents) return null;
                  const params = {
                    workspace: scope.ws,
                    client: scope.client,
                    id: scope.record,
                    amount: (payment.amountCents / 100).toFixed(2),
                    amount_cents: payment.amountCents,
                    currency: invoice.currency,
                    method: payment.method,
                    reference: payment.reference,
                    paid_at: payment.paidAt,
                    provider: payment.provider ?? null,
                  };
                  if (!(await runWrite(trx, paymentWrite, params))) return null;
                  return {
                    id: `${scope.record}-${payment.paidAt.getTime()}`,
                    amountCents: payment.amountCents,
                    method: payment.method,
                    reference: payment.reference,
                    paidAt: payment.paidAt,
                  };
                };
                return write?.trx ? recordIn(write.trx) : db.transaction(recordIn);
              },
            }
          : {}),
      }
    : undefined;

  const countLimit = SUMMARY_COUNT_LIMIT + 1;
  async function summary(workspaceId: string, clientId: string, contactId: string): Promise<ClientSummary> {
    const empty: ClientSummary = {
      proposals: { open: 0, total: 0 },
      quotations: { open: 0, total: 0 },
      invoices: { unpaid: 0, overdue: 0, outstanding: [] },
      tasks: { open: 0 },
      documents: { shared: 0 },
    };
    const ws = keyOf.workspace(workspaceId);
    const client = keyOf.client(clientId);
    if (ws === null || client === null) return empty;
    // One statement per section, each count stopping at countLimit (see offerCountsQuery, openInvoicesQuery).
    for (const kind of offerKinds) {
      const [row] = (await offerCountsQuery(db, offerConcepts[kind]!, rule, ws, client, countLimit)) as Array<{
        open: number;
        total: number;
      }>;
      empty[kind === 'proposal' ? 'proposals' : 'quotations'] = { open: row?.open ?? 0, total: row?.total ?? 0 };
    }
    if (invoiceConcept) {
      const open = (await openInvoicesQuery(db, invoiceConcept, rule, ws, client, countLimit, overdueFrom())) as Array<{
        currency: string | null;
        unpaid: number;
        overdue: number;
        cents: string | null;
      }>;
      empty.invoices = {
        unpaid: open.reduce((sum, row) => sum + row.unpaid, 0),
        overdue: open.reduce((sum, row) => sum + row.overdue, 0),
        outstanding: open
          .map((row) => ({ currency: row.currency ?? '', cents: Number(row.cents ?? 0) }))
          .filter((total) => total.cents > 0 && /^[A-Z]{3}$/.test(total.currency)),
      };
    }
    const contact = keyOf.contact(contactId);
    if (file.tasks && contact !== null) {
      const [row] = (await openTaskCount(db, file.tasks, rule, ws, client, contact, countLimit)) as Array<{ n: number }>;
      empty.tasks = { open: row?.n ?? 0 };
    }
    return empty;
  }

  const tasks = file.tasks
    ? fileTasksPort(db, file.tasks, rule, { ...keyOf, task: (id) => keyOf.record(file.tasks!.table, file.tasks!.key, id) }, taskWrites)
    : undefined;

  const projects = file.projects
    ? fileProjectsPort(
        db,
        file.projects,
        file.tasks,
        rule,
        { ...keyOf, project: (id) => keyOf.record(file.projects!.table, file.projects!.key, id) },
        countLimit,
      )
    : undefined;

  const knowledge = file.knowledgeBase;
  const knowledgeBase = knowledge
    ? fileKnowledgeBasePort(db, knowledge, rule, {
        ...keyOf,
        article: (id) => keyOf.record(knowledge.table, knowledge.key, id),
        category: (id) => (knowledge.categories ? keyOf.record(knowledge.categories.table, knowledge.categories.key, id) : null),
      })
    : undefined;

  const tickets = file.tickets
    ? fileTicketsPort(
        db,
        file.tickets,
        rule,
        { ...keyOf, ticket: (id) => keyOf.record(file.tickets!.table, file.tickets!.key, id) },
        ticketWrites,
        countLimit,
      )
    : undefined;

  const passwords = file.contacts.password ? passwordFormat(file.contacts.password.format) : null;
  const unset = file.contacts.password?.unset;
  const hasPassword = (row: ContactRow) => row.password !== null && row.password !== '' && row.password !== unset;
  const credentials: ClientCredentialsPort | undefined = passwords
    ? {
        async findLogin(workspaceId, email) {
          const wanted = lookupEmail(email);
          if (!wanted) return null;
          const [contact] = await findContacts(workspaceId, { email: wanted, limit: 1 });
          return contact ?? null;
        },
        async verifyPassword(workspaceId, email, password) {
          const wanted = lookupEmail(email);
          const ws = keyOf.workspace(workspaceId);
          const rows = wanted && ws !== null ? await contactRows(db, file, rule, ws, { email: wanted, limit: 5 }) : [];
          if (rows.length === 0) return passwords.decoy(password).then(() => null);
          for (const row of rows) if (hasPassword(row) && (await passwords.verify(password, row.password))) return presentContact(ws!, row);
          return null;
        },
        async setPassword(workspaceId, contactId, password) {
          const ws = keyOf.workspace(workspaceId);
          const contact = keyOf.contact(contactId);
          const [found] = ws !== null && contact !== null ? await contactRows(db, file, rule, ws, { id: contact, limit: 1 }) : [];
          if (!found) throw new Error('No such contact in this workspace');
          await setContactPassword(db, file, rule, ws!, contact!, await passwords.hash(password));
        },
        async hasPassword(workspaceId, contactId) {
          const ws = keyOf.workspace(workspaceId);
          const contact = keyOf.contact(contactId);
          const [found] = ws !== null && contact !== null ? await contactRows(db, file, rule, ws, { id: contact, limit: 1 }) : [];
          return found ? hasPassword(found) : false;
        },
      }
    : undefined;

  const claims: HostClaim[] = bindingClaims(file);

  const adapter: HostAdapter = {
    name: options.name,
    claims,
    workspaces: {
      async findBySlug(slug) {
        if (typeof slug !== 'string' || !SLUG.test(slug)) return null;
        if (fixedWorkspace) return slug === fixedWorkspace.slug ? fixedWorkspace : null;
        const [row] = await workspaceRows(db, file, { slug, limit: 1 });
        return row ? presentWorkspace(row) : null;
      },
      async findById(id) {
        if (fixedWorkspace) return id === fixedWorkspace.id ? fixedWorkspace : null;
        const key = keyOf.workspace(id);
        const [row] = key === null ? [] : await workspaceRows(db, file, { id: key, limit: 1 });
        return row ? presentWorkspace(row) : null;
      },
    },
    clients: {
      async list(workspaceId) {
        const ws = keyOf.workspace(workspaceId);
        return ws === null
          ? []
          : (await clientRows(db, file, rule, ws)).map((row) => ({ id: row.id, workspaceId: ws, name: row.name ?? '' }));
      },
      async findById(workspaceId, clientId) {
        const ws = keyOf.workspace(workspaceId);
        const client = keyOf.client(clientId);
        const [row] = ws === null || client === null ? [] : await clientRows(db, file, rule, ws, [client]);
        return row ? { id: row.id, workspaceId: ws!, name: row.name ?? '' } : null;
      },
      async findByIds(workspaceId, clientIds) {
        const ws = keyOf.workspace(workspaceId);
        const ids = [...new Set(clientIds.map(keyOf.client).filter((id): id is string => id !== null))];
        if (ws === null || ids.length === 0) return [];
        return (await clientRows(db, file, rule, ws, ids)).map((row) => ({ id: row.id, workspaceId: ws, name: row.name ?? '' }));
      },
      // The statement's and a signed offer's letterhead, where the file gives one.
      ...(file.letterhead
        ? {
            async letterhead(workspaceId: string, clientId: string) {
              const ws = keyOf.workspace(workspaceId);
              const client = keyOf.client(clientId);
              return ws === null || client === null ? null : legal.letterhead(db, ws, client);
            },
          }
        : {}),
    },
    contacts: {
      async findById(workspaceId, contactId) {
        const contact = keyOf.contact(contactId);
        if (contact === null) return null;
        const [found] = await findContacts(workspaceId, { id: contact, limit: 1 });
        return found ?? null;
      },
      async findByEmail(workspaceId, email) {
        const wanted = lookupEmail(email);
        return wanted ? findContacts(workspaceId, { email: wanted, limit: 20 }) : [];
      },
      async list(workspaceId, filter) {
        if (filter?.clientId !== undefined) {
          const client = keyOf.client(filter.clientId);
          return client === null ? [] : findContacts(workspaceId, { clientId: client, limit: 5000 });
        }
        return findContacts(workspaceId, { limit: 5000 });
      },
      ...(profileWrite
        ? {
            async updateProfile(workspaceId, contactId, profile) {
              const contact = await adapter.contacts.findById(workspaceId, contactId);
              if (!contact) return null;
              const name = profile.name.trim();
              const space = name.lastIndexOf(' ');
              await db.transaction((trx) =>
                runWrite(trx, profileWrite, {
                  workspace: contact.workspaceId,
                  client: contact.clientId,
                  contact: contact.id,
                  name,
                  first_name: space > 0 ? name.slice(0, space) : name,
                  last_name: space > 0 ? name.slice(space + 1) : '',
                  phone: profile.phone,
                }),
              );
              return adapter.contacts.findById(workspaceId, contactId);
            },
          }
        : {}),
    },
    staff: {
      current: async () => null,
      async list(workspaceId) {
        const ws = keyOf.workspace(workspaceId);
        return ws === null ? [] : (await staffRows(db, file, rule, { workspaceId: ws, limit: 1000 })).map(presentStaff);
      },
      async listAdmins(workspaceId) {
        const ws = keyOf.workspace(workspaceId);
        return ws === null ? [] : (await staffRows(db, file, rule, { workspaceId: ws, admins: true, limit: 1000 })).map(presentStaff);
      },
    },
    summaries: { forClient: (workspaceId, clientId, contactId) => summary(workspaceId, clientId, contactId) },
    ...(credentials ? { credentials } : {}),
    ...(offers ? { offers } : {}),
    ...(invoices ? { invoices } : {}),
    ...(tasks ? { tasks } : {}),
    ...(projects ? { projects } : {}),
    ...(knowledgeBase ? { knowledgeBase } : {}),
    ...(tickets ? { tickets } : {}),
  };

  const writes = [
    ...Object.entries(offerWrites).flatMap(([kind, byOutcome]) =>
      (['accepted', 'declined', 'viewed'] as const).flatMap((outcome) => {
        const statements = byOutcome?.[outcome];
        const section = kind === 'proposal' ? 'proposals' : 'quotations';
        const name = `${section}.writes.${outcome === 'accepted' ? 'accept' : outcome === 'declined' ? 'decline' : 'viewed'}`;
        return statements ? [{ name, statements }] : [];
      }),
    ),
    ...(taskWrites.done ? [{ name: 'tasks.writes.done', statements: taskWrites.done }] : []),
    ...(taskWrites.reopen ? [{ name: 'tasks.writes.reopen', statements: taskWrites.reopen }] : []),
    ...(['create', 'reply', 'close', 'reopen'] as const).flatMap((write) => {
      const statements = ticketWrites[write];
      return statements ? [{ name: `tickets.writes.${write}`, statements }] : [];
    }),
    ...(paymentWrite ? [{ name: 'invoices.writes.recordPayment', statements: paymentWrite }] : []),
    ...(profileWrite ? [{ name: 'contacts.writes.updateProfile', statements: profileWrite }] : []),
  ];

  return {
    adapter,
    writes,
    file,
    rule,
    async workspaces() {
      if (fixedWorkspace) return [fixedWorkspace];
      return (await workspaceRows(db, file, { limit: 1000 })).map(presentWorkspace).filter((w): w is HostWorkspace => w !== null);
    },
    staff: {
      async byEmail(email) {
        const wanted = lookupEmail(email);
        return wanted ? staffRows(db, file, rule, { email: wanted, limit: 10 }) : [];
      },
      async find(workspaceId, id) {
        const ws = keyOf.workspace(workspaceId);
        const key = keyOf.staff(id);
        const [row] = ws === null || key === null ? [] : await staffRows(db, file, rule, { workspaceId: ws, id: key, limit: 1 });
        return row ?? null;
      },
      present: presentStaff,
    },
    // With staff: none, no account is found, and the format only makes the refusal take its time.
    staffPasswords: passwordFormat(file.staff?.password.format ?? 'bcrypt'),
  };
}
