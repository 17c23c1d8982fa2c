// A staff member's own language for the portal's staff side (portal_staff_preferences). Every staff
// request reads it from the workspace cache (all of a workspace's choices, a handful of rows, loaded
// with its settings); the notification emails read their recipients' here.
import type { Knex } from 'knex';
import { isLocale, type Locale } from '../i18n/translations.ts';

const TABLE = 'portal_staff_preferences';

/** Every choice made in one workspace, by staff member. */
export async function findWorkspaceStaffLocales(db: Knex, workspaceId: string): Promise<Map<string, Locale>> {
  const rows: Array<{ staff_user_id: string; locale: string | null }> = await db(TABLE)
    .where({ workspace_id: workspaceId })
    .whereNotNull('locale')
    .select('staff_user_id', 'locale');
  return new Map(rows.flatMap((row) => (isLocale(row.locale) ? [[row.staff_user_id, row.locale] as const] : [])));
}

/** The languages chosen by these staff members of one workspace; one without a choice is left out. */
export async function findStaffLocales(db: Knex, workspaceId: string, staffUserIds: readonly string[]): Promise<Map<string, Locale>> {
  if (staffUserIds.length === 0) return new Map();
  const rows: Array<{ staff_user_id: string; locale: string | null }> = await db(TABLE)
    .where({ workspace_id: workspaceId })
    .whereIn('staff_user_id', [...staffUserIds])
    .select('staff_user_id', 'locale');
  return new Map(rows.flatMap((row) => (isLocale(row.locale) ? [[row.staff_user_id, row.locale] as const] : [])));
}

/** Keeps the choice; null goes back to following the host and the browser. */
export async function saveStaffLocale(db: Knex, workspaceId: string, staffUserId: string, locale: Locale | null): Promise<void> {
  await db(TABLE)
    .insert({ workspace_id: workspaceId, staff_user_id: staffUserId, locale, updated_at: db.fn.now() })
    .onConflict(['workspace_id', 'staff_user_id'])
    .merge(['locale', 'updated_at']);
}
