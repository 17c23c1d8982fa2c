// Third parties (llx_societe) that are customers or prospects and in activity: the portal's clients.
import { CLIENT_CODES, COMPANY_ACTIVE, type Db } from './db.ts';

export interface CompanyRow {
  rowid: number;
  entity: number;
  nom: string | null;
}

/** What a client company is read as; the claims read this list. */
export const COMPANY_COLUMNS = ['rowid', 'entity', 'nom'];

function clients(db: Db, entity: number) {
  return db('llx_societe').where({ entity, status: COMPANY_ACTIVE }).whereIn('client', CLIENT_CODES);
}

export async function listClientCompanies(db: Db, args: { entity: number }): Promise<CompanyRow[]> {
  return clients(db, args.entity).orderBy('nom').orderBy('rowid').select<CompanyRow[]>(COMPANY_COLUMNS);
}

export async function findClientCompaniesByIds(db: Db, args: { entity: number; companyIds: number[] }): Promise<CompanyRow[]> {
  if (args.companyIds.length === 0) return [];
  return clients(db, args.entity).whereIn('rowid', args.companyIds).select<CompanyRow[]>(COMPANY_COLUMNS);
}

export async function findClientCompany(db: Db, args: { entity: number; companyId: number }): Promise<CompanyRow | null> {
  const row = await clients(db, args.entity).where('rowid', args.companyId).first<CompanyRow | undefined>(COMPANY_COLUMNS);
  return row ?? null;
}
