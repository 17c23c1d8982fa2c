// The agency's directory provisioning pages: the companies, and per company the address to paste
// into Entra ID or Okta, its tokens (create: shown once on the page the form leads to; revoke),
// and what provisioning gives its people (their role; whether missing contacts are created, where
// the host can create contacts). Every form goes back to the GET page (post/redirect/get).
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import {
  type FieldErrors,
  type HostAdapter,
  notFound,
  parseParam,
  type PortalConfig,
  renderAdminPage,
  staffActor,
  staffContext,
} from '../../core/index.ts';
import {
  ClientIdParam,
  type CreateTokenInput,
  type GroupRoleInput,
  type PageQueryInput,
  type SettingsInput,
  TokenIdParam,
} from './commands.ts';
import { deleteGroupRole, listGroupRoles, saveGroupRole } from './group-queries.ts';
import type { ScimGroups } from './scim-groups.ts';
import { presentTokens } from './presenters.ts';
import { findCompanySettings, listTokens, saveCompanySettings } from './queries.ts';
import type { Tokens } from './tokens.ts';
import type { Knex } from 'knex';

const COMPANY_NOT_FOUND = 'We could not find that company.';
const TOKEN_NOT_FOUND = 'We could not find that token.';

export function createDirectoryAdminHandlers(deps: {
  db: Knex;
  tokens: Tokens;
  groups: Pick<ScimGroups, 'mappingChanged'>;
  adapter: Pick<HostAdapter, 'clients' | 'contacts'>;
  config: Pick<PortalConfig, 'appUrl'>;
}) {
  const { db, tokens, groups, adapter, config } = deps;
  const listHref = (res: Response) => `${staffContext(res).base}/directory-provisioning`;
  const pageHref = (res: Response, clientId: string) => `${listHref(res)}/${encodeURIComponent(clientId)}`;
  const canCreateContacts = typeof adapter.contacts.create === 'function';

  const company = async (req: Request, res: Response) => {
    const clientId = parseParam(ClientIdParam, req.params.clientId);
    const found = await adapter.clients.findById(staffContext(res).workspace.id, clientId);
    if (!found) throw notFound(COMPANY_NOT_FOUND);
    return found;
  };

  async function showCompany(req: Request, res: Response, errors: FieldErrors = {}, status = 200) {
    const { workspace, i18n, portalBase } = staffContext(res);
    const client = await company(req, res);
    const href = pageHref(res, client.id);
    const [rows, settings, mappings, revealed] = await Promise.all([
      listTokens(db, workspace.id, client.id),
      findCompanySettings(db, workspace.id, client.id),
      listGroupRoles(db, workspace.id, client.id),
      // Only a page view shows (and so spends) a new token; a refused form's page leaves it waiting.
      status === 200 ? tokens.reveal(workspace.id, client.id) : Promise.resolve([]),
    ]);
    const notice = (res.locals.query as PageQueryInput | undefined)?.notice;
    const role = settings?.default_role ?? 'member';
    const roleLabel = (key: string) => i18n.t(`staff:roles.builtIn.${key}.label`);
    const roleChoices = (selected: string) =>
      (['member', 'billing', 'full', 'admin'] as const).map((key) => ({ value: key, label: roleLabel(key), selected: key === selected }));
    renderAdminPage(
      req,
      res,
      'directory-provisioning/company',
      i18n.t('directoryProvisioning:staff.companyTitle', { company: client.name }),
      {
        companyName: client.name,
        backHref: listHref(res),
        baseUrl: `${config.appUrl}${portalBase}/scim/v2`,
        notice: notice ? i18n.t(`directoryProvisioning:staff.notices.${notice}`) : null,
        revealed,
        tokens: presentTokens(href, rows, i18n.t, (date) => i18n.fmt.dateTime(date)),
        createAction: `${href}/tokens`,
        formId: randomUUID(),
        settingsAction: `${href}/settings`,
        roles: roleChoices(role),
        mappings: mappings.map((mapping) => ({ groupName: mapping.group_name, role: roleLabel(mapping.role) })),
        mapAction: `${href}/group-roles`,
        unmapAction: `${href}/group-roles/remove`,
        mapRoles: roleChoices('member'),
        canCreateContacts,
        createContacts: canCreateContacts && (settings?.create_contacts ?? false),
        errors,
      },
      status,
    );
  }

  return {
    list: async (req: Request, res: Response) => {
      const { workspace, i18n } = staffContext(res);
      const chosen = (res.locals.query as PageQueryInput | undefined)?.client;
      // The company chosen in the form (a GET, so it works without JavaScript) opens its page.
      if (chosen) return res.redirect(303, pageHref(res, chosen));
      const clients = await adapter.clients.list(workspace.id);
      renderAdminPage(req, res, 'directory-provisioning/companies', i18n.t('directoryProvisioning:staff.title'), {
        action: listHref(res),
        companies: [...clients].sort((a, b) => a.name.localeCompare(b.name)).map((client) => ({ value: client.id, label: client.name })),
      });
    },

    show: (req: Request, res: Response) => showCompany(req, res),
    invalid: (req: Request, res: Response, errors: FieldErrors) => showCompany(req, res, errors, 400),

    createToken: async (req: Request, res: Response) => {
      const client = await company(req, res);
      const input = req.body as CreateTokenInput;
      // The same form sent again creates nothing more, and leads to the same page.
      await tokens.create(staffActor(req, res), client.id, input.formId);
      res.redirect(303, `${pageHref(res, client.id)}?notice=created`);
    },

    revokeToken: async (req: Request, res: Response) => {
      const client = await company(req, res);
      const tokenId = parseParam(TokenIdParam, req.params.tokenId);
      const revoked = await tokens.revoke(staffActor(req, res), client.id, tokenId);
      if (!revoked) {
        const rows = await listTokens(db, staffContext(res).workspace.id, client.id);
        // Revoked already (a second click): the page says so as for the first.
        if (!rows.some((row) => row.id === tokenId)) throw notFound(TOKEN_NOT_FOUND);
      }
      res.redirect(303, `${pageHref(res, client.id)}?notice=revoked`);
    },

    saveSettings: async (req: Request, res: Response) => {
      const client = await company(req, res);
      const input = req.body as SettingsInput;
      await saveCompanySettings(db, staffContext(res).workspace.id, client.id, {
        default_role: input.defaultRole,
        create_contacts: canCreateContacts && input.createContacts,
      });
      res.redirect(303, `${pageHref(res, client.id)}?notice=saved`);
    },

    mapGroup: async (req: Request, res: Response) => {
      const client = await company(req, res);
      const input = req.body as GroupRoleInput;
      const { workspace } = staffContext(res);
      await saveGroupRole(db, workspace.id, client.id, input.groupName, input.role);
      // The members of the company's groups get the roles the mapping now says, at once.
      await groups.mappingChanged(workspace.id, client.id);
      res.redirect(303, `${pageHref(res, client.id)}?notice=mapped`);
    },

    unmapGroup: async (req: Request, res: Response) => {
      const client = await company(req, res);
      const { groupName } = req.body as { groupName: string };
      const { workspace } = staffContext(res);
      if (await deleteGroupRole(db, workspace.id, client.id, groupName)) await groups.mappingChanged(workspace.id, client.id);
      res.redirect(303, `${pageHref(res, client.id)}?notice=unmapped`);
    },
  };
}

export type DirectoryAdminHandlers = ReturnType<typeof createDirectoryAdminHandlers>;
