// Proposals: what the agency offers to do, for the client to accept or decline.
import type { Db } from './db.ts';
import { listOffers, type OfferTable } from './offers.ts';

export const PROPOSALS: OfferTable = {
  parentTable: 'proposals',
  table: 'proposal_items',
  parentKey: 'proposal_id',
  prefix: 'PRO',
};

export const listProposals = (db: Db, args: { workspaceId: number; clientId?: number }) => listOffers(db, PROPOSALS, args);
