// Alga PSA's quotes a client sees: not templates, of an active client, past the MSP's own stages
// (draft, pending_approval and approved are internal: Alga's client portal lists a quote once it
// is sent). Newest first by created_at (quote_id breaks ties). Money is bigint cents.
//   status (quotes_status_check): draft, pending_approval, approved, sent, accepted, rejected,
//   expired, converted, cancelled, superseded, archived
// Alga indexes quotes by client, but not by client and date: once the tenant has been scanned, a
// client's list reads the quotes awaiting an answer live through Alga's (tenant, status) index
// and the others through the portal's listed records (listed.ts), a page at a time.
import type { Knex } from 'knex';
import { activeClientIds, type Db } from './db.ts';
import { LISTED_KEY, listedRows, pageBefore, scanListed, scanned, type ListedSource, unionOf } from './listed.ts';

const CLIENT_VISIBLE_STATUSES = ['sent', 'accepted', 'rejected', 'expired', 'converted', 'cancelled', 'superseded', 'archived'] as const;
/** Awaiting the client's answer. */
const SENT = 'sent';

/** What the portal's listed records copy of quotes (listed.ts). */
const QUOTE_SOURCE: ListedSource = {
  kind: 'quote',
  table: 'quotes',
  id: 'quote_id',
  sortAt: 'created_at',
  visible: `not s.is_template and s.status in (${CLIENT_VISIBLE_STATUSES.map((status) => `'${status}'`).join(', ')})`,
  open: `s.status = '${SENT}'`,
};

/** The background pass's scan of a tenant's quotes into the listed records. */
export const scanListedQuotes = (db: Db, tenant: string) => scanListed(db, tenant, QUOTE_SOURCE);

export interface QuoteRow {
  quote_id: string;
  client_id: string;
  quote_number: string | null;
  title: string;
  description: string | null;
  status: string;
  currency_code: string;
  subtotal: string;
  discount_total: string;
  tax: string;
  total_amount: string;
  valid_until: string | null;
  sent_at: Date | null;
  accepted_at: Date | null;
  rejected_at: Date | null;
  client_notes: string | null;
  terms_and_conditions: string | null;
  sort_key: string;
}

export interface QuoteLineRow {
  description: string;
  service_name: string | null;
  quantity: string;
  unit_price: string;
  total_price: string;
  tax_rate: number | null;
}

