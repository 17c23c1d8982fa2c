// Contacts: people at a client. The portal signs them in by email, so email look-ups ignore case.
import { readBelowKnex } from './below-knex.ts';
import type { Db } from './db.ts';

export interface ContactRow {
  id: number;
  workspace_id: number;
  client_id: number;
  client_name: string;
  name: string;
  email: string;
  phone: string | null;
  created_at: Date;
}

const COLUMNS = ['k.id', 'k.workspace_id', 'k.client_id', 'c.name as client_name', 'k.name', 'k.email', 'k.phone', 'k.created_at'] as const;

function scoped(db: Db, workspaceId: number) {
  return db('contacts as k')
    .join('clients as c', function joinClient() {
      this.on('c.id', '=', 'k.client_id').andOn('c.workspace_id', '=', 'k.workspace_id');
    })
    .where('k.workspace_id', workspaceId);
}

export async function listContacts(db: Db, args: { workspaceId: number; clientId?: number }): Promise<ContactRow[]> {
  const query = scoped(db, args.workspaceId);
  if (args.clientId !== undefined) query.where('k.client_id', args.clientId);
  return query.orderBy('c.name').orderBy('k.name').orderBy('k.id').select<ContactRow[]>(COLUMNS);
}

// What scoped() and COLUMNS build, written once: the portal reads a contact on every signed-in page.
const FIND_CONTACT = `select k.id, k.workspace_id, k.client_id, c.name as client_name, k.name, k.email, k.phone, k.created_at
  from contacts as k join clients as c on c.id = k.client_id and c.workspace_id = k.workspace_id
  where k.workspace_id = $1 and k.id = $2 limit 1`;

export async function findContact(db: Db, args: { workspaceId: number; contactId: number }): Promise<ContactRow | null> {
  const [row] = await readBelowKnex<ContactRow>(db, FIND_CONTACT, [args.workspaceId, args.contactId]);
  return row ?? null;
}

export async function findContactsByEmail(db: Db, args: { workspaceId: number; email: string }): Promise<ContactRow[]> {
  return scoped(db, args.workspaceId).whereRaw('lower(k.email) = lower(?)', [args.email]).orderBy('k.id').select<ContactRow[]>(COLUMNS);
}

export async function insertContact(
  db: Db,
  args: { workspaceId: number; clientId: number; name: string; email: string; phone: string | null; createdAt?: Date },
): Promise<number> {
  const [row] = await db('contacts')
    .insert({
      workspace_id: args.workspaceId,
      client_id: args.clientId,
      name: args.name,
      email: args.email,
      phone: args.phone,
      ...(args.createdAt ? { created_at: args.createdAt } : {}),
    })
    .returning<Array<{ id: number }>>(['id']);
  if (!row) throw new Error('insert into contacts returned no row');
  return row.id;
}

/** Returns false when the contact is not in the workspace (nothing is written then). */
export async function updateContactProfile(
  db: Db,
  args: { workspaceId: number; contactId: number; name: string; phone: string | null },
): Promise<boolean> {
  const updated = await db('contacts')
    .where({ workspace_id: args.workspaceId, id: args.contactId })
    .update({ name: args.name, phone: args.phone });
  return updated > 0;
}

/** The contact's email, as the client changed it from the portal. False when it is not in the workspace. */
export async function updateContactEmail(db: Db, args: { workspaceId: number; contactId: number; email: string }): Promise<boolean> {
  const updated = await db('contacts').where({ workspace_id: args.workspaceId, id: args.contactId }).update({ email: args.email });
  return updated > 0;
}
