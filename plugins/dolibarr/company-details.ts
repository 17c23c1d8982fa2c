// The portal's Company page beside Dolibarr: the third party's own fields, as its card shows them
// (societe/card.php: address, zip, town, country, email, phone, VAT number) and as Societe::update()
// writes them. Dolibarr's address is one text of lines; the portal's two lines are written as two
// of its lines. A country Dolibarr's dictionary does not have (or has switched off) is refused, as
// its card's country list would not offer it.
import type { Knex } from 'knex';
import type { CompanyDetails, CompanyDetailsField, CompanyDetailsPort } from '../../src/index.ts';
import { parseId } from './ids.ts';
import { type CompanyDetailsRow, countryRowid, findCompanyDetails, type SocieteColumns, updateSociete } from './queries/company-details.ts';
import type { Db } from './queries/db.ts';

const EDITABLE: readonly CompanyDetailsField[] = [
  'addressLine1',
  'addressLine2',
  'postalCode',
  'city',
  'countryCode',
  'billingEmail',
  'phone',
  'taxId',
];
const ADDRESS: readonly CompanyDetailsField[] = ['addressLine1', 'addressLine2'];

const text = (value: string | null | undefined) => (value?.trim() ? value.trim() : null);

function present(row: CompanyDetailsRow): CompanyDetails {
  const lines = (row.address ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  return {
    addressLine1: lines[0] ?? null,
    addressLine2: lines.length > 1 ? lines.slice(1).join(', ') : null,
    postalCode: text(row.zip),
    city: text(row.town),
    countryCode: text(row.country_code),
    billingEmail: text(row.email),
    phone: text(row.phone),
    taxId: text(row.tva_intra),
  };
}

export function dolibarrCompanyDetails(
  db: Knex,
  entityOf: (id: string) => number | null,
  options: { actingUserId?: number | null } = {},
): CompanyDetailsPort {
  return {
    editable: EDITABLE,
    async read(workspaceId, clientId, write) {
      const entity = entityOf(workspaceId);
      const companyId = parseId(clientId);
      if (entity === null || companyId === null) return null;
      const row = await findCompanyDetails(write?.trx ?? db, { entity, companyId });
      return row ? present(row) : null;
    },
    async update(workspaceId, clientId, changes, write) {
      const entity = entityOf(workspaceId);
      const companyId = parseId(clientId);
      if (entity === null || companyId === null) return null;
      const work = async (trx: Db) => {
        const row = await findCompanyDetails(trx, { entity, companyId, lock: true });
        if (!row) return null;
        const before = present(row);
        const wanted = { ...before, ...changes };
        const columns: SocieteColumns = {};
        if (ADDRESS.some((field) => field in changes))
          columns.address = [text(wanted.addressLine1), text(wanted.addressLine2)].filter(Boolean).join('\n') || null;
        if ('postalCode' in changes) columns.zip = text(wanted.postalCode);
        if ('city' in changes) columns.town = text(wanted.city);
        if ('countryCode' in changes) {
          const rowid = wanted.countryCode ? await countryRowid(trx, wanted.countryCode) : null;
          if (wanted.countryCode && rowid === null) return null;
          columns.fk_pays = rowid;
        }
        if ('billingEmail' in changes) columns.email = text(wanted.billingEmail);
        if ('phone' in changes) columns.phone = text(wanted.phone);
        if ('taxId' in changes) columns.tva_intra = text(wanted.taxId);
        if (options.actingUserId) columns.fk_user_modif = options.actingUserId;
        if (!(await updateSociete(trx, { entity, companyId, columns }))) return null;
        const after = await findCompanyDetails(trx, { entity, companyId });
        return after ? { before, after: present(after) } : null;
      };
      return write?.trx ? work(write.trx) : db.transaction(work);
    },
  };
}
