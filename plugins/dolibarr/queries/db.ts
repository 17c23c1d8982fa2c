// What every query module of the Dolibarr binding takes (the knex instance or a transaction), and
// the codes that decide which third parties are the portal's clients.
import type { Knex } from 'knex';

export type Db = Knex | Knex.Transaction;

/**
 * llx_societe.client: 0 neither, 1 customer, 2 prospect, 3 customer and prospect. Prospects are
 * clients too: Dolibarr sends proposals to prospects, and signing one is what makes a customer.
 */
export const CLIENT_CODES = [1, 2, 3] as const;

/** llx_societe.status: 1 in activity, 0 closed (a closed third party has no portal). */
export const COMPANY_ACTIVE = 1;

/** The companies of one entity the portal treats as clients, as a subquery of their rowids. */
export function clientCompanyIds(db: Db, entity: number) {
  return db('llx_societe').select('rowid').where({ entity, status: COMPANY_ACTIVE }).whereIn('client', CLIENT_CODES);
}

/**
 * socialnetworks as Societe::update() and Contact::update() write it back: fetch() reads an empty
 * or 'null' value (what their create() leaves) as no networks, which json_encode() writes '[]';
 * networks the agency entered are kept as they are.
 */
export const SOCIAL_NETWORKS_REWRITTEN =
  "case when socialnetworks is null or trim(socialnetworks) in ('', 'null', '[]', '{}') then '[]' else socialnetworks end";
