// From access rows to the admin's access pages, in the staff member's language: the role list, the
// "hide" checkboxes, the table of what a person sees and why, and the lines of the confirmation
// that say what a change does.
import {
  BUILT_IN_ROLE_KEYS,
  CLIENT_PERMISSIONS,
  type ClientAccess,
  type ClientPermission,
  type CustomRole,
  type PortalSettings,
  resolveAccess,
  staffHiddenReason,
  staffPermissionLabel,
  staffRoleName,
  type Translate,
} from '../../core/index.ts';

export interface RoleOption {
  value: string;
  label: string;
  description: string;
  selected: boolean;
}

/** The value a role has in the form: a built-in key, or `custom:<id>`. */
export const roleValue = (access: Pick<ClientAccess, 'role' | 'customRole'>, clientRoleId: string | null): string =>
  access.role === 'custom' ? `custom:${clientRoleId ?? ''}` : access.role;

const isPermission = (value: string): value is ClientPermission => (CLIENT_PERMISSIONS as readonly string[]).includes(value);

export function presentRoleOptions(t: Translate, roles: readonly CustomRole[], selected: string): RoleOption[] {
  return [
    ...BUILT_IN_ROLE_KEYS.map((key) => ({
      value: key,
      label: t(`staff:roles.builtIn.${key}.label`),
      description: t(`staff:roles.builtIn.${key}.description`),
      selected: selected === key,
    })),
    ...roles.map((role) => {
      const sees = role.permissions.map((p) => (isPermission(p) ? staffPermissionLabel(t, p) : p));
      return {
        value: `custom:${role.id}`,
        label: role.name,
        description: t('admin:access.yourRole', { what: sees.length ? sees.join(', ') : t('admin:access.nothing') }),
        selected: selected === `custom:${role.id}`,
      };
    }),
  ];
}

export interface HideField {
  name: string;
  id: string;
  label: string;
  checked: boolean;
}

export function presentHideFields(t: Translate, denied: readonly string[], idPrefix: string): HideField[] {
  return CLIENT_PERMISSIONS.map((permission) => ({
    name: `hide_${permission}`,
    id: `${idPrefix}-${permission}`,
    label: staffPermissionLabel(t, permission),
    checked: denied.includes(permission),
  }));
}

export interface AccessRowView {
  label: string;
  sees: boolean;
  why: string | null;
}

/** What the person sees and, for what they do not, the layer that hides it. */
export function presentAccessTable(t: Translate, settings: PortalSettings, access: ClientAccess): AccessRowView[] {
  return resolveAccess(settings, access).map((verdict) => ({
    label: staffPermissionLabel(t, verdict.permission),
    sees: verdict.allowed,
    why: staffHiddenReason(t, verdict, access),
  }));
}

/** What the person sees, for the company page's summary: the parts, or "Nothing". */
export function seenSummary(t: Translate, settings: PortalSettings, access: ClientAccess): string {
  const seen = resolveAccess(settings, access)
    .filter((verdict) => verdict.allowed)
    .map((verdict) => staffPermissionLabel(t, verdict.permission));
  return seen.length ? seen.join(', ') : t('admin:access.seesNothing');
}

/**
 * What a change does, line by line, for the confirmation page; empty when it changes nothing.
 * `who` names whose sight changes when it is not the one person the page is about.
 */
export function describeAccessChange(
  t: Translate,
  settings: PortalSettings,
  before: ClientAccess,
  after: ClientAccess,
  who?: string,
): string[] {
  const was = new Map(resolveAccess(settings, before).map((v) => [v.permission, v.allowed]));
  const now = resolveAccess(settings, after);
  const lost = now.filter((v) => was.get(v.permission) && !v.allowed).map((v) => staffPermissionLabel(t, v.permission));
  const gained = now.filter((v) => !was.get(v.permission) && v.allowed).map((v) => staffPermissionLabel(t, v.permission));
  const lines: string[] = [];
  const [from, to] = [staffRoleName(t, before), staffRoleName(t, after)];
  if (from !== to) lines.push(t('admin:access.change.role', { from, to }));
  const line = (key: 'lost' | 'gained', what: string[]) =>
    who ? t(`admin:access.change.${key}By`, { who, what: what.join(', ') }) : t(`admin:access.change.${key}`, { what: what.join(', ') });
  if (lost.length) lines.push(line('lost', lost));
  if (gained.length) lines.push(line('gained', gained));
  const sameSight = lost.length === 0 && gained.length === 0;
  const sameChoices =
    sameSight && before.personDenied.join() === after.personDenied.join() && before.clientDenied.join() === after.clientDenied.join();
  if (sameSight && !sameChoices) lines.push(t('admin:access.change.sameForNow'));
  return lines;
}
