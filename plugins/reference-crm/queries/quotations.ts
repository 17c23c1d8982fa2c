// Quotations: priced estimates for a piece of work, for the client to accept or decline.
import type { Db } from './db.ts';
import { createOffer, findOffer, findOfferByNumber, listOfferItems, listOffers, type NewOffer, type OfferTable } from './offers.ts';

export const QUOTATIONS: OfferTable = {
  parentTable: 'quotations',
  table: 'quotation_items',
  parentKey: 'quotation_id',
  prefix: 'QUO',
};

export const listQuotations = (db: Db, args: { workspaceId: number; clientId?: number }) => listOffers(db, QUOTATIONS, args);
export const findQuotation = (db: Db, args: { workspaceId: number; quotationId: number }) =>
  findOffer(db, QUOTATIONS, { workspaceId: args.workspaceId, offerId: args.quotationId });
export const findQuotationByNumber = (db: Db, args: { workspaceId: number; number: string }) => findOfferByNumber(db, QUOTATIONS, args);
export const listQuotationItems = (db: Db, args: { workspaceId: number; quotationId: number }) =>
  listOfferItems(db, QUOTATIONS, { workspaceId: args.workspaceId, offerId: args.quotationId });
export const createQuotation = (db: Db, quotation: NewOffer) => createOffer(db, QUOTATIONS, quotation);
