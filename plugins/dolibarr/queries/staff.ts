// Staff (llx_user) of an entity. Dolibarr's superadmins live in entity 0 and see every entity, so
// they count as the entity's staff too. External users (fk_soc set: a login given to a third
// party) and disabled ones (statut 0) are not staff.
import type { Db } from './db.ts';

export interface StaffRow {
  rowid: number;
  firstname: string | null;
  lastname: string | null;
  login: string;
  email: string;
  admin: number;
}

export async function listStaff(db: Db, args: { entity: number; adminsOnly?: boolean }): Promise<StaffRow[]> {
  const query = db('llx_user')
    .whereIn('entity', [0, args.entity])
    .where('statut', 1)
    .whereNull('fk_soc')
    .whereNotNull('email')
    .andWhereRaw("trim(email) <> ''");
  if (args.adminsOnly) query.where('admin', 1);
  return query.orderBy('rowid').select<StaffRow[]>(['rowid', 'firstname', 'lastname', 'login', 'email', db.raw('coalesce(admin, 0)::int as admin')]);
}
