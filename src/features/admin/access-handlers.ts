// Who at a client sees what: a person's page (their role, what is hidden from them, and for every
// part of the portal whether they see it and why) and a company's page (what is hidden from
// everyone there, and each person's summary). A change is shown first as what it does and saved
// only when confirmed; saving logs it and ends the people's live streams, which reconnect under
// the new access.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  accessOf,
  announceAccessChanged,
  changePersonAccess,
  type ClientAccess,
  clientUserIdsOf,
  type CustomRole,
  type EventBus,
  findClientDenied,
  findClientUserWithAccess,
  findSettings,
  type HostAdapter,
  HttpError,
  insertStaffActivity,
  listClientUsers,
  listRoles,
  notFound,
  parseParam,
  renderAdminPage,
  type RoleChoice,
  roleFromForm,
  saveClientDenied,
  staffActor,
  staffContext,
  staffRoleName,
} from '../../core/index.ts';
import { staffWordsFor } from './access-refusals.ts';
import {
  describeAccessChange,
  presentAccessTable,
  presentHideFields,
  presentRoleOptions,
  roleValue,
  seenSummary,
} from './access-presenters.ts';
import { ClientIdParam, ClientUserIdParam, type AccessQueryInput, type CompanyAccessInput, type PersonAccessInput } from './commands.ts';

const CLIENT_USER_NOT_FOUND = 'We could not find that client user.';
const CLIENT_NOT_FOUND = 'We could not find that client.';
const ROLE_NOT_FOUND = 'That role no longer exists. Choose a role from the list.';

