// The portal's Company page beside Dolibarr: the third party's own fields, as its card shows them
// (societe/card.php: address, zip, town, country, email, phone, VAT number) and as Societe::update()
// writes them. Dolibarr's address is one text of lines; the portal's two lines are written as two
// of its lines. A country Dolibarr's dictionary does not have (or has switched off) is refused, as
// its card's country list would not offer it. Each change leaves the trace Societe::update leaves:
// the COMPANY_MODIFY agenda event ("Third party … modified", on by default), in the same
// transaction.
import type { Knex } from 'knex';
import type { CompanyDetails, CompanyDetailsField, CompanyDetailsPort } from '../../src/index.ts';
import { COMPANY_DETAILS_FIELDS } from '../../src/index.ts';
import { parseId } from './ids.ts';
import { recordAgendaEvent } from './queries/agenda.ts';
import { dolSanitizeFileName } from './upload-names.ts';
import { type CompanyDetailsRow, countryRowid, findCompanyDetails, type SocieteColumns, updateSociete } from './queries/company-details.ts';
import type { Db } from './queries/db.ts';

// A client may change every field.
const EDITABLE = COMPANY_DETAILS_FIELDS;
const ADDRESS: readonly CompanyDetailsField[] = ['addressLine1', 'addressLine2'];

const text = (value: string | null | undefined) => (value?.trim() ? value.trim() : null);

/**
 * The phone as Societe::update() stores it: trimmed, then without whitespace (PCRE's \s) or dots
 * ("+33 1.23.45.67.89" → "+33123456789"); none when nothing is left.
 */
function societePhone(value: string | null | undefined): string | null {
  return text(value)?.replace(/[\t\n\v\f\r .]/g, '') || null;
}

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
          // update() writes the trimmed address quoted: '' where there is none.
          columns.address = [text(wanted.addressLine1), text(wanted.addressLine2)].filter(Boolean).join('\n');
        if ('postalCode' in changes) columns.zip = text(wanted.postalCode);
        if ('city' in changes) columns.town = text(wanted.city);
        if ('countryCode' in changes) {
          const rowid = wanted.countryCode ? await countryRowid(trx, wanted.countryCode) : null;
          if (wanted.countryCode && rowid === null) return null;
          columns.fk_pays = rowid;
        }
        if ('billingEmail' in changes) columns.email = text(wanted.billingEmail);
        if ('phone' in changes) columns.phone = societePhone(wanted.phone);
        if ('taxId' in changes) columns.tva_intra = dolSanitizeFileName(text(wanted.taxId) ?? '', ''); // as Societe::update(): '' for none
        if (options.actingUserId) columns.fk_user_modif = options.actingUserId;
        if (!(await updateSociete(trx, { entity, companyId, columns }))) return null;
        // The COMPANY_MODIFY trigger's event, as the user the portal acts as (none: no author).
        await recordAgendaEvent(trx, {
          entity,
          trigger: 'COMPANY_MODIFY',
          elementId: companyId,
          ref: row.nom.trim(),
          companyId,
          projectId: null,
          userId: options.actingUserId ?? null,
          at: null,
          ip: write?.ip ?? null,
        });
        const after = await findCompanyDetails(trx, { entity, companyId });
        return after ? { before, after: present(after) } : null;
      };
      return write?.trx ? work(write.trx) : db.transaction(work);
    },
  };
}
