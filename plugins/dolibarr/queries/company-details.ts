// A client company's own details on its third party (llx_societe): address (a multi-line text),
// zip, town, country (fk_pays → llx_c_country), email, phone and intra-community VAT number
// (tva_intra). Scoped by entity and to the third parties that are the portal's clients (customers
// or prospects in activity). Written as Societe::update() writes those columns (the values
// cleaned by the caller), with what its rewrite of the whole row changes beside them on a third
// party Dolibarr made: socialnetworks, which Societe::create leaves 'null' and update() writes
// json_encode() of what fetch() read, '[]' for none; fk_user_modif the user the change is made as
// (where the portal acts as one); tms by Dolibarr's update trigger (the schema's
// update_customer_modtime; ON UPDATE on MySQL).
import { CLIENT_CODES, COMPANY_ACTIVE, type Db, SOCIAL_NETWORKS_REWRITTEN } from './db.ts';

export interface CompanyDetailsRow {
  /** The third party's name, which the agenda event names. */
  nom: string;
  address: string | null;
  zip: string | null;
  town: string | null;
  country_code: string | null;
  email: string | null;
  phone: string | null;
  tva_intra: string | null;
}

export type SocieteColumns = Partial<{
  address: string | null;
  zip: string | null;
  town: string | null;
  fk_pays: number | null;
  email: string | null;
  phone: string | null;
  tva_intra: string | null;
  fk_user_modif: number;
}>;

export async function findCompanyDetails(
  db: Db,
  args: { entity: number; companyId: number; lock?: boolean },
): Promise<CompanyDetailsRow | null> {
  const query = db('llx_societe as s')
    .leftJoin('llx_c_country as co', 'co.rowid', 's.fk_pays')
    .where({ 's.entity': args.entity, 's.rowid': args.companyId, 's.status': COMPANY_ACTIVE })
    .whereIn('s.client', CLIENT_CODES);
  const row = await (args.lock ? query.forUpdate('s') : query).first<CompanyDetailsRow | undefined>([
    's.nom',
    's.address',
    's.zip',
    's.town',
    'co.code as country_code',
    's.email',
    's.phone',
    's.tva_intra',
  ]);
  return row ?? null;
}

/** The dictionary's row of a country by its ISO code (llx_c_country.code); null when Dolibarr has none active. */
export async function countryRowid(db: Db, code: string): Promise<number | null> {
  const row = await db('llx_c_country').where({ code, active: 1 }).first<{ rowid: number } | undefined>('rowid');
  return row?.rowid ?? null;
}

export async function updateSociete(db: Db, args: { entity: number; companyId: number; columns: SocieteColumns }): Promise<boolean> {
  const updated = await db('llx_societe')
    .where({ entity: args.entity, rowid: args.companyId, status: COMPANY_ACTIVE })
    .whereIn('client', CLIENT_CODES)
    .update({ ...args.columns, socialnetworks: db.raw(SOCIAL_NETWORKS_REWRITTEN) });
  return updated > 0;
}
