// The portal's Company page beside Alga PSA, as Alga's own client settings (client portal →
// Client Settings: ClientDetailsSettings.tsx with its ClientLocations) let a client change them.
// Alga's client portal writes a client's address, email and phone on its locations
// (updateClientLocation, under the client update permission), and on the clients row only the
// name, url and a few properties (clientActions.ts sanitizeClientPortalClientUpdate): the tax id
// (tax_id_number) and clients.billing_email are the MSP's to change, so the portal shows the tax id
// read only. The billing email is the billing location's email, the one a client changes there.
// The state or province a location keeps is left as it is. A changed phone is stored as Alga's
// location actions store it (createClientLocation and updateClientLocation pass it through
// normalizePhone with the location's country): in its international form, its extension apart
// (phone.ts).
import type { CompanyDetails, CompanyDetailsField, CompanyDetailsPort } from '../../src/index.ts';
import { COMPANY_DETAILS_FIELDS } from '../../src/index.ts';
import {
  type CompanyDetailsRow,
  countryName,
  findCompanyDetails,
  insertLocation,
  type LocationColumns,
  updateLocation,
} from './queries/company-details.ts';
import { parseUuid } from './ids.ts';
import { algaPhone } from './phone.ts';
import type { Db } from './queries/db.ts';
import type { Knex } from 'knex';

// Every field but the tax id, which is the MSP's to change (see above).
const EDITABLE = COMPANY_DETAILS_FIELDS.filter((field) => field !== 'taxId');

const text = (value: string | null | undefined) => (value?.trim() ? value.trim() : null);

function present(row: CompanyDetailsRow): CompanyDetails {
  return {
    addressLine1: text(row.address_line1),
    addressLine2: text(row.address_line2),
    postalCode: text(row.postal_code),
    city: text(row.city),
    countryCode: text(row.country_code)?.toUpperCase() ?? null,
    billingEmail: text(row.email),
    phone: text(row.phone),
    taxId: text(row.tax_id_number),
  };
}

const COLUMN_OF: Partial<Record<CompanyDetailsField, keyof LocationColumns>> = {
  addressLine1: 'address_line1',
  addressLine2: 'address_line2',
  postalCode: 'postal_code',
  city: 'city',
  countryCode: 'country_code',
  billingEmail: 'email',
  phone: 'phone',
};

export function algaCompanyDetails(db: Knex, tenantOf: (id: string) => string | null): CompanyDetailsPort {
  return {
    editable: EDITABLE,
    async read(workspaceId, clientId, write) {
      const tenant = tenantOf(workspaceId);
      const id = parseUuid(clientId);
      if (tenant === null || id === null) return null;
      const row = await findCompanyDetails(write?.trx ?? db, { tenant, clientId: id });
      return row ? present(row) : null;
    },
    async update(workspaceId, clientId, changes, write) {
      const tenant = tenantOf(workspaceId);
      const id = parseUuid(clientId);
      if (tenant === null || id === null) return null;
      const work = async (trx: Db) => {
        const row = await findCompanyDetails(trx, { tenant, clientId: id, lock: true });
        if (!row) return null;
        const before = present(row);
        const columns: LocationColumns = {};
        for (const field of EDITABLE) {
          const column = COLUMN_OF[field];
          if (!column || !(field in changes)) continue;
          (columns as Record<string, string | null>)[column] = changes[field] ?? null;
        }
        if (columns.country_code)
          columns.country_name = (await countryName(trx, columns.country_code)) ?? englishName(columns.country_code);
        if (columns.phone) {
          const { phone, extension } = algaPhone(columns.phone, columns.country_code ?? row.country_code);
          columns.phone = phone;
          if (extension) columns.phone_extension = extension;
        }
        if (row.location_id) await updateLocation(trx, { tenant, clientId: id, locationId: row.location_id, columns });
        else {
          // A first location needs its street, city and country (NOT NULL in Alga).
          const first = { ...before, ...changes };
          if (!first.addressLine1 || !first.city || !first.countryCode) return null;
          await insertLocation(trx, { tenant, clientId: id, columns });
        }
        const after = await findCompanyDetails(trx, { tenant, clientId: id });
        return after ? { before, after: present(after) } : null;
      };
      return write?.trx ? work(write.trx) : db.transaction(work);
    },
  };
}

const englishName = (code: string) => new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code;
