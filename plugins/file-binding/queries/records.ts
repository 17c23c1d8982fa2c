// Proposals, quotations and invoices as the file maps them: a client's records newest first by
// their date (the key breaks ties), a page at a time by keyset, filtered by state, by text in the
// number or title and by amount; one record with its lines and payments. Drafts, and any status
// value the file maps to no state, are never read.
import type { Knex } from 'knex';
import { type InvoiceConcept, type Lines, type OfferConcept, type PaymentSource, paymentSources, type Value } from '../format.ts';
import { and, raw, Scope, type Sql, sql } from '../sql.ts';
import { as, centsOf, dayOf, inStates, keyEquals, momentOf, scopedRows, stateOf, textOf, type WorkspaceRule } from './scoped.ts';

/**
 * An offer concept (proposals, quotations) or the invoices, told apart by `kind`. `dateColumn`: the
 * concept's date is this column of its own table and of type `date`, so a list sorts on the column
 * itself and a host index on (client, date) serves the page (see pageKeys).
 */
export type RecordConcept = ({ kind: 'offer'; concept: OfferConcept } | { kind: 'invoice'; concept: InvoiceConcept }) & {
  dateColumn?: string | undefined;
};

/** The column a value names when it is a plain column of the concept's own table; else null. */
export function baseColumnOf(value: Value): string | null {
  const ref = typeof value === 'string' ? value : 'column' in value ? value.column : null;
  return ref === null || ref.includes('.') ? null : ref;
}

/** The day a record without a date sorts on: after every dated one. */
export const NO_DATE = '0001-01-01';

export interface RecordRow {
  id: string;
  client_id: string;
  number: string;
  title: string;
  state: string;
  currency: string;
  total_cents: string;
  tax_cents: string;
  paid_cents: string;
  balance_cents: string;
  date_key: string;
  issue_date: string | null;
  due_date: string | null;
  valid_until: string | null;
  sent_at: Date | null;
  decided_at: Date | null;
  body: string | null;
  terms: string | null;
  notes: string | null;
  lines_json: string | null;
}

export interface RecordFilter {
  states?: string[];
  overdueOn?: string;
  matching?: string;
  amount?: { fromCents: number; toCents: number };
  before?: { date: string; id: string } | null;
  id?: string;
  /** With no client: every client of the workspace (expiring offers). */
  validFrom?: string;
  validThrough?: string;
}

interface Columns {
  state: Sql;
  date: Sql;
  total: Sql;
}

/** The record's state, sort day and total as SQL, for filters and the select list alike. */
function columnsOf(scope: Scope, concept: OfferConcept | InvoiceConcept): Columns {
  const date = scope.value(concept.date);
  return {
    state: stateOf(scope, concept.status),
    date: sql(`coalesce((${date.sql})::date, date '${NO_DATE}')`, date.bindings),
    total: centsOf(scope, concept.total, concept.amounts),
  };
}

/**
 * The total in cents between two amounts, tested on the total's own value first: a range that holds
 * every value rounding into it (and no value, which counts as 0, when 0 is in it), so a host index
 * on the total column serves the search's amount beside an index on the number (see check).
 */
function amountBetween(
  scope: Scope,
  concept: OfferConcept | InvoiceConcept,
  total: Sql,
  amount: { fromCents: number; toCents: number },
): Sql {
  const value = scope.value(concept.total);
  const unit = concept.amounts === 'decimal' ? ' / 100' : '';
  const range = sql(`(${value.sql})::numeric between (?::numeric - 0.5)${unit} and (?::numeric + 0.5)${unit}`, [
    ...value.bindings,
    amount.fromCents,
    amount.toCents,
  ]);
  const near =
    amount.fromCents <= 0 && amount.toCents >= 0
      ? sql(`(${range.sql} or (${value.sql}) is null)`, [...range.bindings, ...value.bindings])
      : range;
  return sql(`(${near.sql} and (${total.sql}) between ? and ?)`, [...near.bindings, ...total.bindings, amount.fromCents, amount.toCents]);
}

