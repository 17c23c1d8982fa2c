// Clients: the companies an agency works for.
import type { Db } from './db.ts';

export interface ClientRow {
  id: number;
  workspace_id: number;
  name: string;
  website: string | null;
  address: string | null;
  tax_id: string | null;
  billing_email: string | null;
  phone: string | null;
  created_at: Date;
}

export interface ClientListRow extends ClientRow {
  contact_count: number;
}

const COLUMNS = [
  'c.id',
  'c.workspace_id',
  'c.name',
  'c.website',
  'c.address',
  'c.tax_id',
  'c.billing_email',
  'c.phone',
  'c.created_at',
] as const;

export async function listClients(db: Db, args: { workspaceId: number }): Promise<ClientListRow[]> {
  return db('clients as c')
    .where('c.workspace_id', args.workspaceId)
    .orderBy('c.name')
    .orderBy('c.id')
    .select<ClientListRow[]>([
      ...COLUMNS,
      // The workspace by its value, not c.workspace_id: on Citus that keeps the statement on one node.
      db.raw('(select count(*) from contacts k where k.workspace_id = ? and k.client_id = c.id)::int as contact_count', [args.workspaceId]),
    ]);
}

/** The workspace's clients without the CRM list's contact counts: what the portal names clients by. */
export async function listClientNames(db: Db, args: { workspaceId: number }): Promise<ClientRow[]> {
  return db('clients as c').where('c.workspace_id', args.workspaceId).orderBy('c.name').orderBy('c.id').select<ClientRow[]>(COLUMNS);
}

export async function findClientsByIds(db: Db, args: { workspaceId: number; clientIds: number[] }): Promise<ClientRow[]> {
  if (args.clientIds.length === 0) return [];
  return db('clients as c').where('c.workspace_id', args.workspaceId).whereIn('c.id', args.clientIds).select<ClientRow[]>(COLUMNS);
}

export async function findClient(db: Db, args: { workspaceId: number; clientId: number }): Promise<ClientRow | null> {
  const row = await db('clients as c')
    .where({ 'c.workspace_id': args.workspaceId, 'c.id': args.clientId })
    .first<ClientRow | undefined>(COLUMNS);
  return row ?? null;
}

/** Seed look-up: client names are unique enough inside one workspace to act as a natural key there. */
export async function findClientByName(db: Db, args: { workspaceId: number; name: string }): Promise<ClientRow | null> {
  const row = await db('clients as c')
    .where({ 'c.workspace_id': args.workspaceId, 'c.name': args.name })
    .orderBy('c.id')
    .first<ClientRow | undefined>(COLUMNS);
  return row ?? null;
}

export async function insertClient(
  db: Db,
  args: {
    workspaceId: number;
    name: string;
    website: string | null;
    address: string | null;
    taxId?: string | null;
    vatExemptionNote?: string | null;
    vatExemptionReason?: string | null;
    createdAt?: Date;
  },
): Promise<number> {
  const [row] = await db('clients')
    .insert({
      workspace_id: args.workspaceId,
      name: args.name,
      website: args.website,
      address: args.address,
      ...(args.taxId ? { tax_id: args.taxId } : {}),
      ...(args.vatExemptionNote ? { vat_exemption_note: args.vatExemptionNote } : {}),
      ...(args.vatExemptionReason ? { vat_exemption_reason: args.vatExemptionReason } : {}),
      ...(args.createdAt ? { created_at: args.createdAt } : {}),
    })
    .returning<Array<{ id: number }>>(['id']);
  if (!row) throw new Error('insert into clients returned no row');
  return row.id;
}
