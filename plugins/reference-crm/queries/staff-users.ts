// Staff users: agency people who sign in to the CRM. One staff user belongs to one workspace.
import type { Db } from './db.ts';

export type StaffRole = 'admin' | 'member';

export interface StaffUserRow {
  id: number;
  workspace_id: number;
  name: string;
  email: string;
  role: StaffRole;
}

export interface StaffCredentialsRow extends StaffUserRow {
  password_hash: string;
}

export interface StaffWithWorkspaceRow extends StaffUserRow {
  workspace_slug: string;
  workspace_name: string;
}

/** A staff user's columns, as the binding's claims name them too. */
export const STAFF_USER_COLUMNS = ['id', 'workspace_id', 'name', 'email', 'role'];

const COLUMNS = STAFF_USER_COLUMNS.map((column) => `s.${column}`);

/**
 * Sign-in candidates for an email, across workspaces: the one query that is not scoped by a
 * workspace, because the email + password pair is what chooses the workspace.
 */
export async function findStaffCredentialsByEmail(db: Db, args: { email: string }): Promise<StaffCredentialsRow[]> {
  return db('staff_users as s')
    .comment('across workspaces: staff sign-in, before the workspace is known')
    .whereRaw('lower(s.email) = lower(?)', [args.email])
    .orderBy('s.workspace_id')
    .orderBy('s.id')
    .select<StaffCredentialsRow[]>([...COLUMNS, 's.password_hash']);
}

/** The staff user a session points at, in the workspace the session works in. */
export async function findStaffWithWorkspace(db: Db, args: { workspaceId: number; id: number }): Promise<StaffWithWorkspaceRow | null> {
  const row = await db('staff_users as s')
    .join('workspaces as w', 'w.id', 's.workspace_id')
    .where({ 's.workspace_id': args.workspaceId, 's.id': args.id })
    .first<StaffWithWorkspaceRow | undefined>([...COLUMNS, 'w.slug as workspace_slug', 'w.name as workspace_name']);
  return row ?? null;
}

export async function findStaffByEmail(db: Db, args: { workspaceId: number; email: string }): Promise<StaffUserRow | null> {
  const row = await db('staff_users as s')
    .where('s.workspace_id', args.workspaceId)
    .whereRaw('lower(s.email) = lower(?)', [args.email])
    .first<StaffUserRow | undefined>(COLUMNS);
  return row ?? null;
}

export async function listStaff(db: Db, args: { workspaceId: number }): Promise<StaffUserRow[]> {
  return db('staff_users as s').where('s.workspace_id', args.workspaceId).orderBy('s.name').select<StaffUserRow[]>(COLUMNS);
}

export async function insertStaffUser(
  db: Db,
  args: { workspaceId: number; name: string; email: string; passwordHash: string; role: StaffRole; createdAt?: Date },
): Promise<number> {
  const [row] = await db('staff_users')
    .insert({
      workspace_id: args.workspaceId,
      name: args.name,
      email: args.email.toLowerCase(),
      password_hash: args.passwordHash,
      role: args.role,
      ...(args.createdAt ? { created_at: args.createdAt } : {}),
    })
    .returning<Array<{ id: number }>>(['id']);
  if (!row) throw new Error('insert into staff_users returned no row');
  return row.id;
}