function balanceOf(scope: Scope, concept: InvoiceConcept | null, total: Sql): { paid: Sql; balance: Sql } {
  if (!concept) return { paid: sql('0'), balance: sql('0') };
  const scale = concept.amounts;
  if (concept.paid && concept.balance)
    return { paid: centsOf(scope, concept.paid, scale), balance: centsOf(scope, concept.balance, scale) };
  if (concept.balance) {
    const balance = centsOf(scope, concept.balance, scale);
    return { paid: sql(`(${total.sql}) - (${balance.sql})`, [...total.bindings, ...balance.bindings]), balance };
  }
  const paid = centsOf(scope, concept.paid, scale);
  return { paid, balance: sql(`(${total.sql}) - (${paid.sql})`, [...total.bindings, ...paid.bindings]) };
}

/**
 * The rows a filter selects, as a query of the base table and its joins with every condition: the
 * key and the sort day only are read from it (see recordQuery), so a client with a long history
 * costs a sort of keys, and the joins nothing the filter does not name (PostgreSQL drops a left
 * join to a unique key that nothing reads).
 */
function filteredRows(
  db: Knex,
  record: RecordConcept,
  rule: WorkspaceRule,
  workspaceId: string,
  clientId: string | null,
  filter: RecordFilter,
  half?: 'dated' | 'undated',
): { query: Knex.QueryBuilder; key: Sql; date: Sql } {
  const { concept } = record;
  const invoice = record.kind === 'invoice' ? record.concept : null;
  const offer = record.kind === 'offer' ? record.concept : null;
  const { query, scope } = scopedRows(
    db,
    concept,
    rule,
    workspaceId,
    clientId === null ? undefined : { value: concept.client, id: clientId },
    true,
  );
  const columns = columnsOf(scope, concept);
  // Rows of a mapped status only (never a draft).
  const among = (states: readonly string[]) => inStates(scope, concept.status, states);
  const parts: Sql[] = [among(Object.keys(concept.status.states))];
  if (filter.id !== undefined) parts.push(keyEquals(scope, concept.key, filter.id));
  if (filter.states) parts.push(among(filter.states));
  if (filter.overdueOn !== undefined && invoice) {
    const due = dayOf(scope, invoice.due);
    parts.push(among(['open']), sql(`(${due.sql}) < ?`, [...due.bindings, filter.overdueOn]));
  }
  if (filter.validFrom !== undefined && offer) {
    const until = dayOf(scope, offer.validUntil);
    parts.push(sql(`(${until.sql}) between ? and ?`, [...until.bindings, filter.validFrom, filter.validThrough]));
  }
  if (filter.matching !== undefined) {
    const number = scope.text(concept.number);
    const texts = [sql(`(${number.sql}) ilike ?`, [...number.bindings, filter.matching])];
    if (offer?.title) {
      const title = scope.text(offer.title);
      texts.push(sql(`(${title.sql}) ilike ?`, [...title.bindings, filter.matching]));
    }
    if (filter.amount) texts.push(amountBetween(scope, concept, columns.total, filter.amount));
    parts.push(
      sql(
        `(${texts.map((t) => t.sql).join(' or ')})`,
        texts.flatMap((t) => t.bindings),
      ),
    );
  }
  const key = scope.column(concept.key);
  let date = columns.date;
  const { before } = filter;
  if (half && record.dateColumn) {
    // One half of a list sorted on the date column itself (see pageKeys): the dated rows by
    // (date, key), which an index on (client, date) returns in order, or the undated ones by key.
    const column = scope.column(record.dateColumn);
    if (half === 'dated') {
      date = column;
      parts.push(sql(`${column.sql} is not null`));
      if (before)
        parts.push(before.date === NO_DATE ? sql('false') : sql(`(${column.sql}, ${key.sql}) < (?::date, ?)`, [before.date, before.id]));
    } else {
      date = sql(`date '${NO_DATE}'`);
      parts.push(sql(`${column.sql} is null`));
      if (before?.date === NO_DATE) parts.push(sql(`${key.sql} < ?`, [before.id]));
    }
  } else if (before) parts.push(sql(`(${date.sql}, ${key.sql}) < (?::date, ?)`, [...date.bindings, before.date, before.id]));
  query.whereRaw(raw(db, and(parts)));
  // Only the joins the conditions name: the others would cost a lookup for every row filtered.
  query.from(raw(db, scope.from(true)));
  return { query, key, date };
}

