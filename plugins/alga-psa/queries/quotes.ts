// Alga PSA's quotes a client sees: not templates, of an active client, past the MSP's own stages
// (draft, pending_approval and approved are internal: Alga's client portal lists a quote once it
// is sent). Newest first by created_at (quote_id breaks ties). Money is bigint cents.
//   status (quotes_status_check): draft, pending_approval, approved, sent, accepted, rejected,
//   expired, converted, cancelled, superseded, archived
// Alga indexes quotes by client, but not by client and date, and by status only across the whole
// tenant: once the tenant has been scanned, a client's list and the count of quotes awaiting an
// answer read the portal's listed records (listed.ts), a page at a time, each row re-checked in
// Alga's table. As an invoice issued since the last pass, a quote Alga sent since it is listed and
// counted from the next pass: the pass that tells the client of it (news.ts scans first).
import type { Knex } from 'knex';
import { activeClientIds, type Db } from './db.ts';
import { clientLoginsOfContact } from './users.ts';
import { COUNTED_LIVE, countLimitOf } from '../../shared/count-up-to.ts';
import {
  LISTED_KEY,
  listedRows,
  noteListedStatus,
  pageBefore,
  recordsPast,
  scanListed,
  scanned,
  type ListedSource,
  unionOf,
} from './listed.ts';

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
 * Newest first, a page at a time. Two parts, read in one statement, of which the first holds rows
 * once the tenant has been scanned and the second until then: the quotes found through the listed
 * records (those of the statuses wanted at the scan, and every one then awaiting an answer, which
 * Alga may have moved to any status since), and all of them read in quotes.
 */
