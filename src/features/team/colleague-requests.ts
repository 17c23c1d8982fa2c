// A client admin asks the agency to add a colleague who is not among the company's contacts yet;
// the agency adds them and the portal invites them, or declines with a reason the client admin
// reads on the team page. Adding goes through the host's contacts port where the host allows
// creating contacts (the contact, the decision and its activity entry in one transaction; then
// the invitation); elsewhere staff add the contact in their CRM first and the portal finds it there
// by its email. The client admin asks for a role; staff give that one or another of the
// workspace's, in the invitation's transaction. Asking tells the agency at once
// (notifications/rules.ts); the answer is emailed to the client admin who asked, queued with the
// decision.
import type { Knex } from 'knex';
import {
  AccessChangeRefused,
  type CustomRole,
  findClientUserByContact,
  findClientUserByEmail,
  findClientUserById,
  findSettings,
  type HostAdapter,
  type HostContact,
  type HostWorkspace,
  insertActivity,
  insertClientActivity,
  isLocale,
  listRoles,
  type Mailer,
  type MailMessage,
  mayUsePortal,
  notFound,
  type PortalLinks,
  refusal,
  type RoleChoice,
  roleFromForm,
  roleName,
  type StaffActor,
  translator,
} from '../../core/index.ts';
import { type AuthService, emailLocale } from '../account/index.ts';
import { colleagueAnsweredEmail } from './emails.ts';
import {
  type ColleagueRequestRow,
  decideColleagueRequest,
  findColleagueRequest,
  insertColleagueRequest,
  listCompanyRequests,
  listWorkspaceRequests,
} from './request-queries.ts';
import type { TeamActor } from './service.ts';

export interface ColleagueRequestsDeps {
  db: Knex;
  adapter: HostAdapter;
  auth: AuthService;
  mailer: Mailer;
  /** The workspace's portal address in the answer's link. */
  links: PortalLinks;
  now: () => Date;
}

/** A role from a form: a built-in one, or one of these (the workspace's own) roles; null for anything else. */
function roleChoice(value: string, roles: readonly CustomRole[]): { choice: RoleChoice; name: string } | null {
  const chosen = roleFromForm(value, roles);
  if (!chosen) return null;
  const { customRole, ...choice } = chosen;
  return { choice, name: roleName({ role: choice.role, customRole }) };
}