export function createAccessHandlers(deps: { db: Knex; adapter: HostAdapter; bus?: EventBus }) {
  const { db, adapter } = deps;

  const personHref = (res: Response, id: string, client?: string) =>
    `${staffContext(res).base}/clients/${encodeURIComponent(id)}/access${client ? `?client=${encodeURIComponent(client)}` : ''}`;
  const companyHref = (res: Response, clientId: string) => `${staffContext(res).base}/companies/${encodeURIComponent(clientId)}/access`;

  /** The person in the URL, in this workspace, with their contact and access. */
  async function loadPerson(req: Request, res: Response) {
    const { workspace } = staffContext(res);
    const id = parseParam(ClientUserIdParam, req.params.clientUserId);
    const user = await findClientUserWithAccess(db, workspace.id, id);
    if (!user) throw notFound(CLIENT_USER_NOT_FOUND);
    const [contact, client, settings, roles] = await Promise.all([
      adapter.contacts.findById(workspace.id, user.contact_id),
      adapter.clients.findById(workspace.id, user.client_id),
      findSettings(db, workspace.id),
      listRoles(db, workspace.id),
    ]);
    return { user, access: accessOf(user), contact, client, settings, roles };
  }

  /** The role the form chose, checked against the workspace's roles. */
  function chosenRole(value: string, roles: readonly CustomRole[]): { choice: RoleChoice; customRole: CustomRole | null } {
    const chosen = roleFromForm(value, roles);
    if (!chosen) throw new HttpError(400, ROLE_NOT_FOUND);
    const { customRole, ...choice } = chosen;
    return { choice, customRole };
  }

  async function loadCompany(req: Request, res: Response) {
    const { workspace } = staffContext(res);
    const clientId = parseParam(ClientIdParam, req.params.clientId);
    const client = await adapter.clients.findById(workspace.id, clientId);
    if (!client) throw notFound(CLIENT_NOT_FOUND);
    const [denied, settings, users, contacts] = await Promise.all([
      findClientDenied(db, workspace.id, client.id),
      findSettings(db, workspace.id),
      listClientUsers(db, workspace.id, { clientId: client.id }),
      adapter.contacts.list(workspace.id, { clientId: client.id }),
    ]);
    return { client, denied, settings, users, contacts };
  }

  return {
    showPerson: async (req: Request, res: Response) => {
      const { client: filter, saved } = res.locals.query as AccessQueryInput;
      const { base, i18n } = staffContext(res);
      const { t } = i18n;
      const person = await loadPerson(req, res);
      const name = person.contact?.name ?? person.user.email;
      renderAdminPage(req, res, 'admin/person-access', t('admin:clients.whatSees', { name }), {
        person: { id: person.user.id, name, email: person.user.email, company: person.client?.name ?? '' },
        roleOptions: presentRoleOptions(t, person.roles, roleValue(person.access, person.user.client_role_id)),
        hideFields: presentHideFields(t, person.access.personDenied, 'hide'),
        table: presentAccessTable(t, person.settings, person.access),
        companyHref: companyHref(res, person.user.client_id),
        securityLogHref: `${base}/clients/${encodeURIComponent(person.user.id)}/security-log`,
        rolesHref: `${base}/roles`,
        backHref: `${base}/clients${filter ? `?client=${encodeURIComponent(filter)}` : ''}`,
        action: personHref(res, person.user.id),
        filter: filter ?? '',
        notice: saved ? t('admin:access.saved') : null,
      });
    },

    savePerson: async (req: Request, res: Response) => {
      const input = req.body as PersonAccessInput;
      const { workspace, i18n } = staffContext(res);
      const { t } = i18n;
      const person = await loadPerson(req, res);
      const { choice, customRole } = chosenRole(input.role, person.roles);
      const after: ClientAccess = { ...person.access, role: choice.role, customRole, personDenied: input.denied };
      if (!input.confirmed) {
        const name = person.contact?.name ?? person.user.email;
        const changes = describeAccessChange(t, person.settings, person.access, after);
        const fields: Record<string, string> = { role: input.role, confirmed: 'on' };
        for (const permission of input.denied) fields[`hide_${permission}`] = 'on';
        if (input.client) fields.client = input.client;
        const title = t('admin:access.confirm.person', { name });
        return renderAdminPage(req, res, 'staff/confirm', title, {
          heading: title,
          consequences: changes.length ? [...changes, t('admin:access.confirm.followAtOnce')] : [t('admin:access.confirm.nothing')],
          action: personHref(res, person.user.id),
          fields,
          confirmLabel: t('admin:access.confirm.save'),
          cancelHref: personHref(res, person.user.id, input.client),
        });
      }
      await db.transaction(async (trx) => {
        // The agency is bounded by nothing but the workspace; the last client admin stays one.
        await changePersonAccess(trx, workspace.id, person.user, { ...choice, denied: input.denied }, null).catch(staffWordsFor);
        await insertStaffActivity(
          trx,
          staffActor(req, res),
          'client_user.access_changed',
          {
            role: { from: roleValue(person.access, person.user.client_role_id), to: input.role },
            hidden: { from: person.access.personDenied, to: input.denied },
          },
          { clientUserId: person.user.id, clientId: person.user.client_id, email: person.user.email },
        );
      });
      await announceAccessChanged(deps.bus, { workspaceId: workspace.id, clientUserIds: [person.user.id] });
      res.redirect(303, `${personHref(res, person.user.id, input.client)}${input.client ? '&' : '?'}saved=1`);
    },

    showCompany: async (req: Request, res: Response) => {
      const { saved } = res.locals.query as AccessQueryInput;
      const { base, workspace, i18n } = staffContext(res);
      const { t } = i18n;
      const company = await loadCompany(req, res);
      const roles = await listRoles(db, workspace.id);
      const contactNames = new Map(company.contacts.map((contact) => [contact.id, contact.name]));
      renderAdminPage(req, res, 'admin/company-access', t('admin:clients.whatSees', { name: company.client.name }), {
        company: { id: company.client.id, name: company.client.name },
        hideFields: presentHideFields(t, company.denied, 'company-hide'),
        people: company.users.map((user) => {
          const access: ClientAccess = {
            role: user.role,
            customRole: roles.find((role) => role.id === user.client_role_id) ?? null,
            clientDenied: company.denied,
            personDenied: user.denied_permissions,
          };
          return {
            name: contactNames.get(user.contact_id) ?? user.email,
            email: user.email,
            role: staffRoleName(t, access),
            sees: seenSummary(t, company.settings, access),
            href: personHref(res, user.id),
          };
        }),
        action: companyHref(res, company.client.id),
        backHref: `${base}/clients?client=${encodeURIComponent(company.client.id)}`,
        notice: saved ? t('admin:access.saved') : null,
      });
    },

    saveCompany: async (req: Request, res: Response) => {
      const input = req.body as CompanyAccessInput;
      const { workspace, staff, i18n } = staffContext(res);
      const { t } = i18n;
      const company = await loadCompany(req, res);
      if (!input.confirmed) {
        const name = company.client.name;
        const before: ClientAccess = { role: 'full', customRole: null, clientDenied: company.denied, personDenied: [] };
        const after: ClientAccess = { ...before, clientDenied: input.denied };
        const changes = describeAccessChange(t, company.settings, before, after, t('admin:access.confirm.everyoneAt', { name }));
        const fields: Record<string, string> = { confirmed: 'on' };
        for (const permission of input.denied) fields[`hide_${permission}`] = 'on';
        return renderAdminPage(req, res, 'staff/confirm', t('admin:access.confirm.person', { name }), {
          heading: t('admin:access.confirm.company', { name }),
          consequences: changes.length ? [...changes, t('admin:access.confirm.companyFollows')] : [t('admin:access.confirm.nothing')],
          action: companyHref(res, company.client.id),
          fields,
          confirmLabel: t('admin:access.confirm.save'),
          cancelHref: companyHref(res, company.client.id),
        });
      }
      await db.transaction(async (trx) => {
        await saveClientDenied(trx, workspace.id, company.client.id, input.denied, staff.id);
        await insertStaffActivity(
          trx,
          staffActor(req, res),
          'client.access_changed',
          { hidden: { from: company.denied, to: input.denied } },
          { clientId: company.client.id },
        );
      });
      await announceAccessChanged(deps.bus, {
        workspaceId: workspace.id,
        clientUserIds: await clientUserIdsOf(db, workspace.id, company.client.id),
      });
      res.redirect(303, `${companyHref(res, company.client.id)}?saved=1`);
    },
  };
}
