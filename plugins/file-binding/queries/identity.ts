// Who is who, as the file maps it: workspaces, client companies, their contacts (with the host's
// password, where it keeps one) and the agency's staff.
import type { Knex } from 'knex';
import type { BindingFile } from '../format.ts';
import { and, raw, Scope, sql } from '../sql.ts';
import { as, equals, keyEquals, scopedRows, textOf, type WorkspaceRule } from './scoped.ts';

export interface WorkspaceRow {
  id: string;
  slug: string | null;
  name: string | null;
  brand_color: string | null;
}

export async function workspaceRows(
  db: Knex,
  file: BindingFile,
  by: { id?: string; slug?: string; limit: number },
): Promise<WorkspaceRow[]> {
  const concept = file.workspaces!;
  const scope = new Scope(concept.table, concept.joins ?? []);
  const parts = [scope.where(concept.where)];
  if (by.id !== undefined) parts.push(keyEquals(scope, concept.key, by.id));
  // A slug is lower-case in the portal's addresses, whatever case the host keeps it in.
  const slug = scope.text(concept.slug);
  if (by.slug !== undefined) parts.push(sql(`lower(${slug.sql}) = ?`, [...slug.bindings, by.slug]));
  return db
    .queryBuilder()
    .from(raw(db, scope.from()))
    .whereRaw(raw(db, and(parts)))
    .orderByRaw(scope.column(concept.key).sql)
    .limit(by.limit)
    .select(
      as(db, scope.text(concept.key), 'id'),
      as(db, sql(`lower(${slug.sql})`, slug.bindings), 'slug'),
      as(db, scope.text(concept.name), 'name'),
      as(db, textOf(scope, concept.brandColor), 'brand_color'),
    );
}

export interface ClientRow {
  id: string;
  name: string | null;
}

export async function clientRows(
  db: Knex,
  file: BindingFile,
  rule: WorkspaceRule,
  workspaceId: string,
  ids?: string[],
): Promise<ClientRow[]> {
  const concept = file.clients;
  const { query, scope } = scopedRows(db, concept, rule, workspaceId);
  if (ids) query.whereRaw(`${scope.column(concept.key).sql} in (${ids.map(() => '?').join(', ')})`, ids);
  return query
    .orderByRaw(`2, 1`)
    .limit(ids ? ids.length : 5000)
    .select(as(db, scope.text(concept.key), 'id'), as(db, textOf(scope, concept.name, ''), 'name'));
}

/** The workspace's clients as a subquery of id and name, for the contacts' own statements. */
function clientsSubquery(db: Knex, file: BindingFile, rule: WorkspaceRule, workspaceId: string): Knex.QueryBuilder {
  const concept = file.clients;
  const { query, scope } = scopedRows(db, concept, rule, workspaceId);
  return query.select(as(db, scope.text(concept.key), 'id'), as(db, textOf(scope, concept.name, ''), 'name'));
}

export interface ContactRow {
  id: string;
  client_id: string;
  client_name: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  password: string | null;
}

export interface ContactFilter {
  id?: string;
  email?: string;
  clientId?: string;
  limit: number;
}

