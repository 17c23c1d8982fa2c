// Staff (llx_user) of an entity. Dolibarr's superadmins live in entity 0 and see every entity, so
// they count as the entity's staff too. External users (fk_soc set: a login given to a third
// party) and disabled ones (statut 0) are not staff, nor are accounts outside their validity dates:
// Dolibarr's User::isNotIntoValidityDateRange() refuses a datestartvalidity later than today and a
// dateendvalidity before today (by calendar day, on sign-in and on every page of a session).
import type { Db } from './db.ts';

/** The SQL of Dolibarr's validity range on llx_user, by the day as Dolibarr compares it. */
const WITHIN_VALIDITY = `(datestartvalidity is null or datestartvalidity < current_date + 1)
  and (dateendvalidity is null or dateendvalidity >= current_date)`;

export interface StaffRow {
  rowid: number;
  firstname: string | null;
  lastname: string | null;
  login: string;
  email: string;
  admin: number;
  /** The language the user chose in Dolibarr (de_DE, fr_FR), or null for the installation's. */
  lang: string | null;
}

export async function listStaff(db: Db, args: { entity: number; adminsOnly?: boolean }): Promise<StaffRow[]> {
  const query = activeStaff(db, args.entity);
  if (args.adminsOnly) query.where('admin', 1);
  return query.orderBy('rowid').select<StaffRow[]>(staffColumns(db));
}

/** A staff account with its PHP password hash and Dolibarr's "disconnect all sessions" time, for the standalone server only. */
export interface StaffCredentialRow extends StaffRow {
  pass_crypted: string | null;
  flagdelsessionsbefore: Date | null;
}

const credentialColumns = ['pass_crypted', 'flagdelsessionsbefore'];

/** A StaffRow's columns, as every staff read selects them. */
const staffColumns = (db: Db) => ['rowid', 'firstname', 'lastname', 'login', 'email', 'lang', db.raw('coalesce(admin, 0)::int as admin')];

/** Enabled internal users of the entity (or superadmins) with an email: the same rule as listStaff. */
function activeStaff(db: Db, entity: number) {
  return db('llx_user')
    .whereIn('entity', [0, entity])
    .where('statut', 1)
    .whereNull('fk_soc')
    .whereNotNull('email')
    .andWhereRaw("trim(email) <> ''")
    .andWhereRaw(WITHIN_VALIDITY);
}

/**
 * The bcrypt cost most of the entity's stored staff hashes have (the highest on a tie), or null
 * when none is bcrypt: what an unknown login's decoy must cost to take as long as a real one.
 */
export async function storedHashCost(db: Db, args: { entity: number }): Promise<number | null> {
  const row = await db('llx_user')
    .whereIn('entity', [0, args.entity])
    .andWhereRaw(String.raw`pass_crypted ~ '^\$2[aby]\$[0-9]{2}\$'`)
    .groupByRaw('2')
    .orderByRaw('count(*) desc, 2 desc')
    .first<{ n: number; cost: number } | undefined>(
      db.raw('count(*)::int as n'),
      db.raw('substring(pass_crypted from 5 for 2)::int as cost'),
    );
  return row ? Number(row.cost) : null;
}

/**
 * The staff accounts a sign-in name could mean: Dolibarr's own form takes the login, and people
 * often type their email instead, so the exact login comes first, then accounts whose email
 * matches case-insensitively.
 */
export async function findStaffForSignIn(db: Db, args: { entity: number; login: string }): Promise<StaffCredentialRow[]> {
  return activeStaff(db, args.entity)
    .where((where) => where.where('login', args.login).orWhereRaw('lower(trim(email)) = lower(?)', [args.login]))
    .orderByRaw('(login = ?) desc, rowid', [args.login])
    .limit(5)
    .select<StaffCredentialRow[]>([...staffColumns(db), ...credentialColumns]);
}

/** One staff account by rowid, only while it is still staff (enabled, internal, with an email). */
export async function findActiveStaff(db: Db, args: { entity: number; userId: number }): Promise<StaffCredentialRow | null> {
  const row = await activeStaff(db, args.entity)
    .where('rowid', args.userId)
    .first<StaffCredentialRow | undefined>([...staffColumns(db), ...credentialColumns]);
  return row ?? null;
}

/** The first enabled admin of the entity (or superadmin): who a portal payment is recorded as by default. */
export async function firstAdminId(db: Db, args: { entity: number }): Promise<number | null> {
  const row = await db('llx_user')
    .whereIn('entity', [0, args.entity])
    .where({ statut: 1, admin: 1 })
    .whereNull('fk_soc')
    .orderBy('rowid')
    .first<{ rowid: number } | undefined>('rowid');
  return row ? Number(row.rowid) : null;
}
