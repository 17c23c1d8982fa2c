// From the company's people to the team page: each colleague's status, role, last sign-in and the
// actions the team policy allows; the role choices in the client's language.
import { BUILT_IN_ROLE_KEYS, type ClientRoleKey, type CustomRole, type RequestI18n, teamActions } from '../../core/index.ts';
import type { ColleagueRequestRow } from './request-queries.ts';
import type { TeamMember } from './service.ts';

export interface RoleChoiceView {
  value: string;
  label: string;
}

/** The role choices: the built-in roles in the client's words, then the workspace's own by name. */
export function presentRoleChoices(i18n: Pick<RequestI18n, 't'>, roles: readonly CustomRole[]): RoleChoiceView[] {
  return [
    ...BUILT_IN_ROLE_KEYS.map((key) => ({ value: key, label: i18n.t(`team:roles.${key}`) })),
    ...roles.map((role) => ({ value: `custom:${role.id}`, label: role.name })),
  ];
}

/**
 * The invite form's role choices: only those the client admin may give (grantableRoles, from the
 * policy module), with the one to start from: the default role where it is among them.
 */
export function presentInviteRoles(
  i18n: Pick<RequestI18n, 't'>,
  roles: readonly CustomRole[],
  grantable: readonly string[],
  preferred: string,
): { choices: RoleChoiceView[]; chosen: string | null } {
  const choices = presentRoleChoices(i18n, roles).filter((choice) => grantable.includes(choice.value));
  return { choices, chosen: grantable.includes(preferred) ? preferred : (choices[0]?.value ?? null) };
}

function roleLabel(i18n: Pick<RequestI18n, 't'>, role: ClientRoleKey, customRoleId: string | null, roles: readonly CustomRole[]): string {
  if (role !== 'custom') return i18n.t(`team:roles.${role}`);
  return roles.find((r) => r.id === customRoleId)?.name ?? i18n.t('team:roles.removed');
}

export function presentMembers(
  i18n: Pick<RequestI18n, 't' | 'fmt'>,
  base: string,
  members: readonly TeamMember[],
  roles: readonly CustomRole[],
) {
  return members.map(({ contact, user, self }, index) => {
    const status = user?.status ?? null;
    const role = user ? (user.role === 'custom' ? `custom:${user.client_role_id}` : user.role) : null;
    return {
      rowId: `colleague-${index + 1}`,
      name: contact.name,
      email: contact.email,
      self,
      contactId: contact.id,
      userId: user?.id ?? null,
      status: status ?? 'not_invited',
      statusLabel: i18n.t(`team:status.${status ?? 'not_invited'}`),
      role,
      roleLabel: user ? roleLabel(i18n, user.role, user.client_role_id, roles) : null,
      lastSignIn: user?.last_sign_in_at ? i18n.fmt.dateTime(user.last_sign_in_at) : null,
      can: teamActions(status, self),
      roleHref: user ? `${base}/team/${encodeURIComponent(user.id)}/role` : null,
      disableHref: user ? `${base}/team/${encodeURIComponent(user.id)}/disable` : null,
    };
  });
}

/** The company's requests for new colleagues, as its team page lists them. */
export function presentCompanyRequests(i18n: Pick<RequestI18n, 't' | 'fmt'>, rows: readonly ColleagueRequestRow[]) {
  return rows.map((row) => ({
    name: row.name,
    email: row.email,
    askedAt: i18n.fmt.dateTime(row.requested_at),
    open: row.status === 'open',
    status: i18n.t(`team:request.status.${row.status}`, { at: row.decided_at ? i18n.fmt.dateTime(row.decided_at) : '' }),
    note: row.status === 'declined' ? row.decision_note : null,
  }));
}

// ---- the agency's side, in the staff member's language ----

export function presentRequestRow(
  base: string,
  request: ColleagueRequestRow,
  company: string | null,
  words: Pick<RequestI18n, 't' | 'fmt'>,
) {
  const { t, fmt } = words;
  return {
    href: `${base}/colleague-requests/${encodeURIComponent(request.id)}`,
    colleague: `${request.name} (${request.email})`,
    company: company ?? t('team:colleagues.clientNumber', { id: request.client_id }),
    requestedAt: fmt.dateTime(request.requested_at),
    decidedAt: request.decided_at ? fmt.dateTime(request.decided_at) : null,
    status: t(`team:colleagues.status.${request.status}`),
    open: request.status === 'open',
  };
}

/** The form value of a request's role: the one asked for, else what an invitation gives. */
export function requestedRoleValue(request: ColleagueRequestRow, fallback: string): string {
  if (request.role === 'custom') return request.client_role_id ? `custom:${request.client_role_id}` : fallback;
  return request.role ?? fallback;
}

/** The roles staff may give a new colleague: the built-in ones in the staff's words, then the workspace's own. */
export function presentStaffRoleChoices(t: RequestI18n['t'], roles: readonly CustomRole[], selected: string) {
  return [
    ...BUILT_IN_ROLE_KEYS.map((key) => ({ value: key, label: t(`staff:roles.builtIn.${key}.label`) })),
    ...roles.map((role) => ({ value: `custom:${role.id}`, label: role.name })),
  ].map((choice) => ({ ...choice, selected: choice.value === selected }));
}