/** The workspace's contacts of its clients, by id, email or client. */
export async function contactRows(
  db: Knex,
  file: BindingFile,
  rule: WorkspaceRule,
  workspaceId: string,
  filter: ContactFilter,
): Promise<ContactRow[]> {
  const concept = file.contacts;
  const { query, scope } = scopedRows(db, concept, rule, workspaceId);
  const client = scope.text(concept.client);
  query.joinRaw(`join (?) as "cl" on "cl"."id" = ${client.sql}`, [
    clientsSubquery(db, file, rule, workspaceId),
    ...client.bindings,
  ] as never);
  if (filter.id !== undefined) query.whereRaw(raw(db, keyEquals(scope, concept.key, filter.id)));
  if (filter.clientId !== undefined) query.whereRaw(raw(db, equals(scope, concept.client, filter.clientId)));
  if (filter.email !== undefined) {
    const email = scope.text(concept.email);
    query.whereRaw(`lower(trim(${email.sql})) = ?`, [...email.bindings, filter.email.trim().toLowerCase()] as Knex.RawBinding[]);
  }
  const email = scope.text(concept.email);
  query.whereRaw(`nullif(trim(${email.sql}), '') is not null`, email.bindings as Knex.RawBinding[]);
  return query
    .orderBy('cl.name')
    .orderByRaw(scope.column(concept.key).sql)
    .limit(filter.limit)
    .select(
      as(db, scope.text(concept.key), 'id'),
      'cl.id as client_id',
      'cl.name as client_name',
      as(db, textOf(scope, concept.name), 'name'),
      as(db, sql(`trim(${email.sql})`, email.bindings), 'email'),
      as(db, textOf(scope, concept.phone), 'phone'),
      as(db, concept.password ? scope.text(concept.password.column) : sql('null::text'), 'password'),
    );
}

export interface StaffRow {
  id: string;
  workspace_id: string;
  name: string | null;
  email: string | null;
  admin: boolean;
  password: string | null;
}

/** Staff of the workspace (or of every workspace, for a sign-in by email), enabled as the file's `where` says. */
export async function staffRows(
  db: Knex,
  file: BindingFile,
  rule: WorkspaceRule,
  by: { workspaceId?: string; id?: string; email?: string; admins?: boolean; limit: number },
): Promise<StaffRow[]> {
  const concept = file.staff;
  if (!concept) return [];
  const scope = new Scope(concept.table, concept.joins ?? []);
  const query = db
    .queryBuilder()
    .from(raw(db, scope.from()))
    .whereRaw(raw(db, scope.where(concept.where)));
  const workspace = concept.workspace === undefined ? sql('?::text', [rule.fixedId]) : scope.text(concept.workspace);
  if (by.workspaceId !== undefined && concept.workspace !== undefined)
    query.whereRaw(raw(db, equals(scope, concept.workspace, rule.fixedId ?? by.workspaceId)));
  if (by.id !== undefined) query.whereRaw(raw(db, keyEquals(scope, concept.key, by.id)));
  const email = scope.text(concept.email);
  if (by.email !== undefined)
    query.whereRaw(`lower(trim(${email.sql})) = ?`, [...email.bindings, by.email.trim().toLowerCase()] as Knex.RawBinding[]);
  const admin = concept.admin ? scope.condition(concept.admin) : sql('false');
  if (by.admins) query.whereRaw(raw(db, admin));
  return query
    .orderByRaw(scope.column(concept.key).sql)
    .limit(by.limit)
    .select(
      as(db, scope.text(concept.key), 'id'),
      as(db, workspace, 'workspace_id'),
      as(db, textOf(scope, concept.name), 'name'),
      as(db, sql(`trim(${email.sql})`, email.bindings), 'email'),
      as(db, sql(`coalesce(${admin.sql}, false)`, admin.bindings), 'admin'),
      as(db, scope.text(concept.password.column), 'password'),
    );
}

/** Stores a contact's new password hash in the host's column: the contact's row only, in its workspace. */
export async function setContactPassword(
  db: Knex,
  file: BindingFile,
  rule: WorkspaceRule,
  workspaceId: string,
  contactId: string,
  hash: string,
): Promise<number> {
  const concept = file.contacts;
  const scope = new Scope(concept.table);
  const parts = [scope.where(concept.where), keyEquals(scope, concept.key, contactId)];
  if (concept.workspace !== undefined) parts.push(equals(scope, concept.workspace, rule.fixedId ?? workspaceId));
  const where = and(parts);
  const column = concept.password!.column;
  scope.note(concept.table, column);
  const result = (await db.raw(`update ${scope.from().sql} set "${column}" = ? where ${where.sql}`, [
    hash,
    ...where.bindings,
  ] as Knex.RawBinding[])) as {
    rowCount: number;
  };
  return result.rowCount;
}
