// Alga PSA's client permissions: what a contact's client login may do in Alga's own client portal,
// read the way Alga's checks read them (its client-portal actions' hasClientBillingReadPermission,
// and hasPermission for the rest): user_roles → roles → role_permissions → permissions, here
// limited to client roles (roles.client), every join on the tenant. A contact with no client login
// holds what Alga's portal invitation would give it (the client role 'Admin' for a client admin
// contact, 'User' otherwise: portalInvitationActions), which is also the role the binding gives
// the login it creates (users.ts createClientLogin). A login staff disabled in Alga
// (users.is_inactive) holds nothing. One query for any number of contacts.
import type { Db } from './db.ts';
import { notInactive } from './db.ts';

export interface ContactPermissionRow {
  contact_id: string;
  resource: string;
  action: string;
}

const GRANTS_OF_ROLE = `join role_permissions rp on rp.tenant = r.tenant and rp.role_id = r.role_id
  join permissions p on p.tenant = rp.tenant and p.permission_id = rp.permission_id`;

export async function contactPermissions(db: Db, tenant: string, contactIds: string[]): Promise<ContactPermissionRow[]> {
  const { rows } = await db.raw<{ rows: ContactPermissionRow[] }>(
    `select u.contact_id, p.resource, p.action
       from users u
       join user_roles ur on ur.tenant = u.tenant and ur.user_id = u.user_id
       join roles r on r.tenant = ur.tenant and r.role_id = ur.role_id and r.client
       ${GRANTS_OF_ROLE}
      where u.tenant = ? and u.user_type = 'client' and u.contact_id = any(?::uuid[]) and ${notInactive('u.is_inactive')}
     union
     select c.contact_name_id, p.resource, p.action
       from contacts c
       join roles r on r.tenant = c.tenant and r.client
        and r.role_name = case when coalesce(c.is_client_admin, false) then 'Admin' else 'User' end
       ${GRANTS_OF_ROLE}
      where c.tenant = ? and c.contact_name_id = any(?::uuid[])
        and not exists (select 1 from users u where u.tenant = c.tenant and u.contact_id = c.contact_name_id and u.user_type = 'client')`,
    [tenant, contactIds, tenant, contactIds],
  );
  return rows;
}