const SORT_KEY = `to_char(q.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;

const columns = (db: Db) => [
  'q.quote_id',
  'q.client_id',
  'q.quote_number',
  'q.title',
  'q.description',
  'q.status',
  'q.currency_code',
  db.raw('q.subtotal::text as subtotal'),
  db.raw('q.discount_total::text as discount_total'),
  db.raw('q.tax::text as tax'),
  db.raw('q.total_amount::text as total_amount'),
  db.raw(`to_char(q.valid_until at time zone 'UTC', 'YYYY-MM-DD') as valid_until`),
  'q.sent_at',
  'q.accepted_at',
  'q.rejected_at',
  'q.client_notes',
  'q.terms_and_conditions',
  db.raw(`${SORT_KEY} as sort_key`),
];

/** What a client sees of a quote, on rows aliased q (from quotes, or found through the listed records). */
const visibleTo = (query: Knex.QueryBuilder, db: Db, args: { tenant: string; clientId: string }): Knex.QueryBuilder =>
  query
    .where({ 'q.tenant': args.tenant, 'q.client_id': args.clientId, 'q.is_template': false })
    .whereIn('q.client_id', activeClientIds(db, args.tenant))
    .whereIn('q.status', CLIENT_VISIBLE_STATUSES);

const scopedQuotes = (db: Db, args: { tenant: string; clientId: string }) => visibleTo(db('quotes as q'), db, args);

/**
 * Newest first, a page at a time. Three parts, read in one statement, of which the first two hold
 * rows once the tenant has been scanned and the third until then: the quotes awaiting an answer
 * (live, by status), the others through the listed records, and all of them read in quotes.
 */
export async function listQuotes(
  db: Db,
  args: { tenant: string; clientId: string; statuses?: string[]; before?: { at: string; id: string } | null; limit: number },
): Promise<QuoteRow[]> {
  const wantsSent = !args.statuses || args.statuses.includes(SENT);
  const past = args.statuses?.filter((status) => status !== SENT);
  const page = (query: Knex.QueryBuilder, key: { at: string; id: string }) => {
    if (args.statuses) query.whereIn('q.status', args.statuses);
    return pageBefore(query, key, args).select(columns(db));
  };
  const live = { at: 'q.created_at', id: 'q.quote_id' };
  const sent = scopedQuotes(db, args)
    .where('q.status', SENT)
    .whereExists(scanned(db, args.tenant, 'quote'));
  const decided = visibleTo(
    listedRows(db, QUOTE_SOURCE, { ...args, alias: 'q', ...(past ? { candidates: past } : {}) }),
    db,
    args,
  ).whereNot('q.status', SENT);
  const unscanned = scopedQuotes(db, args).whereNotExists(scanned(db, args.tenant, 'quote'));
  if (!wantsSent) sent.whereRaw('false');
  if (past?.length === 0) decided.whereRaw('false');
  return unionOf(db, [page(sent, live), page(decided, LISTED_KEY), page(unscanned, live)])
    .orderBy([
      { column: 'u.sort_key', order: 'desc' },
      { column: 'u.quote_id', order: 'desc' },
    ])
    .limit(args.limit + 1)
    .select<QuoteRow[]>('u.*');
}

export async function findQuote(db: Db, args: { tenant: string; clientId: string; quoteId: string }): Promise<QuoteRow | null> {
  return (await scopedQuotes(db, args).where('q.quote_id', args.quoteId).first<QuoteRow | undefined>(columns(db))) ?? null;
}

export interface ExpiringQuoteRow {
  quote_id: string;
  client_id: string;
  quote_number: string | null;
  title: string;
  valid_until: string;
}

const VALID_UNTIL_DAY = `(q.valid_until at time zone 'UTC')::date`;

/**
 * Sent quotes of every active client of the tenant whose valid_until falls on a day (in UTC, as
 * the list shows it) from `from` through `through`: the reminder emails read them in one query.
 * Scoped by tenant and to active clients, as the list is.
 */
export async function listExpiringQuotes(db: Db, args: { tenant: string; from: string; through: string }): Promise<ExpiringQuoteRow[]> {
  return db('quotes as q')
    .where({ 'q.tenant': args.tenant, 'q.status': 'sent', 'q.is_template': false })
    .whereIn('q.client_id', activeClientIds(db, args.tenant))
    .andWhereRaw(`${VALID_UNTIL_DAY} between ?::date and ?::date`, [args.from, args.through])
    .orderBy('q.valid_until')
    .orderBy('q.quote_id')
    .select<ExpiringQuoteRow[]>([
      'q.quote_id',
      'q.client_id',
      'q.quote_number',
      'q.title',
      db.raw(`to_char(${VALID_UNTIL_DAY}, 'YYYY-MM-DD') as valid_until`),
    ]);
}

/** Lines in Alga's order (display_order); optional items the client left unselected are not part of the total and are left out. */
export async function listQuoteLines(db: Db, args: { tenant: string; clientId: string; quoteId: string }): Promise<QuoteLineRow[]> {
  return db('quote_items as i')
    .where('i.tenant', args.tenant)
    .whereIn('i.quote_id', scopedQuotes(db, args).where('q.quote_id', args.quoteId).select('q.quote_id'))
    .andWhereRaw('(not i.is_optional or i.is_selected)')
    .orderBy('i.display_order')
    .orderBy('i.created_at')
    .select<QuoteLineRow[]>([
      'i.description',
      'i.service_name',
      db.raw('i.quantity::text as quantity'),
      db.raw('i.unit_price::text as unit_price'),
      db.raw('i.total_price::text as total_price'),
      'i.tax_rate',
    ]);
}

/**
 * Quotes awaiting the client's answer, counted exactly, and all the client sees, counted up to
 * countLimit: a client with years of quotes costs the dashboard what a new one does.
 */
export async function quoteCounts(
  db: Db,
  args: { tenant: string; clientId: string; countLimit: number },
): Promise<{ open: number; total: number }> {
  // One statement, two counts: the open ones through the status, the rest stopped at the limit.
  const open = scopedQuotes(db, args).where('q.status', 'sent').select(db.raw('count(*)::int'));
  const seen = db.from(scopedQuotes(db, args).select(db.raw('1')).limit(args.countLimit).as('seen')).select(db.raw('count(*)::int'));
  const row = await db.first<{ open: number; total: number } | undefined>(db.raw('(?) as open', [open]), db.raw('(?) as total', [seen]));
  return { open: Number(row?.open ?? 0), total: Number(row?.total ?? 0) };
}

/**
 * The client's decision, written as Alga's own client portal writes it (client-portal
 * client-billing acceptClientQuote / rejectClientQuote): only a 'sent' quote changes; accepted sets
 * status 'accepted' and accepted_at, rejected sets status 'rejected', rejected_at and a
 * rejection_reason; updated_at follows; then a quote_activities row ('accepted' / 'rejected').
 * accepted_by and updated_by stay as they are: they name an Alga user, and the port does not say
 * which contact decided (the portal's own evidence row does). The conditional update makes two
 * concurrent decisions change the quote once.
 */
export async function decideQuote(
  db: Db,
  args: { tenant: string; clientId: string; quoteId: string; outcome: 'accepted' | 'declined'; at: Date; rejectionReason: string },
): Promise<boolean> {
  const accepted = args.outcome === 'accepted';
  const changed = await db('quotes')
    .where({ tenant: args.tenant, quote_id: args.quoteId, client_id: args.clientId, status: 'sent', is_template: false })
    .whereIn('client_id', activeClientIds(db, args.tenant))
    .update(
      accepted
        ? { status: 'accepted', accepted_at: args.at, updated_at: db.fn.now() }
        : { status: 'rejected', rejected_at: args.at, rejection_reason: args.rejectionReason, updated_at: db.fn.now() },
    );
  if (changed !== 1) return false;
  await db('quote_activities').insert({
    tenant: args.tenant,
    quote_id: args.quoteId,
    activity_type: accepted ? 'accepted' : 'rejected',
    description: accepted ? 'Quote accepted by client in the client portal' : 'Quote rejected by client in the client portal',
    performed_by: null,
    metadata: accepted ? {} : { rejection_reason: args.rejectionReason },
  });
  return true;
}
