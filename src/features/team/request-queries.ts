// SQL of client admins' requests for a new colleague: asking (one open request per company and
// address), the company's recent requests for its team page, the agency's list and one request,
// and the decision (a conditional update: a request is decided once). Every statement names its
// workspace.
import type { Knex } from 'knex';
import type { ClientRoleKey, RoleChoice } from '../../core/index.ts';

type Db = Knex | Knex.Transaction;

type ColleagueRequestStatus = 'open' | 'added' | 'declined';

export interface ColleagueRequestRow {
  id: string;
  workspace_id: string;
  client_id: string;
  requested_by: string;
  name: string;
  email: string;
  note: string | null;
  status: ColleagueRequestStatus;
  requested_at: Date;
  decided_at: Date | null;
  decided_by_staff_id: string | null;
  decision_note: string | null;
  contact_id: string | null;
  /** The role the client admin asked for; null on a request from before roles were asked. */
  role: ClientRoleKey | null;
  client_role_id: string | null;
}

const TABLE = 'portal_colleague_requests';
const COLUMNS = [
  'id',
  'workspace_id',
  'client_id',
  'requested_by',
  'name',
  'email',
  'note',
  'status',
  'requested_at',
  'decided_at',
  'decided_by_staff_id',
  'decision_note',
  'contact_id',
  'role',
  'client_role_id',
] as const;

/** How many of a company's requests its team page lists, and the agency's list shows. */
const COMPANY_LIMIT = 10;
const WORKSPACE_LIMIT = 200;

/** Records the request; null when the company already has an open one for this address. */
export async function insertColleagueRequest(
  db: Db,
  request: {
    workspaceId: string;
    clientId: string;
    requestedBy: string;
    name: string;
    email: string;
    note: string | null;
    role: RoleChoice;
  },
): Promise<ColleagueRequestRow | null> {
  const rows = await db(TABLE)
    .insert({
      workspace_id: request.workspaceId,
      client_id: request.clientId,
      requested_by: request.requestedBy,
      name: request.name,
      email: request.email.toLowerCase(),
      note: request.note,
      role: request.role.role,
      client_role_id: request.role.clientRoleId,
    })
    .onConflict(db.raw(`(workspace_id, client_id, email) where status = 'open'`))
    .ignore()
    .returning<ColleagueRequestRow[]>(COLUMNS);
  return rows[0] ?? null;
}

/** The company's requests, open ones first, then the newest. */
export function listCompanyRequests(db: Db, workspaceId: string, clientId: string): Promise<ColleagueRequestRow[]> {
  return db(TABLE)
    .where({ workspace_id: workspaceId, client_id: clientId })
    .orderByRaw(`status = 'open' desc, requested_at desc`)
    .limit(COMPANY_LIMIT)
    .select<ColleagueRequestRow[]>(COLUMNS);
}

/** The workspace's requests, open ones first (oldest first: the longest waiting), then the newest decided. */
export function listWorkspaceRequests(db: Db, workspaceId: string): Promise<ColleagueRequestRow[]> {
  return db(TABLE)
    .where({ workspace_id: workspaceId })
    .orderByRaw(`status = 'open' desc, case when status = 'open' then requested_at end asc, requested_at desc`)
    .limit(WORKSPACE_LIMIT)
    .select<ColleagueRequestRow[]>(COLUMNS);
}

export async function findColleagueRequest(db: Db, workspaceId: string, id: string): Promise<ColleagueRequestRow | null> {
  const row = await db(TABLE).where({ workspace_id: workspaceId, id }).first<ColleagueRequestRow | undefined>(COLUMNS);
  return row ?? null;
}

/** Decides an open request; false when it was decided already. */
export async function decideColleagueRequest(
  db: Db,
  workspaceId: string,
  id: string,
  decision: { status: 'added' | 'declined'; staffId: string; note: string | null; contactId: string | null; at: Date },
): Promise<boolean> {
  const updated = await db(TABLE).where({ workspace_id: workspaceId, id, status: 'open' }).update({
    status: decision.status,
    decided_at: decision.at,
    decided_by_staff_id: decision.staffId,
    decision_note: decision.note,
    contact_id: decision.contactId,
  });
  return updated > 0;
}

/**
 * Removes, in an erasure's transaction, the requests that named the person as a new colleague (by
 * the contact added for them, or by their email in their company); resolves with how many.
 */
export function deletePersonColleagueRequests(
  trx: Knex.Transaction,
  workspaceId: string,
  person: { contactId: string; clientId: string; email: string },
): Promise<number> {
  return trx('portal_colleague_requests')
    .where({ workspace_id: workspaceId })
    .andWhere((q) =>
      q
        .where('contact_id', person.contactId)
        .orWhere((same) => same.where({ client_id: person.clientId, email: person.email.toLowerCase() })),
    )
    .delete();
}
