// SQL of directory provisioning: the companies' SCIM tokens, what provisioning gives a company's
// people, and what the directory said of each person. Every statement names its workspace, and
// every read of people its client company too.
import type { Knex } from 'knex';
import type { BuiltInRole, ClientUserRow } from '../../core/index.ts';

type Db = Knex | Knex.Transaction;

export interface TokenRow {
  id: string;
  workspace_id: string;
  client_id: string;
  prefix: string;
  created_by_staff_name: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const TOKEN_COLUMNS = ['id', 'workspace_id', 'client_id', 'prefix', 'created_by_staff_name', 'created_at', 'last_used_at', 'revoked_at'];

/** The live token with this hash in the workspace, or null (revoked, unknown, or another workspace's). */
export async function findLiveToken(db: Db, workspaceId: string, tokenHash: string): Promise<TokenRow | null> {
  const row = await db('portal_scim_tokens')
    .where({ workspace_id: workspaceId, token_hash: tokenHash })
    .whereNull('revoked_at')
    .first(TOKEN_COLUMNS);
  return (row as TokenRow | undefined) ?? null;
}

/** At most once a minute per token: a directory's burst of requests writes the row once. */
export async function touchToken(db: Db, workspaceId: string, id: string): Promise<void> {
  await db('portal_scim_tokens')
    .where({ workspace_id: workspaceId, id })
    .where((q) => q.whereNull('last_used_at').orWhere('last_used_at', '<', db.raw("now() - interval '1 minute'")))
    .update({ last_used_at: db.fn.now() });
}

export async function listTokens(db: Db, workspaceId: string, clientId: string): Promise<TokenRow[]> {
  return db('portal_scim_tokens')
    .where({ workspace_id: workspaceId, client_id: clientId })
    .orderBy([{ column: 'created_at', order: 'desc' }, 'id'])
    .select(TOKEN_COLUMNS);
}

/** The new token's id, or null when this form already created one (sent twice). */
export async function insertToken(
  db: Db,
  row: {
    workspaceId: string;
    id: string;
    clientId: string;
    tokenHash: string;
    prefix: string;
    formId: string;
    staffId: string;
    staffName: string;
  },
): Promise<string | null> {
  const inserted = await db('portal_scim_tokens')
    .insert({
      workspace_id: row.workspaceId,
      id: row.id,
      client_id: row.clientId,
      token_hash: row.tokenHash,
      prefix: row.prefix,
      form_id: row.formId,
      created_by_staff_id: row.staffId,
      created_by_staff_name: row.staffName,
    })
    .onConflict(['workspace_id', 'form_id'])
    .ignore()
    .returning('id');
  return (inserted[0]?.id as string | undefined) ?? null;
}

export async function insertReveal(db: Db, workspaceId: string, tokenId: string, sealed: string, expiresAt: Date): Promise<void> {
  await db('portal_scim_token_reveals').insert({
    workspace_id: workspaceId,
    token_id: tokenId,
    token_sealed: sealed,
    expires_at: expiresAt,
  });
}

/** Takes the company's unexpired reveals out (each is shown once), deleting every expired one on the way. */
export async function takeReveals(
  db: Db,
  workspaceId: string,
  clientId: string,
): Promise<Array<{ token_id: string; token_sealed: string }>> {
  const taken = await db('portal_scim_token_reveals as r')
    .where('r.workspace_id', workspaceId)
    .whereIn('r.token_id', db('portal_scim_tokens').where({ workspace_id: workspaceId, client_id: clientId }).select('id'))
    .delete()
    .returning(['r.token_id', 'r.token_sealed', 'r.expires_at']);
  const now = Date.now();
  return (taken as Array<{ token_id: string; token_sealed: string; expires_at: Date }>).filter((row) => row.expires_at.getTime() > now);
}

export async function revokeToken(db: Db, workspaceId: string, clientId: string, id: string): Promise<boolean> {
  const changed = await db('portal_scim_tokens')
    .where({ workspace_id: workspaceId, client_id: clientId, id })
    .whereNull('revoked_at')
    .update({ revoked_at: db.fn.now() });
  return changed > 0;
}

export interface CompanySettingsRow {
  default_role: BuiltInRole;
  create_contacts: boolean;
}

export async function findCompanySettings(db: Db, workspaceId: string, clientId: string): Promise<CompanySettingsRow | null> {
  const row = await db('portal_scim_companies')
    .where({ workspace_id: workspaceId, client_id: clientId })
    .first('default_role', 'create_contacts');
  return (row as CompanySettingsRow | undefined) ?? null;
}

export async function saveCompanySettings(db: Db, workspaceId: string, clientId: string, settings: CompanySettingsRow): Promise<void> {
  await db('portal_scim_companies')
    .insert({ workspace_id: workspaceId, client_id: clientId, ...settings })
    .onConflict(['workspace_id', 'client_id'])
    // The inserted row's own time (its default): Citus refuses a function in this update.
    .merge({ ...settings, updated_at: db.raw('excluded.updated_at') });
}

/** A client user as SCIM shows them: the portal's row with what the directory said of them. */
export interface ScimPersonRow extends Pick<ClientUserRow, 'id' | 'client_id' | 'contact_id' | 'email' | 'status' | 'role' | 'created_at'> {
  external_id: string | null;
  given_name: string | null;
  family_name: string | null;
  display_name: string | null;
  deleted_at: Date | null;
  updated_at: Date;
}

const PERSON_COLUMNS = [
  'u.id',
  'u.client_id',
  'u.contact_id',
  'u.email',
  'u.status',
  'u.role',
  'u.created_at',
  'p.external_id',
  'p.given_name',
  'p.family_name',
  'p.display_name',
  'p.deleted_at',
  'u.updated_at',
];

/** The company's client users, with what the directory said of them, as SCIM may see them (none it deleted). */
function people(db: Db, workspaceId: string, clientId: string) {
  return db('client_users as u')
    .leftJoin('portal_scim_people as p', function () {
      this.on('p.workspace_id', 'u.workspace_id').andOn('p.client_user_id', 'u.id');
    })
    .where({ 'u.workspace_id': workspaceId, 'u.client_id': clientId })
    .whereNull('p.deleted_at');
}

export async function findPerson(db: Db, workspaceId: string, clientId: string, id: string): Promise<ScimPersonRow | null> {
  const row = await people(db, workspaceId, clientId).where('u.id', id).first(PERSON_COLUMNS);
  return (row as ScimPersonRow | undefined) ?? null;
}

/**
 * Locks the company's client user of this id until the transaction ends; false when there is none.
 * A directory's change of one person waits here for the one before it, and then reads what it left
 * (a replace already made is not logged again, a person already deleted is not found).
 */
export async function lockPerson(trx: Knex.Transaction, workspaceId: string, clientId: string, id: string): Promise<boolean> {
  const row = await trx('client_users').where({ workspace_id: workspaceId, client_id: clientId, id }).forUpdate().first('id');
  return row !== undefined;
}

/** One page of the company's people, by creation, with the count of all that match. */
export async function listPeople(
  db: Db,
  workspaceId: string,
  clientId: string,
  filter: { email?: string; externalId?: string },
  page: { offset: number; limit: number },
): Promise<{ rows: ScimPersonRow[]; total: number }> {
  const matching = () => {
    const q = people(db, workspaceId, clientId);
    if (filter.email !== undefined) q.where('u.email', filter.email.toLowerCase());
    if (filter.externalId !== undefined) q.where('p.external_id', filter.externalId);
    return q;
  };
  const [rows, [count]] = await Promise.all([
    page.limit > 0 ? matching().orderBy(['u.created_at', 'u.id']).offset(page.offset).limit(page.limit).select(PERSON_COLUMNS) : [],
    matching().count<{ count: string }[]>({ count: '*' }),
  ]);
  return { rows: rows as ScimPersonRow[], total: Number(count?.count ?? 0) };
}

/** Any client user of the workspace with this email, and whether the directory deleted them. */
export async function findByEmailAnyCompany(
  db: Db,
  workspaceId: string,
  email: string,
): Promise<(Pick<ClientUserRow, 'id' | 'client_id' | 'status' | 'role'> & { deleted_at: Date | null }) | null> {
  const row = await db('client_users as u')
    .leftJoin('portal_scim_people as p', function () {
      this.on('p.workspace_id', 'u.workspace_id').andOn('p.client_user_id', 'u.id');
    })
    .where({ 'u.workspace_id': workspaceId, 'u.email': email.toLowerCase() })
    .first('u.id', 'u.client_id', 'u.status', 'u.role', 'p.deleted_at');
  return row ?? null;
}

/** Serialises the creates of one email in a workspace: a directory's retries make one person. */
export async function lockEmail(trx: Knex.Transaction, workspaceId: string, email: string): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?), hashtext(?))', [workspaceId, `scim:${email.toLowerCase()}`]);
}