/**
 * The keys and sort days of a list's page, newest first, undated records last. Where the date is a
 * `date` column of the concept's table, the dated and the undated rows are read apart, each in an
 * order a host index can give (a sort on `coalesce(date, …)` reads every row of the client first),
 * and the page is the first `limit` of the two.
 */
function pageKeys(
  db: Knex,
  record: RecordConcept,
  rule: WorkspaceRule,
  workspaceId: string,
  clientId: string | null,
  filter: RecordFilter,
  limit: number,
): Knex.QueryBuilder {
  const keysOf = (half?: 'dated' | 'undated') => {
    const filtered = filteredRows(db, record, rule, workspaceId, clientId, filter, half);
    return filtered.query
      .orderByRaw(half === 'undated' ? '1 desc' : '2 desc, 1 desc')
      .limit(limit)
      .select(as(db, filtered.key, 'k'), as(db, filtered.date, 'd'));
  };
  if (!record.dateColumn || filter.id !== undefined) return keysOf();
  return db
    .queryBuilder()
    .from(db.raw('((?) union all (?)) as "halves"', [keysOf('dated'), keysOf('undated')]))
    .orderByRaw('"d" desc, "k" desc')
    .limit(limit)
    .select('k', 'd');
}

/**
 * A page of the rows a filter selects, newest first, with every column the portal shows: the page's
 * keys are found first (filteredRows), and only its rows are read in full.
 */
export function recordQuery(
  db: Knex,
  record: RecordConcept,
  rule: WorkspaceRule,
  workspaceId: string,
  clientId: string | null,
  filter: RecordFilter,
  limit: number,
): Knex.QueryBuilder {
  const { concept } = record;
  const invoice = record.kind === 'invoice' ? record.concept : null;
  const offer = record.kind === 'offer' ? record.concept : null;
  const page = pageKeys(db, record, rule, workspaceId, clientId, filter, limit);
  const scope = new Scope(concept.table, concept.joins ?? []);
  const columns = columnsOf(scope, concept);
  const from = scope.from();
  const key = scope.column(concept.key);
  const { paid, balance } = balanceOf(scope, invoice, columns.total);
  const linesJson = concept.lines && 'json' in concept.lines ? scope.text(concept.lines.json) : sql('null::text');
  // The concept's own where again: a key may be unique only among the concept's rows (FrontAccounting's
  // trans_no is unique per transaction type), so the page's keys must not find the table's other kinds.
  const kind = scope.where(concept.where);
  return db
    .queryBuilder()
    .from(raw(db, from))
    .joinRaw(`join (?) as "page" on "page"."k" = ${key.sql}`, [page] as never)
    .whereRaw(raw(db, kind))
    .orderByRaw('"page"."d" desc, "page"."k" desc')
    .select(
      as(db, scope.text(concept.key), 'id'),
      as(db, scope.text(concept.client), 'client_id'),
      as(db, textOf(scope, concept.number, ''), 'number'),
      as(db, textOf(scope, offer?.title, ''), 'title'),
      as(db, columns.state, 'state'),
      as(db, textOf(scope, concept.currency), 'currency'),
      as(db, columns.total, 'total_cents'),
      as(db, centsOf(scope, concept.tax, concept.amounts), 'tax_cents'),
      as(db, paid, 'paid_cents'),
      as(db, balance, 'balance_cents'),
      as(db, sql(`to_char("page"."d", 'YYYY-MM-DD')`), 'date_key'),
      as(db, dayOf(scope, concept.date), 'issue_date'),
      as(db, dayOf(scope, invoice?.due), 'due_date'),
      as(db, dayOf(scope, offer?.validUntil), 'valid_until'),
      as(db, momentOf(scope, offer?.sentAt), 'sent_at'),
      as(db, momentOf(scope, offer?.decidedAt), 'decided_at'),
      as(db, textOf(scope, offer?.body), 'body'),
      as(db, textOf(scope, offer?.terms), 'terms'),
      as(db, textOf(scope, invoice?.notes), 'notes'),
      as(db, filter.id !== undefined ? linesJson : sql('null::text'), 'lines_json'),
    );
}

