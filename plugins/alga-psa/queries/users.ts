// Alga PSA's users: staff (user_type 'internal') and client logins (user_type 'client', linked to
// their contact by contact_id) share the table. Disabled accounts (is_inactive) are neither.
// Admins are the users holding the MSP role named 'Admin' (roles.msp, through user_roles), the
// role Alga's own seeds and permission checks treat as the administrator.
import type { Knex } from 'knex';
import type { Db } from './db.ts';
import { notInactive } from './db.ts';
import { activeContacts } from './contacts.ts';
import type { SecondFactorRow } from '../second-factor.ts';

export interface StaffRow {
  user_id: string;
  username: string;
  first_name: string | null;
  last_name: string | null;
  email: string;
  is_admin: boolean;
  /** The user's IANA time zone (users.timezone), or null. */
  timezone: string | null;
  /** The language the user chose in Alga (user_preferences 'locale'), or null. */
  locale: string | null;
  hashed_password?: string;
}

const ADMIN_SQL = `exists (select 1 from user_roles ur join roles r on r.tenant = ur.tenant and r.role_id = ur.role_id
   where ur.tenant = u.tenant and ur.user_id = u.user_id and r.msp and lower(r.role_name) = 'admin')`;

function staff(db: Db, tenant: string) {
  return db('users as u').where({ 'u.tenant': tenant, 'u.user_type': 'internal' }).andWhereRaw(notInactive('u.is_inactive'));
}

// Alga keeps a user's language as a JSON string in user_preferences, setting 'locale'.
const LOCALE_SQL = `(select up.setting_value #>> '{}' from user_preferences up
   where up.tenant = u.tenant and up.user_id = u.user_id and up.setting_name = 'locale')`;

const staffColumns = (db: Db) => [
  'u.user_id',
  'u.username',
  'u.first_name',
  'u.last_name',
  'u.email',
  'u.timezone',
  db.raw(`${ADMIN_SQL} as is_admin`),
  db.raw(`${LOCALE_SQL} as locale`),
];

export async function listStaff(db: Db, args: { tenant: string; adminsOnly?: boolean }): Promise<StaffRow[]> {
  const query = staff(db, args.tenant);
  if (args.adminsOnly) query.andWhereRaw(ADMIN_SQL);
  return query.orderBy('u.last_name').orderBy('u.user_id').select<StaffRow[]>(staffColumns(db));
}

/** One enabled staff user with their password hash (which the standalone server's session is stamped with). */
export async function findStaffUser(db: Db, tenant: string, userId: string): Promise<(StaffRow & { hashed_password: string }) | null> {
  const row = await staff(db, tenant)
    .where('u.user_id', userId)
    .first<(StaffRow & { hashed_password: string }) | undefined>([...staffColumns(db), 'u.hashed_password']);
  return row ?? null;
}

/** Alga's second factor of a user (see second-factor.ts). */
const SECOND_FACTOR_COLUMNS = ['u.two_factor_enabled', 'u.two_factor_secret'];

/** Internal users of any tenant whose email or username is this login (case-insensitive), with their hash and second factor. */
export async function findStaffByLogin(
  db: Db,
  login: string,
): Promise<Array<StaffRow & SecondFactorRow & { tenant: string; hashed_password: string }>> {
  return db('users as u')
    .where('u.user_type', 'internal')
    .andWhereRaw(notInactive('u.is_inactive'))
    .andWhere((q) => q.whereRaw('lower(u.email) = lower(?)', [login]).orWhereRaw('lower(u.username) = lower(?)', [login]))
    .orderBy('u.created_at')
    .limit(2)
    .select([...staffColumns(db), 'u.tenant', 'u.hashed_password', ...SECOND_FACTOR_COLUMNS]);
}

export interface ClientLoginRow extends SecondFactorRow {
  user_id: string;
  contact_id: string;
  hashed_password: string;
  is_inactive: boolean | null;
}

/** The client login of a contact of an active client (whatever its is_inactive), or null. */
export async function findClientLoginOfContact(db: Db, tenant: string, contactId: string): Promise<ClientLoginRow | null> {
  const row = await db('users as u')
    .where({ 'u.tenant': tenant, 'u.user_type': 'client', 'u.contact_id': contactId })
    .whereIn('u.contact_id', activeContacts(db, tenant).select('c.contact_name_id'))
    .orderBy('u.created_at')
    .first<ClientLoginRow | undefined>(['u.user_id', 'u.contact_id', 'u.hashed_password', 'u.is_inactive', ...SECOND_FACTOR_COLUMNS]);
  return row ?? null;
}

