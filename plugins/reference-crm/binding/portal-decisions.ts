// OffersPort.decide for the reference CRM. Kept apart from the list and find reads so each part
// of the offers port stays small; adapter.ts spreads it into `offers`.
import type { Knex } from 'knex';
import type { OffersPort } from '../../../src/index.ts';
import { parseId } from '../ids.ts';
import { decideOffer } from './queries/portal-decisions.ts';

export function referenceOfferDecisions(db: Knex): Pick<OffersPort, 'decide'> {
  return {
    async decide(workspaceId, clientId, kind, id, decision, write) {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const offerId = parseId(id);
      if (ws === null || client === null || offerId === null) return false;
      if (kind !== 'proposal' && kind !== 'quotation') return false;
      return decideOffer(write?.trx ?? db, {
        table: kind === 'proposal' ? 'proposals' : 'quotations',
        workspaceId: ws,
        clientId: client,
        offerId,
        outcome: decision.outcome,
        at: decision.at,
      });
    },
  };
}
