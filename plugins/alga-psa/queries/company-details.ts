// A client's own details as Alga PSA's client settings keep them: the tax id on its clients row,
// and its address, email and phone on the location it is billed at (the billing address, else the
// default, else the oldest; active only: the location the letterhead prints). Written as Alga's
// updateClientLocation writes a location (packages/clients/src/models/clientLocation.ts
// updateLocation): the client's row locked first (lockClient), the location's columns and its
// updated_at, scoped by tenant; a client without a location gets one as createLocation makes it.
import type { Db } from './db.ts';
import { notInactive } from './db.ts';

export interface CompanyDetailsRow {
  client_id: string;
  tax_id_number: string | null;
  location_id: string | null;
  address_line1: string | null;
  address_line2: string | null;
  city: string | null;
  postal_code: string | null;
  country_code: string | null;
  email: string | null;
  phone: string | null;
}

export type LocationColumns = Partial<
  Pick<CompanyDetailsRow, 'address_line1' | 'address_line2' | 'city' | 'postal_code' | 'country_code' | 'email' | 'phone'>
> & { country_name?: string; phone_extension?: string };

/** The client (not inactive) with the location it is billed at; `lock` takes both rows as Alga's writes do. */
export async function findCompanyDetails(
  db: Db,
  args: { tenant: string; clientId: string; lock?: boolean },
): Promise<CompanyDetailsRow | null> {
  const lock = args.lock ? ' for update of c' : '';
  const { rows } = await db.raw<{ rows: CompanyDetailsRow[] }>(
    `select c.client_id, c.tax_id_number, l.location_id, l.address_line1, l.address_line2, l.city, l.postal_code,
            l.country_code, l.email, l.phone
     from clients c
     left join lateral (
       select location_id, address_line1, address_line2, city, postal_code, country_code, email, phone
       from client_locations l
       where l.tenant = c.tenant and l.client_id = c.client_id and coalesce(l.is_active, true)
       order by coalesce(l.is_billing_address, false) desc, coalesce(l.is_default, false) desc, l.created_at, l.location_id
       limit 1
     ) l on true
     where c.tenant = ? and c.client_id = ? and ${notInactive('c.is_inactive')}${lock}`,
    [args.tenant, args.clientId],
  );
  return rows[0] ?? null;
}

/** The country's name as Alga's countries table keeps it (its location form picks from it); null when not there. */
export async function countryName(db: Db, code: string): Promise<string | null> {
  const row = await db('countries').where({ code }).first<{ name: string } | undefined>('name');
  return row?.name ?? null;
}

export async function updateLocation(
  db: Db,
  args: { tenant: string; clientId: string; locationId: string; columns: LocationColumns },
): Promise<boolean> {
  const updated = await db('client_locations')
    .where({ tenant: args.tenant, client_id: args.clientId, location_id: args.locationId })
    .update({ ...args.columns, updated_at: db.fn.now() });
  return updated > 0;
}

/**
 * A first location, as createLocation makes one: the default where the client has none, and the
 * billing address (the one its invoices are sent to and printed with).
 */
export async function insertLocation(db: Db, args: { tenant: string; clientId: string; columns: LocationColumns }): Promise<void> {
  const existingDefault = await db('client_locations')
    .where({ tenant: args.tenant, client_id: args.clientId, is_default: true })
    .first('location_id');
  await db('client_locations').insert({
    ...args.columns,
    location_id: db.raw('gen_random_uuid()'),
    tenant: args.tenant,
    client_id: args.clientId,
    is_active: true,
    is_default: !existingDefault,
    is_billing_address: true,
    created_at: db.fn.now(),
    updated_at: db.fn.now(),
  });
}