/**
 * How many of a client's records a filter selects, up to `countLimit`: the base table alone where
 * the filter names no join (a status column of its own), stopping at the limit, so an index on
 * (client, status) finds the open ones of a client with years of history directly (see check).
 */
function boundedCount(
  db: Knex,
  record: RecordConcept,
  rule: WorkspaceRule,
  workspaceId: string,
  clientId: string,
  filter: RecordFilter,
  countLimit: number,
): Knex.QueryBuilder {
  const rows = filteredRows(db, record, rule, workspaceId, clientId, filter).query.limit(countLimit).select(db.raw('1'));
  return db.from(rows.as('counted')).select(db.raw('count(*)::int'));
}

/** A client's open offers and all its offers, each counted up to `countLimit`, in one statement. */
export function offerCountsQuery(
  db: Knex,
  concept: OfferConcept,
  rule: WorkspaceRule,
  workspaceId: string,
  clientId: string,
  countLimit: number,
): Knex.QueryBuilder {
  const record: RecordConcept = { kind: 'offer', concept };
  const count = (filter: RecordFilter) => boundedCount(db, record, rule, workspaceId, clientId, filter, countLimit);
  return db.queryBuilder().select(db.raw('(?) as "open"', [count({ states: ['open'] })]), db.raw('(?) as "total"', [count({})]));
}

/**
 * The first `countLimit` of a client's open invoices in one statement, per currency: how many, how
 * many are overdue on `overdueOn`, and their balances summed. The open rows are found on the base
 * table alone (as a count is, see boundedCount) and read once. Where the balance and the due day
 * are the table's own, the rows are summed first per value of the columns the currency's joins
 * start from (a client's invoices: one group), and only those groups meet the joins.
 */
export function openInvoicesQuery(
  db: Knex,
  concept: InvoiceConcept,
  rule: WorkspaceRule,
  workspaceId: string,
  clientId: string,
  countLimit: number,
  overdueOn: string,
): Knex.QueryBuilder {
  const open = filteredRows(db, { kind: 'invoice', concept }, rule, workspaceId, clientId, { states: ['open'] });
  const { sql: rowsSql, bindings } = open.query.limit(countLimit).select(db.raw('"r".*')).toSQL();
  const rows = sql(rowsSql, [...bindings]);
  const perRow = new Scope(concept.table, concept.joins ?? []);
  const { balance } = balanceOf(perRow, concept, centsOf(perRow, concept.total, concept.amounts));
  const due = dayOf(perRow, concept.due);
  const sums = [
    sql('count(*)'),
    sql(`count(*) filter (where (${due.sql}) < ?)`, [...due.bindings, overdueOn]),
    sql(`sum(${balance.sql})`, balance.bindings),
  ];
  const select = (scope: Scope, parts: Sql[]) => [
    as(db, textOf(scope, concept.currency), 'currency'),
    ...['unpaid', 'overdue', 'cents'].map((name, i) =>
      as(db, sql(`(${parts[i]!.sql})::${name === 'cents' ? 'text' : 'int'}`, parts[i]!.bindings), name),
    ),
  ];
  const query = db.queryBuilder().groupByRaw('1').orderByRaw('1');
  // A balance or due day read through a join: each row meets the joins.
  if (perRow.aliases.size > 0) {
    const columns = select(perRow, sums);
    return query.from(raw(db, perRow.from(true, rows))).select(columns);
  }
  const scope = new Scope(concept.table, concept.joins ?? []);
  const names = ['portal_unpaid', 'portal_overdue', 'portal_cents'];
  const columns = select(
    scope,
    names.map((name) => sql(`sum("r"."${name}")`)),
  );
  // The base columns the currency and its joins read (a first from() notes them).
  scope.from(true);
  const inputs = [...(scope.reads.get(concept.table) ?? [])].sort().map((column) => scope.column(column).sql);
  const grouped = sql(
    `select ${[...inputs, ...sums.map((part, i) => `${part.sql} as "${names[i]}"`)].join(', ')} from (${rows.sql}) as "r"${inputs.length > 0 ? ` group by ${inputs.join(', ')}` : ''}`,
    [...sums.flatMap((part) => part.bindings), ...rows.bindings],
  );
  return query.from(raw(db, scope.from(true, grouped))).select(columns);
}

