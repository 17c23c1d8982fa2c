// The agency and a client company as a letterhead names them, in one read: the entity's company
// settings (llx_const MAIN_INFO_*, Home > Setup > Company, as Dolibarr's own PDFs print them in
// pdf_pied_page and pdf_build_address) and the third party's address and VAT number
// (llx_societe, its country from llx_c_country). Each setting is read as constants.ts reads one:
// the entity's own row over entity 0's.
import { CLIENT_CODES, COMPANY_ACTIVE, type Db } from './db.ts';

/** The settings read, by the column they are answered in. */
const SELLER_SETTINGS = {
  seller_name: 'MAIN_INFO_SOCIETE_NOM',
  seller_address: 'MAIN_INFO_SOCIETE_ADDRESS',
  seller_zip: 'MAIN_INFO_SOCIETE_ZIP',
  seller_town: 'MAIN_INFO_SOCIETE_TOWN',
  seller_country: 'MAIN_INFO_SOCIETE_COUNTRY',
  seller_vat_id: 'MAIN_INFO_TVAINTRA',
  seller_idprof1: 'MAIN_INFO_SIREN',
  seller_idprof4: 'MAIN_INFO_RCS',
} as const;

export type LetterheadRow = Record<keyof typeof SELLER_SETTINGS, string | null> & {
  address: string | null;
  zip: string | null;
  town: string | null;
  country: string | null;
  country_code: string | null;
  tva_intra: string | null;
};

/** The client company (a customer or prospect in activity) with the entity's settings beside it; null when it is not one. */
export async function findLetterhead(db: Db, args: { entity: number; companyId: number }): Promise<LetterheadRow | null> {
  const setting = (column: string, name: string) =>
    db.raw(`(select k.value from llx_const k where k.name = ? and k.entity in (0, ?) order by k.entity desc limit 1) as ??`, [
      name,
      args.entity,
      column,
    ]);
  const row = await db('llx_societe as s')
    .leftJoin('llx_c_country as co', 'co.rowid', 's.fk_pays')
    .where({ 's.entity': args.entity, 's.rowid': args.companyId, 's.status': COMPANY_ACTIVE })
    .whereIn('s.client', CLIENT_CODES)
    .first<LetterheadRow | undefined>([
      's.address',
      's.zip',
      's.town',
      'co.label as country',
      'co.code as country_code',
      's.tva_intra',
      ...Object.entries(SELLER_SETTINGS).map(([column, name]) => setting(column, name)),
    ]);
  return row ?? null;
}
