// What every query module of the Alga PSA binding takes (the knex instance or a transaction), and
// which clients are the portal's. Every query is scoped by tenant: Alga's keys are (tenant, id).
import type { Knex } from 'knex';

export type Db = Knex | Knex.Transaction;

/** A tenant's active clients (clients.is_inactive false or null), as a subquery of client_id. */
export function activeClientIds(db: Db, tenant: string) {
  return db('clients')
    .select('client_id')
    .where('tenant', tenant)
    .andWhere((q) => q.where('is_inactive', false).orWhereNull('is_inactive'));
}

/** The document `d` is associated with the client, while the client is active: the rows whose documents it sees. */
export function associatedWithClient(db: Db, args: { tenant: string; clientId: string }) {
  return db('document_associations as a')
    .select(db.raw('1'))
    .whereRaw('a.tenant = d.tenant and a.document_id = d.document_id')
    .where({ 'a.entity_type': 'client', 'a.entity_id': args.clientId })
    .whereIn('a.entity_id', activeClientIds(db, args.tenant));
}

/** The SQL text of "not inactive" for a column that may be null (Alga defaults it to false). */
export const notInactive = (column: string) => `coalesce(${column}, false) = false`;