/** Enabled client logins with this sign-in email, of active contacts of active clients. */
export async function findClientLoginsByEmail(db: Db, tenant: string, email: string): Promise<ClientLoginRow[]> {
  return db('users as u')
    .where({ 'u.tenant': tenant, 'u.user_type': 'client' })
    .andWhereRaw(notInactive('u.is_inactive'))
    .andWhereRaw('lower(u.email) = lower(?)', [email])
    .whereIn('u.contact_id', activeContacts(db, tenant).select('c.contact_name_id'))
    .orderBy('u.created_at')
    .limit(2)
    .select<ClientLoginRow[]>(['u.user_id', 'u.contact_id', 'u.hashed_password', 'u.is_inactive', ...SECOND_FACTOR_COLUMNS]);
}

export async function updateClientPassword(db: Db, args: { tenant: string; userId: string; hash: string }): Promise<void> {
  await db('users')
    .where({ tenant: args.tenant, user_id: args.userId, user_type: 'client' })
    .update({ hashed_password: args.hash, updated_at: db.fn.now() });
}

/** True when any user of the tenant already has this username (Alga keeps usernames unique per tenant). */
export async function usernameTaken(db: Db, tenant: string, username: string): Promise<boolean> {
  return Boolean(await db('users').where('tenant', tenant).andWhereRaw('lower(username) = lower(?)', [username]).first('user_id'));
}

/**
 * The client login Alga's portal invitation acceptance creates (packages/portal-shared
 * portalInvitationActions): username and email the contact's email in lower case, first and last
 * name from the contact's full name, user_type 'client', contact_id, is_inactive false, the
 * hashed password; then the client role 'Admin' for a client admin contact, 'User' otherwise
 * (roles.client), when the tenant has it.
 */
export async function createClientLogin(
  db: Db,
  args: {
    tenant: string;
    contactId: string;
    email: string;
    firstName: string | null;
    lastName: string | null;
    hash: string;
    clientAdmin: boolean;
  },
): Promise<string> {
  const email = args.email.toLowerCase();
  const [created] = await db('users')
    .insert({
      tenant: args.tenant,
      user_id: db.raw('gen_random_uuid()'),
      username: email,
      email,
      first_name: args.firstName,
      last_name: args.lastName,
      phone: null,
      timezone: null,
      hashed_password: args.hash,
      user_type: 'client',
      contact_id: args.contactId,
      is_inactive: false,
      two_factor_enabled: false,
      is_google_user: false,
      created_at: db.fn.now(),
      updated_at: db.fn.now(),
    })
    .returning<Array<{ user_id: string }>>('user_id');
  const role = await db('roles')
    .where({ tenant: args.tenant, client: true, role_name: args.clientAdmin ? 'Admin' : 'User' })
    .first<{ role_id: string } | undefined>('role_id');
  if (role) await db('user_roles').insert({ tenant: args.tenant, user_id: created!.user_id, role_id: role.role_id });
  return created!.user_id;
}

/**
 * The user id of a contact's client login, where the contact belongs to the client: the Alga
 * user Alga's own client portal names in accepted_by, updated_by and performed_by when that
 * contact decides. Disabled logins count (a decision still happened); null without one.
 */
export async function findClientUserIdOfContact(
  db: Db,
  args: { tenant: string; clientId: string; contactId: string },
): Promise<string | null> {
  const row = await clientLoginsOfContact(db, args).first<{ user_id: string } | undefined>('u.user_id');
  return row?.user_id ?? null;
}

/**
 * A contact's client logins (users aliased u), oldest first, where the contact belongs to the
 * client. No contact, no login (a where on null would match logins without one).
 */
export function clientLoginsOfContact(db: Db, args: { tenant: string; clientId: string; contactId: string | null }): Knex.QueryBuilder {
  return db('users as u')
    .where({ 'u.tenant': args.tenant, 'u.user_type': 'client' })
    .where('u.contact_id', args.contactId ?? db.raw('null'))
    .whereExists(
      db('contacts as c')
        .where({ 'c.tenant': args.tenant, 'c.client_id': args.clientId })
        .whereRaw('c.contact_name_id = u.contact_id')
        .select(db.raw('1')),
    )
    .orderBy('u.created_at');
}
