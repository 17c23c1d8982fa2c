// A client company's own details: its address (lines, the country last), billing email, phone and
// tax id, read and changed for the portal's Company page. Scoped by workspace and client; the change
// locks the client's row, so two saves at once are one after the other.
import type { Db } from './db.ts';

export interface CompanyDetailsRow {
  address: string | null;
  billing_email: string | null;
  phone: string | null;
  tax_id: string | null;
}

const COLUMNS = ['address', 'billing_email', 'phone', 'tax_id'] as const;

export async function findCompanyDetails(
  db: Db,
  args: { workspaceId: number; clientId: number; lock?: boolean },
): Promise<CompanyDetailsRow | null> {
  const query = db('clients').where({ workspace_id: args.workspaceId, id: args.clientId });
  const row = await (args.lock ? query.forUpdate() : query).first<CompanyDetailsRow | undefined>(COLUMNS);
  return row ?? null;
}

export async function updateCompanyDetails(
  db: Db,
  args: { workspaceId: number; clientId: number; changes: Partial<CompanyDetailsRow> },
): Promise<CompanyDetailsRow | null> {
  const [row] = await db('clients')
    .where({ workspace_id: args.workspaceId, id: args.clientId })
    .update({ ...args.changes, updated_at: db.fn.now() })
    .returning<CompanyDetailsRow[]>([...COLUMNS]);
  return row ?? null;
}
