// The agency and the client as a letterhead names them (an invoice's or an offer's): the
// workspace's registered name, address, VAT id and registration, the client's address and tax id.
// Joined to a record's own row by its workspace and client, so the record's scoping holds them.
import type { Knex } from 'knex';

export interface PartiesRow {
  seller_legal_name: string | null;
  seller_address: string | null;
  seller_vat_id: string | null;
  seller_registration_number: string | null;
  buyer_address: string | null;
  buyer_tax_id: string | null;
}

export const PARTY_COLUMNS = [
  'w.legal_name as seller_legal_name',
  'w.legal_address as seller_address',
  'w.vat_id as seller_vat_id',
  'w.registration_number as seller_registration_number',
  'c.address as buyer_address',
  'c.tax_id as buyer_tax_id',
];

/** Joins the record's workspace as `w` and its client as `c` to the record's row, aliased `record`. */
export function joinParties<Q extends Knex.QueryBuilder>(query: Q, record: string): Q {
  return query.join('workspaces as w', 'w.id', `${record}.workspace_id`).join('clients as c', function () {
    this.on('c.id', '=', `${record}.client_id`).andOn('c.workspace_id', '=', `${record}.workspace_id`);
  }) as Q;
}

/** The letterhead alone, for a PDF that belongs to no one record (a statement): the client and its workspace, in one read. */
export async function findClientParties(db: Knex, args: { workspaceId: number; clientId: number }): Promise<PartiesRow | null> {
  const row = await db('clients as c')
    .join('workspaces as w', 'w.id', 'c.workspace_id')
    .where({ 'c.workspace_id': args.workspaceId, 'c.id': args.clientId })
    .first<PartiesRow | undefined>(PARTY_COLUMNS);
  return row ?? null;
}