export function createColleagueRequests(deps: ColleagueRequestsDeps) {
  const { db, adapter } = deps;
  const canCreate = typeof adapter.contacts.create === 'function';

  /** The company's contact with this email, if any (the host may hold it more than once: the first). */
  async function companyContact(workspaceId: string, clientId: string, email: string): Promise<HostContact | null> {
    const contacts = await adapter.contacts.findByEmail(workspaceId, email);
    return contacts.find((contact) => contact.clientId === clientId) ?? null;
  }

  /** The answer for the client admin who asked, in their language; null when they no longer use the portal. */
  async function answerEmail(workspace: HostWorkspace, request: ColleagueRequestRow, added: boolean, note: string | null) {
    const requester = await findClientUserById(db, workspace.id, request.requested_by);
    if (!requester || !mayUsePortal(requester.status)) return null;
    const settings = await findSettings(db, workspace.id);
    const t = translator(emailLocale(requester.locale, isLocale(settings.defaultLocale) ? settings.defaultLocale : null));
    const url = `${await deps.links.baseOf(workspace)}/team`;
    return colleagueAnsweredEmail(t, { to: requester.email, workspace, colleague: request.name, added, note, url });
  }

  const send = (trx: Knex.Transaction, message: MailMessage | null) => (message ? deps.mailer.send(message, { trx }) : undefined);

  const logFor = (
    trx: Knex.Transaction,
    request: ColleagueRequestRow,
    event: 'team.colleague_added' | 'team.colleague_declined',
    actor: StaffActor,
    extra: Record<string, unknown>,
  ) =>
    insertActivity(trx, {
      workspaceId: request.workspace_id,
      event,
      clientUserId: request.requested_by,
      clientId: request.client_id,
      details: { requestId: request.id, colleagueEmail: request.email, colleagueName: request.name, staffId: actor.staff.id, ...extra },
      ...actor.meta,
    });

  return {
    /** Whether staff can add a contact from the portal (else they add it in the CRM first). */
    canCreate,

    /** A client admin's request. Refused when the company already has that colleague, or asked for them already. */
    async ask(actor: TeamActor, input: { name: string; email: string; note: string | null; role: string }): Promise<ColleagueRequestRow> {
      const [existing, roles] = await Promise.all([
        companyContact(actor.workspace.id, actor.user.client_id, input.email),
        listRoles(db, actor.workspace.id),
      ]);
      if (existing) throw refusal(actor.t('team:request.refused.known', { name: existing.name }));
      const role = roleChoice(input.role, roles);
      if (!role) throw refusal(actor.t('team:refused.roleGone'));
      const request = await db.transaction(async (trx) => {
        const row = await insertColleagueRequest(trx, {
          workspaceId: actor.workspace.id,
          clientId: actor.user.client_id,
          requestedBy: actor.user.id,
          name: input.name,
          email: input.email,
          note: input.note,
          role: role.choice,
        });
        if (!row) return null;
        await insertClientActivity(trx, actor, 'team.colleague_requested', {
          requestId: row.id,
          colleagueEmail: row.email,
          colleagueName: row.name,
          roleName: role.name,
        });
        return row;
      });
      if (!request) throw refusal(actor.t('team:request.refused.asked', { email: input.email.toLowerCase() }));
      return request;
    },

    /** The company's requests for its team page. */
    forCompany: (workspaceId: string, clientId: string) => listCompanyRequests(db, workspaceId, clientId),

    /** The workspace's requests with their companies' names, for the agency's list. */
    async list(workspaceId: string): Promise<Array<{ request: ColleagueRequestRow; company: string | null }>> {
      const requests = await listWorkspaceRequests(db, workspaceId);
      const ids = [...new Set(requests.map((r) => r.client_id))];
      const clients = adapter.clients.findByIds
        ? await adapter.clients.findByIds(workspaceId, ids)
        : (await adapter.clients.list(workspaceId)).filter((client) => ids.includes(client.id));
      const names = new Map(clients.map((client) => [client.id, client.name]));
      return requests.map((request) => ({ request, company: names.get(request.client_id) ?? null }));
    },

    /**
     * One request with who asked, the company, the contact the CRM already has for it (if any), and
     * the workspace's roles to give.
     */
    async review(workspaceId: string, id: string) {
      const request = await findColleagueRequest(db, workspaceId, id);
      if (!request) return null;
      const [requester, company, contact, roles] = await Promise.all([
        findClientUserById(db, workspaceId, request.requested_by),
        adapter.clients.findById(workspaceId, request.client_id),
        request.status === 'open' ? companyContact(workspaceId, request.client_id, request.email) : Promise.resolve(null),
        listRoles(db, workspaceId),
      ]);
      return { request, requester, company, contact, roles };
    },

    /**
     * Adds the colleague: the CRM's contact (created through the port, or the one staff added) and
     * an invitation with the role staff gave, one of this workspace's ('unknownRole' for anything
     * else). 'decided' when the request was decided meanwhile.
     */
    async add(actor: StaffActor, id: string, roleValue: string): Promise<'added' | 'decided' | 'unknownRole'> {
      const [request, roles] = await Promise.all([findColleagueRequest(db, actor.workspace.id, id), listRoles(db, actor.workspace.id)]);
      if (!request) throw notFound(actor.t('team:staffRefused.requestNotFound'));
      const role = roleChoice(roleValue, roles);
      if (!role) return 'unknownRole';
      if (request.status !== 'open') return 'decided';
      const found = await companyContact(actor.workspace.id, request.client_id, request.email);
      if (!found && !canCreate) throw refusal(actor.t('team:staffRefused.addToCrmFirst', { email: request.email }));
      // Portal sign-in addresses are unique in a workspace: another contact's would refuse the invitation.
      const signsIn = await findClientUserByEmail(db, actor.workspace.id, request.email);
      if (signsIn && signsIn.contact_id !== found?.id) throw refusal(actor.t('team:staffRefused.emailTaken', { email: request.email }));
      const answer = await answerEmail(actor.workspace, request, true, null);
      const contact = await db.transaction(async (trx) => {
        const added =
          found ??
          (await adapter.contacts.create!(actor.workspace.id, request.client_id, { name: request.name, email: request.email }, { trx }));
        if (!added) throw notFound(actor.t('team:staffRefused.companyGone'));
        const decided = await decideColleagueRequest(trx, actor.workspace.id, id, {
          status: 'added',
          staffId: actor.staff.id,
          note: null,
          contactId: added.id,
          at: deps.now(),
        });
        if (!decided) return null;
        await logFor(trx, request, 'team.colleague_added', actor, { contactId: added.id, created: !found, roleName: role.name });
        await send(trx, answer);
        return added;
      });
      if (!contact) return 'decided';
      // The invitation is its own transaction (the client user with the role, the link and its
      // email): should it fail, the contact is in the CRM and staff invite them from the client
      // users page. Someone who already has access keeps it, and their role, as they are.
      const user = await findClientUserByContact(db, actor.workspace.id, contact.id);
      if (!user || user.status === 'invited')
        await deps.auth
          .invite(actor.workspace, contact.id, { id: actor.staff.id, name: actor.staff.name }, actor.meta, { role: role.choice })
          .catch((err: unknown) => {
            // The role was removed between the choice and the invitation (the role is locked while given).
            if (err instanceof AccessChangeRefused) throw refusal(actor.t('team:staffRefused.roleGone', { name: contact.name }));
            throw err;
          });
      return 'added';
    },

    /** Declines an open request with a reason the client admin reads; false when decided meanwhile. */
    async decline(actor: StaffActor, id: string, note: string): Promise<boolean> {
      const request = await findColleagueRequest(db, actor.workspace.id, id);
      if (!request) throw notFound(actor.t('team:staffRefused.requestNotFound'));
      const answer = request.status === 'open' ? await answerEmail(actor.workspace, request, false, note) : null;
      return db.transaction(async (trx) => {
        const decided = await decideColleagueRequest(trx, actor.workspace.id, id, {
          status: 'declined',
          staffId: actor.staff.id,
          note,
          contactId: null,
          at: deps.now(),
        });
        if (decided) {
          await logFor(trx, request, 'team.colleague_declined', actor, { note });
          await send(trx, answer);
        }
        return decided;
      });
    },
  };
}

export type ColleagueRequests = ReturnType<typeof createColleagueRequests>;
