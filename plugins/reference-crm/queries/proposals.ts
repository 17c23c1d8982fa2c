// Proposals: what the agency offers to do, for the client to accept or decline.
import type { Db } from './db.ts';
import { createOffer, findOffer, findOfferByNumber, listOfferItems, listOffers, type NewOffer, type OfferTable } from './offers.ts';

export const PROPOSALS: OfferTable = {
  parentTable: 'proposals',
  table: 'proposal_items',
  parentKey: 'proposal_id',
  prefix: 'PRO',
};

export const listProposals = (db: Db, args: { workspaceId: number; clientId?: number }) => listOffers(db, PROPOSALS, args);
export const findProposal = (db: Db, args: { workspaceId: number; proposalId: number }) =>
  findOffer(db, PROPOSALS, { workspaceId: args.workspaceId, offerId: args.proposalId });
export const findProposalByNumber = (db: Db, args: { workspaceId: number; number: string }) => findOfferByNumber(db, PROPOSALS, args);
export const listProposalItems = (db: Db, args: { workspaceId: number; proposalId: number }) =>
  listOfferItems(db, PROPOSALS, { workspaceId: args.workspaceId, offerId: args.proposalId });
export const createProposal = (db: Db, proposal: NewOffer) => createOffer(db, PROPOSALS, proposal);
