// Staff (llx_user) of an entity. Dolibarr's superadmins live in entity 0 and see every entity, so
// they count as the entity's staff too. Dolibarr asks no email of a user (its installer creates the
// first admin without one), so staff sign in by login whatever their email; only the lists the
// portal emails (listStaff: notifications) leave out those without one. External users (fk_soc set: a login given to a third
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
  /** Null or blank for many accounts: Dolibarr's installer creates the first admin without one. */
  email: string | null;
  admin: number;
  /** The language the user chose in Dolibarr (de_DE, fr_FR), or null for the installation's. */
  lang: string | null;
}

/** The staff the portal can email (notifications): enabled, with an email address. */
export async function listStaff(db: Db, args: { entity: number; adminsOnly?: boolean }): Promise<StaffRow[]> {
  const query = activeStaff(db, args.entity).whereNotNull('email').andWhereRaw("trim(email) <> ''");
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

/** Enabled internal users of the entity (or superadmins) within their validity dates, with or without an email. */
function activeStaff(db: Db, entity: number) {
  return db('llx_user').whereIn('entity', [0, entity]).where('statut', 1).whereNull('fk_soc').andWhereRaw(WITHIN_VALIDITY);
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

/** One staff account by rowid, only while it is still staff (enabled, internal, within its validity dates). */
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

/**
 * Whether the user holds Dolibarr's right to read invoices (module 'facture', perms 'lire') and
 * proposals ('propale', 'lire'), given to the user (llx_user_rights) or to one of their groups
 * (llx_usergroup_user → llx_usergroup_rights), as User::loadRights reads them for the entity.
 * Admins hold every right (not asked here).
 */
export async function staffReadRights(db: Db, args: { entity: number; userId: number }): Promise<{ facture: boolean; propale: boolean }> {
  const result = await db.raw<{ rows: Array<{ module: string }> }>(
    `select distinct d.module
       from llx_rights_def d
      where d.entity = :entity and d.module in ('facture', 'propale') and d.perms = 'lire'
        and coalesce(d.subperms, '') = ''
        and (exists (select 1 from llx_user_rights r where r.fk_id = d.id and r.fk_user = :user and r.entity = :entity)
          or exists (select 1 from llx_usergroup_user gu
                       join llx_usergroup_rights gr on gr.fk_usergroup = gu.fk_usergroup and gr.entity = :entity
                      where gu.fk_user = :user and gu.entity in (0, :entity) and gr.fk_id = d.id))`,
    { entity: args.entity, user: args.userId },
  );
  const modules = new Set(result.rows.map((row) => row.module));
  return { facture: modules.has('facture'), propale: modules.has('propale') };
}
