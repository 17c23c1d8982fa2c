// Proposals and quotations share one shape (a titled offer with line items and a decision), so
// their queries are written once here and bound per table in proposals.ts and quotations.ts.
import type { Db } from './db.ts';
import { inTransaction, isUniqueViolation } from './db.ts';
import {
  insertLineItems,
  listLineItems,
  nextNumber,
  totalCentsSql,
  type LineItemInput,
  type LineItemRow,
  type LineItemsTable,
} from './line-items.ts';

export const OFFER_STATUSES = ['draft', 'sent', 'accepted', 'declined', 'expired'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

export interface OfferTable extends LineItemsTable {
  parentTable: 'proposals' | 'quotations';
  prefix: string;
}

export interface OfferRow {
  id: number;
  workspace_id: number;
  client_id: number;
  client_name: string;
  number: string;
  title: string;
  body: string;
  status: OfferStatus;
  currency: string;
  valid_until: string | null;
  sent_at: Date | null;
  decided_at: Date | null;
  created_at: Date;
  total_cents: number;
}

export interface NewOffer {
  workspaceId: number;
  clientId: number;
  /** Generated as PREFIX-0001... when omitted. */
  number?: string;
  title: string;
  body: string;
  status: OfferStatus;
  currency: string;
  validUntil: string | null;
  sentAt?: Date | null;
  decidedAt?: Date | null;
  createdAt?: Date;
  items: LineItemInput[];
}

function columns(db: Db, spec: OfferTable, workspaceId: number) {
  return [
    'o.id',
    'o.workspace_id',
    'o.client_id',
    'c.name as client_name',
    'o.number',
    'o.title',
    'o.body',
    'o.status',
    'o.currency',
    'o.valid_until',
    'o.sent_at',
    'o.decided_at',
    'o.created_at',
    totalCentsSql(db, spec, { alias: 'o', workspaceId }),
  ];
}

function scoped(db: Db, spec: OfferTable, workspaceId: number) {
  return db(`${spec.parentTable} as o`)
    .join('clients as c', function joinClient() {
      this.on('c.id', '=', 'o.client_id').andOn('c.workspace_id', '=', 'o.workspace_id');
    })
    .where('o.workspace_id', workspaceId);
}

export async function listOffers(db: Db, spec: OfferTable, args: { workspaceId: number; clientId?: number }): Promise<OfferRow[]> {
  const query = scoped(db, spec, args.workspaceId);
  if (args.clientId !== undefined) query.where('o.client_id', args.clientId);
  return query
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .select<OfferRow[]>(columns(db, spec, args.workspaceId));
}

export async function findOffer(db: Db, spec: OfferTable, args: { workspaceId: number; offerId: number }): Promise<OfferRow | null> {
  const row = await scoped(db, spec, args.workspaceId)
    .where('o.id', args.offerId)
    .first<OfferRow | undefined>(columns(db, spec, args.workspaceId));
  return row ?? null;
}

export async function findOfferByNumber(db: Db, spec: OfferTable, args: { workspaceId: number; number: string }): Promise<OfferRow | null> {
  const row = await scoped(db, spec, args.workspaceId)
    .where('o.number', args.number)
    .first<OfferRow | undefined>(columns(db, spec, args.workspaceId));
  return row ?? null;
}

export async function listOfferItems(db: Db, spec: OfferTable, args: { workspaceId: number; offerId: number }): Promise<LineItemRow[]> {
  return listLineItems(db, spec, { workspaceId: args.workspaceId, parentId: args.offerId });
}

/** The offer and its items in one transaction; a generated number is retried on a clash. */
export async function createOffer(db: Db, spec: OfferTable, offer: NewOffer): Promise<{ id: number; number: string }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await inTransaction(db, async (trx) => {
        const number = offer.number ?? (await nextNumber(trx, spec.parentTable, { workspaceId: offer.workspaceId, prefix: spec.prefix }));
        const [row] = await trx(spec.parentTable)
          .insert({
            workspace_id: offer.workspaceId,
            client_id: offer.clientId,
            number,
            title: offer.title,
            body: offer.body,
            status: offer.status,
            currency: offer.currency,
            valid_until: offer.validUntil,
            sent_at: offer.sentAt ?? (offer.status === 'draft' ? null : trx.fn.now()),
            decided_at: offer.decidedAt ?? null,
            ...(offer.createdAt ? { created_at: offer.createdAt } : {}),
          })
          .returning<Array<{ id: number }>>(['id']);
        if (!row) throw new Error(`insert into ${spec.parentTable} returned no row`);
        await insertLineItems(trx, spec, { workspaceId: offer.workspaceId, id: row.id }, offer.items);
        return { id: row.id, number };
      });
    } catch (error) {
      if (offer.number === undefined && isUniqueViolation(error) && attempt < 3) continue;
      throw error;
    }
  }
}
