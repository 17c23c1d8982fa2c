// A person's access as staff read it, in the staff member's language: a role's name, a part of the
// portal, and why a part is hidden ("Hidden: role Billing"). The policy module keeps its English
// words for what is stored (the activity log, exports); the staff pages say these.
import type { Translate } from '../i18n/translations.ts';
import type { ClientAccess, ClientPermission, PermissionVerdict } from '../policies/client-access.ts';

export function staffRoleName(t: Translate, access: Pick<ClientAccess, 'role' | 'customRole'>): string {
  if (access.role === 'custom') return access.customRole?.name ?? t('staff:roles.removedRole');
  return t(`staff:roles.builtIn.${access.role}.label`);
}

export const staffPermissionLabel = (t: Translate, permission: ClientPermission): string => t(`staff:permissions.${permission}`);

/** Why a permission is hidden from a person, or null when they see it. */
export function staffHiddenReason(t: Translate, verdict: PermissionVerdict, access: ClientAccess): string | null {
  if (verdict.hiddenBy === null) return null;
  if (verdict.hiddenBy === 'role') return t('staff:access.hidden.role', { role: staffRoleName(t, access) });
  return t(`staff:access.hidden.${verdict.hiddenBy}`);
}
