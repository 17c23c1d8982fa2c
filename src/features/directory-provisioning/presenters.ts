// Rows into what is shown: a person as a SCIM User resource (the directory reads it back and
// compares), and the staff page's tokens. A token is shown by its prefix only; its value once,
// on the page after its creation.
import type { Translate } from '../../core/index.ts';
import type { ScimPersonRow, TokenRow } from './queries.ts';
import type { GroupWithMembers } from './scim-groups.ts';
import { GROUP_SCHEMA, USER_SCHEMA } from './scim-schemas.ts';

export function presentUser(base: string, row: ScimPersonRow) {
  const formatted = [row.given_name, row.family_name].filter(Boolean).join(' ');
  const name = {
    ...(row.given_name ? { givenName: row.given_name } : {}),
    ...(row.family_name ? { familyName: row.family_name } : {}),
    ...(formatted ? { formatted } : {}),
  };
  return {
    schemas: [USER_SCHEMA],
    id: row.id,
    ...(row.external_id ? { externalId: row.external_id } : {}),
    userName: row.email,
    ...(Object.keys(name).length > 0 ? { name } : {}),
    ...(row.display_name ? { displayName: row.display_name } : {}),
    emails: [{ value: row.email, type: 'work', primary: true }],
    active: row.status !== 'disabled',
    meta: {
      resourceType: 'User',
      created: row.created_at.toISOString(),
      lastModified: row.updated_at.toISOString(),
      location: `${base}/Users/${row.id}`,
    },
  };
}

export function presentGroup(base: string, group: GroupWithMembers, withMembers = true) {
  return {
    schemas: [GROUP_SCHEMA],
    id: group.id,
    displayName: group.display_name,
    ...(group.external_id ? { externalId: group.external_id } : {}),
    ...(withMembers
      ? { members: group.members.map((m) => ({ value: m.client_user_id, display: m.email, $ref: `${base}/Users/${m.client_user_id}` })) }
      : {}),
    meta: {
      resourceType: 'Group',
      created: group.created_at.toISOString(),
      lastModified: group.updated_at.toISOString(),
      location: `${base}/Groups/${group.id}`,
    },
  };
}

export interface TokenView {
  id: string;
  prefix: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string;
  status: string;
  revoked: boolean;
  revokeAction: string;
}

export function presentTokens(pageHref: string, rows: readonly TokenRow[], t: Translate, date: (value: Date) => string): TokenView[] {
  return rows.map((row) => ({
    id: row.id,
    prefix: `${row.prefix}…`,
    createdBy: row.created_by_staff_name,
    createdAt: date(row.created_at),
    lastUsedAt: row.last_used_at ? date(row.last_used_at) : t('directoryProvisioning:staff.neverUsed'),
    status: t(row.revoked_at ? 'directoryProvisioning:staff.revoked' : 'directoryProvisioning:staff.active'),
    revoked: row.revoked_at !== null,
    revokeAction: `${pageHref}/tokens/${encodeURIComponent(row.id)}/revoke`,
  }));
}
