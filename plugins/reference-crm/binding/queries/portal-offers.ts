// What the portal reads of proposals and quotations: one client's offers past draft, newest first,
// a page at a time (keyset on created_at, id), and one offer with its items. Every query is scoped
// by workspace AND client in its WHERE clause; drafts are the agency's work in progress and never
// leave this module.
import { statusInSql, type Db } from '../../queries/db.ts';
import { lineItemColumns, totalCentsSql, totalCentsWithinSql, type LineItemRow } from '../../queries/line-items.ts';
import { PROPOSALS } from '../../queries/proposals.ts';
import { QUOTATIONS } from '../../queries/quotations.ts';
import { OFFER_STATUSES, type OfferStatus, type OfferTable } from '../../queries/offers.ts';
import { joinParties, PARTY_COLUMNS, type PartiesRow } from './parties.ts';

export type PortalOfferKind = 'proposal' | 'quotation';

export const OFFER_TABLES: Record<PortalOfferKind, OfferTable> = { proposal: PROPOSALS, quotation: QUOTATIONS };

/** The statuses a client may see: everything but draft. */
const VISIBLE_OFFER_STATUSES: readonly OfferStatus[] = ['sent', 'accepted', 'declined', 'expired'];

export interface PortalOfferRow {
  id: number;
  client_id: number;
  number: string;
  title: string;
  body: string;
  status: Exclude<OfferStatus, 'draft'>;
  currency: string;
  valid_until: string | null;
  sent_at: Date | null;
  decided_at: Date | null;
  total_cents: number;
  /** created_at in UTC with microseconds: the keyset position, exact across the round trip. */
  created_key: string;
}

export interface OfferKey {
  createdKey: string;
  id: number;
}

function columns(db: Db, spec: OfferTable, workspaceId: number) {
  return [
    'o.id',
    'o.client_id',
    'o.number',
    'o.title',
    'o.body',
    'o.status',
    'o.currency',
    'o.valid_until',
    'o.sent_at',
    'o.decided_at',
    totalCentsSql(db, spec, { alias: 'o', workspaceId }),
    db.raw(`to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as created_key`),
  ];
}

function scoped(db: Db, spec: OfferTable, args: { workspaceId: number; clientId: number }) {
  return db(`${spec.parentTable} as o`)
    .where('o.workspace_id', args.workspaceId)
    .andWhere('o.client_id', args.clientId)
    .whereRaw(statusInSql('o.status', VISIBLE_OFFER_STATUSES, OFFER_STATUSES));
}

type ListArgs = {
  workspaceId: number;
  clientId: number;
  statuses?: readonly OfferStatus[];
  /** An ILIKE pattern (the portal's containsPattern) the number or the title matches. */
  matching?: string;
  /** With matching: an offer whose total (tax included) is within these cents matches too. */
  amount?: { fromCents: number; toCents: number };
  after?: OfferKey | null;
  limit: number;
};

/** One page plus one row more, which tells the caller whether another page follows. */
export async function listClientOffers(db: Db, spec: OfferTable, args: ListArgs): Promise<PortalOfferRow[]> {
  return clientOffersQuery(db, spec, { ...args, limit: args.limit + 1 });
}

/** At most `limit` offers of the list, as a query: run it, or read it with others (the dashboard). */
export function clientOffersQuery(db: Db, spec: OfferTable, args: ListArgs) {
  const query = scoped(db, spec, args);
  if (args.statuses) query.whereRaw(statusInSql('o.status', args.statuses, OFFER_STATUSES));
  if (args.matching) {
    const { matching, amount } = args;
    query.andWhere((q) => {
      q.whereILike('o.number', matching).orWhereILike('o.title', matching);
      if (amount) q.orWhere(totalCentsWithinSql(db, spec, { alias: 'o', workspaceId: args.workspaceId }, amount));
    });
  }
  if (args.after) {
    query.andWhereRaw(`(o.created_at, o.id) < (?::timestamp at time zone 'UTC', ?)`, [args.after.createdKey, args.after.id]);
  }
  return query
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(args.limit)
    .select<PortalOfferRow[]>(columns(db, spec, args.workspaceId));
}

type OfferArgs = { workspaceId: number; clientId: number; offerId: number };

/**
 * One offer of the client with the agency's and the client's details its letterhead names
 * (undefined when there is none), as a query: run it, or read it with its lines.
 */
export function clientOfferQuery(db: Db, spec: OfferTable, args: OfferArgs) {
  return joinParties(scoped(db, spec, args).where('o.id', args.offerId), 'o').first<(PortalOfferRow & PartiesRow) | undefined>([
    ...columns(db, spec, args.workspaceId),
    ...PARTY_COLUMNS,
  ]);
}

/** The items of an offer of this workspace and client, as a query: run it, or read it with the offer. */
export function clientOfferItemsQuery(db: Db, spec: OfferTable, args: OfferArgs) {
  return db(`${spec.table} as li`)
    .join(`${spec.parentTable} as p`, (on) => on.on('p.workspace_id', 'li.workspace_id').andOn('p.id', `li.${spec.parentKey}`))
    .where({ 'li.workspace_id': args.workspaceId, 'p.workspace_id': args.workspaceId, 'p.client_id': args.clientId, 'p.id': args.offerId })
    .orderBy('li.position')
    .orderBy('li.id')
    .select<LineItemRow[]>(lineItemColumns(db));
}

export interface ExpiringOfferRow {
  id: number;
  client_id: number;
  number: string;
  title: string;
  valid_until: string;
}

/**
 * Sent offers of every client of the workspace whose valid-until date lies from `from` through
 * `through` (both included), soonest first: the reminder emails read them in one query per kind.
 */
export async function listExpiringOffers(
  db: Db,
  spec: OfferTable,
  args: { workspaceId: number; from: string; through: string },
): Promise<ExpiringOfferRow[]> {
  return db(`${spec.parentTable} as o`)
    .where('o.workspace_id', args.workspaceId)
    .andWhere('o.status', 'sent')
    .andWhere('o.valid_until', '>=', args.from)
    .andWhere('o.valid_until', '<=', args.through)
    .orderBy('o.valid_until')
    .orderBy('o.id')
    .select<ExpiringOfferRow[]>(['o.id', 'o.client_id', 'o.number', 'o.title', 'o.valid_until']);
}
