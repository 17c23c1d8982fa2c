// Quotations: priced estimates for a piece of work, for the client to accept or decline.
import type { Db } from './db.ts';
import { listOffers, type OfferTable } from './offers.ts';

export const QUOTATIONS: OfferTable = {
  parentTable: 'quotations',
  table: 'quotation_items',
  parentKey: 'quotation_id',
  prefix: 'QUO',
};

export const listQuotations = (db: Db, args: { workspaceId: number; clientId?: number }) => listOffers(db, QUOTATIONS, args);
