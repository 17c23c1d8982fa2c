// Seed look-ups that link demo documents and tasks to a record and to who shared them.
import type { Db } from './db.ts';

const RECORD_TABLES = { proposal: 'proposals', quotation: 'quotations', invoice: 'invoices', project: 'projects' } as const;

/** The client's first record of a kind, for seed documents and tasks that belong to one. */
export async function firstRecord<T extends keyof typeof RECORD_TABLES>(trx: Db, type: T, workspaceId: number, clientId: number) {
  const row = await trx(RECORD_TABLES[type])
    .where({ workspace_id: workspaceId, client_id: clientId })
    .orderBy('id')
    .first<{ id: number } | undefined>('id');
  return row ? { type, id: row.id } : null;
}

/** The named staff member, or the workspace's first admin: shared documents say who shared them. */
export async function sharedBy(trx: Db, workspaceId: number, email?: string): Promise<number | null> {
  const query = trx('staff_users').where({ workspace_id: workspaceId });
  if (email) query.whereRaw('lower(email) = lower(?)', [email]);
  else query.orderByRaw("role = 'admin' desc, id asc");
  const row = await query.first<{ id: number } | undefined>('id');
  return row?.id ?? null;
}