export interface LineRow {
  description: string | null;
  quantity: string | null;
  unit_cents: string | null;
  total_cents: string | null;
  tax_rate: string | null;
  discount: string | null;
}

/** The lines of a record found in scope (table lines; JSON lines come with the record). */
export async function tableLines(
  db: Knex,
  lines: Extract<Lines, { table: string }>,
  scale: 'decimal' | 'cents',
  recordId: string,
): Promise<LineRow[]> {
  const scope = new Scope(lines.table);
  const where = and([scope.where(lines.where), sql(`${scope.column(lines.parent).sql} = ?`, [recordId])]);
  const order = [...(lines.order ?? []), lines.key].map((column) => scope.column(column).sql).join(', ');
  const rate = (value: typeof lines.taxRate) => (value === undefined ? sql('null::text') : scope.text(value));
  return db
    .queryBuilder()
    .from(raw(db, scope.from()))
    .whereRaw(raw(db, where))
    .orderByRaw(order)
    .limit(1000)
    .select(
      as(db, textOf(scope, lines.description, ''), 'description'),
      as(db, scope.text(lines.quantity), 'quantity'),
      as(db, centsOf(scope, lines.unitPrice, scale), 'unit_cents'),
      as(db, lines.total === undefined ? sql('null::text') : centsOf(scope, lines.total, scale), 'total_cents'),
      as(db, rate(lines.taxRate), 'tax_rate'),
      as(db, rate(lines.discountPercent), 'discount'),
    );
}

export interface PaymentRow {
  id: string;
  amount_cents: string;
  paid_at: Date | null;
  method: string | null;
  method_label: string | null;
  reference: string | null;
  number: string | null;
}

/**
 * The payments of these invoices, from every source the file gives, in one statement: oldest
 * first (undated last), a date's payments in the order of the sources, then by key. Each source
 * reads only its rows pointing at the invoices given, which the caller read in the workspace and
 * of the client.
 */
export async function paymentRows(
  db: Knex,
  concept: InvoiceConcept,
  invoiceIds: string[],
): Promise<Array<PaymentRow & { invoice_id: string }>> {
  const [first, ...others] = paymentSources(concept).map(({ source }, i) => sourceRows(db, source, concept.amounts, invoiceIds, i));
  if (invoiceIds.length === 0 || !first) return [];
  return db
    .queryBuilder()
    .select('id', 'invoice_id', 'amount_cents', 'paid_at', 'method', 'method_label', 'reference', 'number')
    .from((others.length > 0 ? first.unionAll(others, true) : first).as('payments'))
    .orderByRaw('paid_at nulls last, source, seq')
    .limit(1000);
}

/** One source's rows of the invoices, numbered in its own order (its key compares as its own type). */
function sourceRows(db: Knex, source: PaymentSource, scale: 'decimal' | 'cents', invoiceIds: string[], index: number): Knex.QueryBuilder {
  const scope = new Scope(source.table, source.joins ?? []);
  const invoice = scope.text(source.invoice);
  const where = and([
    scope.where(source.where),
    sql(`(${invoice.sql}) in (${invoiceIds.map(() => '?').join(', ')})`, [...invoice.bindings, ...invoiceIds]),
  ]);
  const date = momentOf(scope, source.date);
  const key = scope.column(source.key);
  return db
    .queryBuilder()
    .select(
      as(db, source.id === undefined ? scope.text(source.key) : scope.text(source.id), 'id'),
      as(db, invoice, 'invoice_id'),
      as(db, centsOf(scope, source.amount, scale), 'amount_cents'),
      as(db, date, 'paid_at'),
      as(db, textOf(scope, source.method), 'method'),
      as(db, textOf(scope, source.methodLabel), 'method_label'),
      as(db, textOf(scope, source.reference), 'reference'),
      as(db, textOf(scope, source.number), 'number'),
      as(db, sql('?::int', [index]), 'source'),
      as(db, sql(`row_number() over (order by ${date.sql} nulls last, ${key.sql})`, date.bindings), 'seq'),
    )
    .from(raw(db, scope.from()))
    .whereRaw(raw(db, where));
}
