// The MSP and a client company as a letterhead names them, in one read: the tenant's own company
// (tenant_companies, the default one not deleted: a row of clients, as Alga's invoice templates
// take it) with its address, and the client with its address, each address the client_locations
// row Alga bills to (the billing address, else the default, else the oldest; active only), and each
// company's tax_id_number (the tenant's own in tenants where its company has none).
import type { Db } from './db.ts';
import { notInactive } from './db.ts';

/** A location's address as the letterhead reads it; the claims read this list. */
export const ADDRESS_COLUMNS = [
  'address_line1',
  'address_line2',
  'address_line3',
  'city',
  'state_province',
  'postal_code',
  'country_name',
] as const;

export type AddressRow = Record<(typeof ADDRESS_COLUMNS)[number], string | null>;

export interface LetterheadRow {
  buyer: AddressRow | null;
  buyer_tax_id: string | null;
  seller_name: string | null;
  seller: AddressRow | null;
  seller_tax_id: string | null;
}

/** The location a company is billed at, as a lateral subquery aliased `alias` over the company `company`. */
const location = (company: string, alias: string) =>
  `left join lateral (
     select ${ADDRESS_COLUMNS.map((column) => `l.${column}`).join(', ')}
     from client_locations l
     where l.tenant = ${company}.tenant and l.client_id = ${company}.client_id and coalesce(l.is_active, true)
     order by coalesce(l.is_billing_address, false) desc, coalesce(l.is_default, false) desc, l.created_at, l.location_id
     limit 1
   ) ${alias} on true`;

/** The client (not inactive) with the tenant's company beside it; null when the client is not one of the tenant's. */
export async function findLetterhead(db: Db, args: { tenant: string; clientId: string }): Promise<LetterheadRow | null> {
  const { rows } = await db.raw<{ rows: LetterheadRow[] }>(
    `select
       case when bl.address_line1 is null then null else to_jsonb(bl) end as buyer,
       c.tax_id_number as buyer_tax_id,
       s.client_name as seller_name,
       case when sl.address_line1 is null then null else to_jsonb(sl) end as seller,
       coalesce(nullif(trim(s.tax_id_number), ''), t.tax_id_number) as seller_tax_id
     from clients c
     join tenants t on t.tenant = c.tenant
     ${location('c', 'bl')}
     left join lateral (
       select sc.tenant, sc.client_id, sc.client_name, sc.tax_id_number
       from tenant_companies tc
       join clients sc on sc.tenant = tc.tenant and sc.client_id = tc.client_id
       where tc.tenant = c.tenant and tc.is_default and tc.deleted_at is null
       limit 1
     ) s on true
     ${location('s', 'sl')}
     where c.tenant = ? and c.client_id = ? and ${notInactive('c.is_inactive')}`,
    [args.tenant, args.clientId],
  );
  return rows[0] ?? null;
}
