// From access rows to the admin's access pages: the role list, the "hide" checkboxes, the table of
// what a person sees and why, and the lines of the confirmation that say what a change does.
import {
  BUILT_IN_ROLE_KEYS,
  BUILT_IN_ROLES,
  CLIENT_PERMISSIONS,
  hiddenReason,
  PERMISSION_LABELS,
  resolveAccess,
  roleName,
  type ClientAccess,
  type ClientPermission,
  type CustomRole,
} from '../../core/policies/client-access.ts';
import type { PortalSettings } from '../../core/settings/portal-settings.ts';

export interface RoleOption {
  value: string;
  label: string;
  description: string;
  selected: boolean;
}

/** The value a role has in the form: a built-in key, or `custom:<id>`. */
export const roleValue = (access: Pick<ClientAccess, 'role' | 'customRole'>, clientRoleId: string | null): string =>
  access.role === 'custom' ? `custom:${clientRoleId ?? ''}` : access.role;

export function presentRoleOptions(roles: readonly CustomRole[], selected: string): RoleOption[] {
  return [
    ...BUILT_IN_ROLE_KEYS.map((key) => ({
      value: key,
      label: BUILT_IN_ROLES[key].label,
      description: BUILT_IN_ROLES[key].description,
      selected: selected === key,
    })),
    ...roles.map((role) => ({
      value: `custom:${role.id}`,
      label: role.name,
      description: `Your role: ${role.permissions.map((p) => PERMISSION_LABELS[p as ClientPermission] ?? p).join(', ') || 'nothing'}.`,
      selected: selected === `custom:${role.id}`,
    })),
  ];
}

export interface HideField {
  name: string;
  id: string;
  label: string;
  checked: boolean;
}

export function presentHideFields(denied: readonly string[], idPrefix: string): HideField[] {
  return CLIENT_PERMISSIONS.map((permission) => ({
    name: `hide_${permission}`,
    id: `${idPrefix}-${permission}`,
    label: PERMISSION_LABELS[permission],
    checked: denied.includes(permission),
  }));
}

export interface AccessRowView {
  label: string;
  sees: boolean;
  why: string | null;
}

/** What the person sees and, for what they do not, the layer that hides it. */
export function presentAccessTable(settings: PortalSettings, access: ClientAccess): AccessRowView[] {
  return resolveAccess(settings, access).map((verdict) => ({
    label: PERMISSION_LABELS[verdict.permission],
    sees: verdict.allowed,
    why: hiddenReason(verdict, access),
  }));
}

/** The labels of what the person sees, for the company page's summary. */
export function seenLabels(settings: PortalSettings, access: ClientAccess): string[] {
  return resolveAccess(settings, access)
    .filter((verdict) => verdict.allowed)
    .map((verdict) => PERMISSION_LABELS[verdict.permission]);
}

/**
 * What a change does, line by line, for the confirmation page; empty when it changes nothing.
 * `who` names whose sight changes when it is not the one person the page is about.
 */
export function describeAccessChange(settings: PortalSettings, before: ClientAccess, after: ClientAccess, who?: string): string[] {
  const was = new Map(resolveAccess(settings, before).map((v) => [v.permission, v.allowed]));
  const now = resolveAccess(settings, after);
  const lost = now.filter((v) => was.get(v.permission) && !v.allowed).map((v) => PERMISSION_LABELS[v.permission]);
  const gained = now.filter((v) => !was.get(v.permission) && v.allowed).map((v) => PERMISSION_LABELS[v.permission]);
  const lines: string[] = [];
  if (roleName(before) !== roleName(after)) lines.push(`Role: ${roleName(before)} → ${roleName(after)}.`);
  if (lost.length) lines.push(who ? `${who} no longer sees: ${lost.join(', ')}.` : `No longer sees: ${lost.join(', ')}.`);
  if (gained.length) lines.push(who ? `${who} now sees: ${gained.join(', ')}.` : `Now sees: ${gained.join(', ')}.`);
  const sameSight = lost.length === 0 && gained.length === 0;
  const sameChoices =
    sameSight && before.personDenied.join() === after.personDenied.join() && before.clientDenied.join() === after.clientDenied.join();
  if (sameSight && !sameChoices) lines.push('What they see stays the same for now; the change applies if the workspace switches more on.');
  return lines;
}
