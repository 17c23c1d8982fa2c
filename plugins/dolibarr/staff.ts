// A Dolibarr user as the portal's staff pages know them, for the adapter's staff port and the
// standalone server's sign-in alike.
import type { HostStaffUser } from '../../src/index.ts';
import { toHostId } from './ids.ts';
import { fullName } from './names.ts';
import type { StaffRow } from './queries/staff.ts';

export function presentStaffUser(row: StaffRow, workspaceId: string): HostStaffUser {
  return {
    id: toHostId(row.rowid),
    workspaceId,
    name: fullName(row.firstname, row.lastname) || row.login,
    // '' for an account without one (a fresh Dolibarr's first admin): it signs in all the same,
    // the staff pages say that no email reaches it, and the notification lists leave it out.
    email: row.email?.trim() ?? '',
    role: row.admin === 1 ? 'admin' : 'member',
    // The staff pages speak the language the user chose in Dolibarr (de_DE reads as de).
    locale: row.lang?.trim() || null,
  };
}