export interface PersonFields {
  externalId: string | null;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
}

export async function savePerson(db: Db, workspaceId: string, clientId: string, clientUserId: string, fields: PersonFields): Promise<void> {
  const columns = {
    external_id: fields.externalId,
    given_name: fields.givenName,
    family_name: fields.familyName,
    display_name: fields.displayName,
  };
  await db('portal_scim_people')
    .insert({ workspace_id: workspaceId, client_user_id: clientUserId, client_id: clientId, ...columns })
    .onConflict(['workspace_id', 'client_user_id'])
    .merge({ ...columns, deleted_at: null, updated_at: db.raw('excluded.updated_at') });
}

export async function markPersonDeleted(db: Db, workspaceId: string, clientUserId: string): Promise<void> {
  await db('portal_scim_people').where({ workspace_id: workspaceId, client_user_id: clientUserId }).update({ deleted_at: db.fn.now() });
}

export async function personRecord(db: Db, workspaceId: string, clientUserId: string) {
  return db('portal_scim_people')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .first('client_id', 'external_id', 'given_name', 'family_name', 'display_name', 'deleted_at', 'created_at', 'updated_at');
}

export async function deletePersonRecord(db: Db, workspaceId: string, clientUserId: string): Promise<number> {
  return db('portal_scim_people').where({ workspace_id: workspaceId, client_user_id: clientUserId }).delete();
}

export function countPersonRecord(db: Db, workspaceId: string, clientUserId: string): Knex.QueryBuilder {
  return db('portal_scim_people').where({ workspace_id: workspaceId, client_user_id: clientUserId }).select(db.raw('count(*)::int'));
}
