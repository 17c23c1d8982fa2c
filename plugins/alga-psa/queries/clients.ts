// Alga PSA's clients (the MSP's customer companies) that the portal serves: not inactive.
import type { Db } from './db.ts';
import { notInactive } from './db.ts';

export interface ClientRow {
  client_id: string;
  client_name: string;
  default_currency_code: string | null;
}

const active = (db: Db, tenant: string) =>
  db('clients')
    .where('tenant', tenant)
    .andWhereRaw(notInactive('is_inactive'))
    .select<ClientRow[]>(['client_id', 'client_name', 'default_currency_code']);

export async function listClients(db: Db, tenant: string): Promise<ClientRow[]> {
  return active(db, tenant).orderBy('client_name').orderBy('client_id');
}

export async function findClients(db: Db, tenant: string, clientIds: string[]): Promise<ClientRow[]> {
  return active(db, tenant).whereIn('client_id', clientIds).orderBy('client_name');
}

export async function findClient(db: Db, tenant: string, clientId: string): Promise<ClientRow | null> {
  return (await active(db, tenant).where('client_id', clientId).first()) ?? null;
}