export async function listQuotes(
  db: Db,
  args: {
    tenant: string;
    clientId: string;
    statuses?: string[];
    /** An ILIKE pattern (the portal's containsPattern) the quote number or the title matches. */
    matching?: string;
    /** With matching: a quote whose total_amount (cents) is within these matches too. */
    amount?: { fromCents: number; toCents: number };
    before?: { at: string; id: string } | null;
    limit: number;
  },
): Promise<QuoteRow[]> {
  const pattern = args.matching;
  // Each part filtered before its page's limit: a page of matches, not matches of a page.
  const page = (query: Knex.QueryBuilder, key: { at: string; id: string }) => {
    if (args.statuses) query.whereIn('q.status', args.statuses);
    if (pattern)
      query.andWhere((q) => {
        q.whereILike('q.quote_number', pattern).orWhereILike('q.title', pattern);
        if (args.amount) q.orWhereBetween('q.total_amount', [args.amount.fromCents, args.amount.toCents]);
      });
    return pageBefore(query, key, args).select(columns(db));
  };
  const listed = visibleTo(
    listedRows(db, QUOTE_SOURCE, { ...args, alias: 'q', ...(args.statuses ? { candidates: args.statuses } : {}) }),
    db,
    args,
  );
  const unscanned = scopedQuotes(db, args).whereNotExists(scanned(db, args.tenant, 'quote'));
  return unionOf(db, [page(listed, LISTED_KEY), page(unscanned, { at: 'q.created_at', id: 'q.quote_id' })])
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
 * Quotes awaiting the client's answer and all the client sees, each counted up to countLimit: a
 * client with years of quotes, or thousands sent and never answered, costs the dashboard what a
 * new one does.
 */
export async function quoteCounts(
  db: Db,
  args: { tenant: string; clientId: string; countLimit: number },
): Promise<{ open: number; total: number }> {
  // One statement, two counts, each stopped at the limit: the open ones and all, through the listed
  // records (the COUNTED_LIVE newest of each read in Alga, the rest as the scan left them) or,
  // before the tenant's first scan, in quotes itself.
  const counted = (candidates: 'open' | undefined, live: (query: Knex.QueryBuilder) => Knex.QueryBuilder) => {
    const which = candidates ? { candidates } : {};
    const newest = visibleTo(listedRows(db, QUOTE_SOURCE, { ...args, alias: 'q', first: COUNTED_LIVE, ...which }), db, args);
    const past = recordsPast(db, QUOTE_SOURCE, { ...args, skip: COUNTED_LIVE, limit: countLimitOf(args.countLimit), ...which })
      .whereExists(activeClientIds(db, args.tenant).where('client_id', args.clientId))
      .select(db.raw('1'));
    const unscanned = scopedQuotes(db, args).whereNotExists(scanned(db, args.tenant, 'quote'));
    const rows = unionOf(db, [live(newest).select(db.raw('1')), past, live(unscanned).select(db.raw('1'))]);
    return db.from(rows.select(db.raw('1')).limit(countLimitOf(args.countLimit)).as('counted')).select(db.raw('count(*)::int'));
  };
  const open = counted('open', (query) => query.where('q.status', SENT));
  const seen = counted(undefined, (query) => query);
  const row = await db.first<{ open: number; total: number } | undefined>(db.raw('(?) as open', [open]), db.raw('(?) as total', [seen]));
  return { open: Number(row?.open ?? 0), total: Number(row?.total ?? 0) };
}

export interface OptionalQuoteLineRow {
  quote_item_id: string;
  description: string;
  service_name: string | null;
  quantity: string;
  unit_price: string;
  total_price: string;
  is_selected: boolean;
}

/**
 * The quote's optional items, selected or not, in Alga's order: what the client may take or leave
 * when accepting. None on a quote with discount rows: Alga spreads a discount over the included
 * items (its quoteDiscountAllocation), which the portal does not recompute, so there the choice
 * stays in Alga's own portal.
 */
export async function listOptionalQuoteLines(
  db: Db,
  args: { tenant: string; clientId: string; quoteId: string },
): Promise<OptionalQuoteLineRow[]> {
  return db('quote_items as i')
    .where({ 'i.tenant': args.tenant, 'i.is_optional': true })
    .whereIn('i.quote_id', scopedQuotes(db, args).where('q.quote_id', args.quoteId).select('q.quote_id'))
    .whereNotExists(
      db('quote_items as d')
        .where({ 'd.tenant': args.tenant, 'd.is_discount': true })
        .whereRaw('d.quote_id = i.quote_id')
        .select(db.raw('1')),
    )
    .orderBy('i.display_order')
    .orderBy('i.created_at')
    .select<OptionalQuoteLineRow[]>([
      'i.quote_item_id',
      'i.description',
      'i.service_name',
      db.raw('i.quantity::text as quantity'),
      db.raw('i.unit_price::text as unit_price'),
      db.raw('i.total_price::text as total_price'),
      'i.is_selected',
    ]);
}

interface QuoteItemFigures {
  quote_item_id: string;
  quantity: string;
  unit_price: string;
  is_optional: boolean;
  is_selected: boolean;
  is_discount: boolean;
  is_taxable: boolean;
  tax_rate: number | null;
}

/**
 * The client's choice of optional items and the quote's totals after it, as Alga's
 * persistOptionalQuoteSelections (client-portal client-billing.ts) and recalculateQuoteFinancials
 * (packages/billing services/quoteCalculationService.ts) write them: is_selected and updated_at
 * on each optional item; then on every item total_price = quantity × unit_price, net_amount and
 * tax_amount (0 for an item left out), tax_rate and updated_at; on the quote subtotal, tax and
 * total_amount = subtotal − discount_total + tax (quoteTotals summarizeQuoteTotals) and
 * updated_at. The tax of an item is ceil(net × rate / 100) at the rate Alga resolved for it
 * last (quote_items.tax_rate, which Alga keeps on a pending optional item for this); 0 at rate 0
 * for a tax-exempt client, a reverse-charge one, an item not taxable, or a quote whose tax is
 * external. Only on a quote without discount rows (listOptionalQuoteLines); on one with them the
 * selection is left as it is. Answers the ids taken and left, as Alga's activity names them.
 */
async function persistOptionalSelection(
  db: Db,
  args: { tenant: string; quoteId: string; clientId: string; selectedIds?: string[] },
): Promise<{ selectedIds: string[]; deselectedIds: string[] }> {
  const items = await db('quote_items')
    .where({ tenant: args.tenant, quote_id: args.quoteId })
    .orderBy('display_order')
    .orderBy('created_at')
    .select<QuoteItemFigures[]>([
      'quote_item_id',
      db.raw('quantity::text as quantity'),
      db.raw('unit_price::text as unit_price'),
      'is_optional',
      'is_selected',
      'is_discount',
      'is_taxable',
      'tax_rate',
    ]);
  const optional = items.filter((item) => item.is_optional);
  const current = optional.filter((item) => item.is_selected).map((item) => item.quote_item_id);
  const chosen = args.selectedIds && !items.some((item) => item.is_discount) ? args.selectedIds : current;
  const selected = new Set(chosen.filter((id) => optional.some((item) => item.quote_item_id === id)));
  const result = {
    selectedIds: optional.filter((item) => selected.has(item.quote_item_id)).map((item) => item.quote_item_id),
    deselectedIds: optional.filter((item) => !selected.has(item.quote_item_id)).map((item) => item.quote_item_id),
  };
  // An unchanged choice leaves Alga's figures as its own last recalculation wrote them.
  if (result.selectedIds.length === current.length && result.selectedIds.every((id) => current.includes(id))) return result;

  for (const item of optional) {
    await db('quote_items')
      .where({ tenant: args.tenant, quote_item_id: item.quote_item_id })
      .update({ is_selected: selected.has(item.quote_item_id), updated_at: db.fn.now() });
  }
  const context = await db('quotes as q')
    .leftJoin('clients as c', function joinClient() {
      this.on('c.tenant', '=', 'q.tenant').andOn('c.client_id', '=', 'q.client_id');
    })
    .leftJoin('client_tax_settings as s', function joinSettings() {
      this.on('s.tenant', '=', 'q.tenant').andOn('s.client_id', '=', 'q.client_id');
    })
    .where({ 'q.tenant': args.tenant, 'q.quote_id': args.quoteId })
    .first<{ tax_source: string | null; tax_exempt: boolean | null; reverse_charge: boolean | null }>([
      'q.tax_source',
      'c.is_tax_exempt as tax_exempt',
      's.is_reverse_charge_applicable as reverse_charge',
    ]);
  const internal = (context?.tax_source ?? 'internal') === 'internal';
  const untaxed = Boolean(context?.tax_exempt) || Boolean(context?.reverse_charge);
  let subtotal = 0;
  let tax = 0;
  for (const item of items) {
    const included = !item.is_optional || selected.has(item.quote_item_id);
    const total = Number(item.quantity) * Number(item.unit_price);
    const rate = !internal || untaxed || item.is_taxable === false ? 0 : Number(item.tax_rate ?? 0);
    const itemTax = included && total > 0 ? Math.ceil((total * rate) / 100) : 0;
    if (included) {
      subtotal += total;
      tax += itemTax;
    }
    await db('quote_items')
      .where({ tenant: args.tenant, quote_item_id: item.quote_item_id })
      .update({ total_price: total, net_amount: included ? total : 0, tax_amount: itemTax, tax_rate: rate, updated_at: db.fn.now() });
  }
  // No discount rows here (see above), so Alga's allocation comes to 0.
  await db('quotes')
    .where({ tenant: args.tenant, quote_id: args.quoteId })
    .update({ subtotal, discount_total: 0, tax, total_amount: subtotal + tax, updated_at: db.fn.now() });
  return result;
}

/**
 * The client's decision, written as Alga's own client portal writes it (packages/client-portal
 * client-portal-actions/client-billing.ts acceptClientQuote / rejectClientQuote, through
 * packages/billing models/quote.ts Quote.update and models/quoteActivity.ts QuoteActivity.create):
 * only a 'sent' quote of the client changes (locked first, so two concurrent decisions change it
 * once). Accepted: the optional items chosen and the totals after them (persistOptionalSelection);
 * status 'accepted', accepted_at, accepted_by and updated_by the client's Alga login, updated_at;
 * the PO number the client gave in po_number; a 'status_changed' activity ("Quote status changed
 * from sent to accepted", metadata previous_status / next_status) as Quote.update adds; then an
 * 'accepted' one ("Quote accepted by client for MSP review", metadata the optional item ids taken
 * and left). Declined: status 'rejected', rejected_at, rejection_reason (what the client wrote,
 * else the portal's words), updated_by, updated_at; 'status_changed' and 'rejected' ("Quote
 * rejected by client", metadata rejection_reason). Every activity names the client's login as
 * performed_by. Without a login for the contact, accepted_by, updated_by and performed_by are
 * left empty (updated_by as it was). The note given on acceptance, which Alga's own portal does
 * not ask for, goes into the 'accepted' activity's metadata (note) beside the PO number.
 */
export async function decideQuote(
  db: Db,
  args: {
    tenant: string;
    clientId: string;
    quoteId: string;
    outcome: 'accepted' | 'declined';
    at: Date;
    rejectionReason: string;
    userId: string | null;
    poNumber: string | null;
    note: string | null;
    selectedOptionalItemIds?: string[];
  },
): Promise<boolean> {
  const open = await db('quotes')
    .where({ tenant: args.tenant, quote_id: args.quoteId, client_id: args.clientId, status: SENT, is_template: false })
    .whereIn('client_id', activeClientIds(db, args.tenant))
    .forUpdate()
    .first<{ quote_id: string } | undefined>('quote_id');
  if (!open) return false;
  const accepted = args.outcome === 'accepted';
  const next = accepted ? 'accepted' : 'rejected';
  const by = args.userId ? { updated_by: args.userId } : {};
  const selection = accepted ? await persistOptionalSelection(db, { ...args, selectedIds: args.selectedOptionalItemIds }) : null;
  await db('quotes')
    .where({ tenant: args.tenant, quote_id: args.quoteId })
    .update(
      accepted
        ? {
            status: next,
            accepted_at: args.at,
            accepted_by: args.userId,
            ...by,
            ...(args.poNumber ? { po_number: args.poNumber } : {}),
            updated_at: db.fn.now(),
          }
        : { status: next, rejected_at: args.at, rejection_reason: args.rejectionReason, ...by, updated_at: db.fn.now() },
    );
  await noteListedStatus(db, QUOTE_SOURCE, { tenant: args.tenant, recordId: args.quoteId, status: next, open: false });
  const activity = (row: { activity_type: string; description: string; metadata: Record<string, unknown> }) =>
    db('quote_activities').insert({ tenant: args.tenant, quote_id: args.quoteId, performed_by: args.userId, ...row });
  await activity({
    activity_type: 'status_changed',
    description: `Quote status changed from ${SENT} to ${next}`,
    metadata: { previous_status: SENT, next_status: next },
  });
  await activity(
    selection
      ? {
          activity_type: 'accepted',
          description: 'Quote accepted by client for MSP review',
          metadata: {
            selected_optional_quote_item_ids: selection.selectedIds,
            deselected_optional_quote_item_ids: selection.deselectedIds,
            ...(args.poNumber ? { po_number: args.poNumber } : {}),
            ...(args.note ? { note: args.note } : {}),
          },
        }
      : { activity_type: 'rejected', description: 'Quote rejected by client', metadata: { rejection_reason: args.rejectionReason } },
  );
  return true;
}

/**
 * A client opened the quote's page, recorded as Alga's client portal records it
 * (client-billing.ts getClientQuoteById): once per quote, while viewed_at is empty — viewed_at,
 * updated_at and updated_by (the contact's client login), then a 'viewed' activity ("Quote viewed
 * by client in portal", metadata viewed_at) naming the login. A quote already viewed (in either
 * portal) changes nothing, nor does one the client cannot see. One statement (the update and the
 * activity together), since every opening of the page asks.
 */
export async function markQuoteViewed(
  db: Db,
  args: { tenant: string; clientId: string; quoteId: string; contactId: string | null; at: Date },
): Promise<boolean> {
  const viewedAt = args.at.toISOString();
  const login = clientLoginsOfContact(db, args).limit(1).select('u.user_id');
  const marked = db('quotes')
    .where({ tenant: args.tenant, quote_id: args.quoteId, client_id: args.clientId, is_template: false })
    .whereIn('client_id', activeClientIds(db, args.tenant))
    .whereIn('status', CLIENT_VISIBLE_STATUSES)
    .whereNull('viewed_at')
    .update({ viewed_at: viewedAt, updated_at: db.fn.now(), updated_by: db.raw('coalesce((?), updated_by)', [login]) })
    .returning(['tenant', 'quote_id', db.raw('(?) as performed_by', [login]) as unknown as string]);
  const rows = await db
    .with('marked', marked)
    .insert(
      db('marked').select(
        'tenant',
        'quote_id',
        db.raw("'viewed' as activity_type"),
        db.raw("'Quote viewed by client in portal' as description"),
        'performed_by',
        db.raw('?::jsonb as metadata', [JSON.stringify({ viewed_at: viewedAt })]),
      ),
    )
    .into(db.raw('quote_activities (tenant, quote_id, activity_type, description, performed_by, metadata)'))
    .returning('activity_id');
  return rows.length === 1;
}
