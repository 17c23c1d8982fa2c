// `npm run portal -- invite`: the portal's own invitation (portal.inviteContact: the admin page's
// checks, then the client user, a one-time link and the email in one transaction) for the CRM
// contact with an email. Says who was invited, where, and in whose name it was sent; the link
// itself goes by email only, except in development without SMTP_URL, where the email is printed.
import { z } from 'zod';
import type { HostContact, HostWorkspace, Inviter } from '../../src/index.ts';
import { StandaloneSetupError } from './binding.ts';
import type { StandalonePortal } from './portal-setup.ts';
import { STAFF_PATHS } from './staff-pages.ts';

/** Something about the CRM's data stops the invitation (not a setup mistake): exit code 1. */
export class InviteRefused extends Error {
  override name = 'InviteRefused';
}

export interface InviteRequest {
  email: string;
  workspace?: string | undefined;
  contact?: string | undefined;
}

async function findContacts(
  running: StandalonePortal,
  request: InviteRequest,
): Promise<Array<{ workspace: HostWorkspace; contact: HostContact }>> {
  const all = await running.host.listWorkspaces();
  const workspaces = request.workspace === undefined ? all : all.filter((workspace) => workspace.slug === request.workspace);
  if (workspaces.length === 0) {
    throw new StandaloneSetupError(
      `no workspace "${request.workspace}" in ${running.binding.crmName}; there are: ${all.map((w) => w.slug).join(', ') || 'none'}`,
    );
  }
  const found: Array<{ workspace: HostWorkspace; contact: HostContact }> = [];
  for (const workspace of workspaces) {
    for (const contact of await running.adapter.contacts.findByEmail(workspace.id, request.email)) found.push({ workspace, contact });
  }
  return request.contact === undefined ? found : found.filter(({ contact }) => contact.id === request.contact);
}

const emailAddress = z.email().max(320);

/**
 * Whom the invitation names, and the sentence saying so. A CRM that keeps the agency's own name
 * and email (Dolibarr's company settings) sends in the agency's name, replies going to that email,
 * else to MAIL_FROM; another names the workspace's first admin, else its first staff member, else
 * the agency too.
 */
async function chooseSender(running: StandalonePortal, workspace: HostWorkspace): Promise<{ inviter: Inviter; said: string }> {
  const { host, adapter, binding, settings } = running;
  const agency = host.agencySender ? await host.agencySender(workspace.id) : null;
  if (!agency) {
    const admins = (await adapter.staff.listAdmins?.(workspace.id)) ?? [];
    const staff = admins[0] ?? ((await adapter.staff.list?.(workspace.id)) ?? [])[0];
    if (staff)
      return { inviter: staff, said: `Sent in the name of ${staff.name} <${staff.email}>, from MAIL_FROM (${settings.mailFrom}).` };
  }
  const name = agency?.name ?? workspace.name;
  const email = agency?.email ?? null;
  if (email && emailAddress.safeParse(email).success)
    return {
      inviter: { agency: { replyTo: email } },
      said: `Sent in the name of ${name}, from MAIL_FROM (${settings.mailFrom}); replies go to ${email}, ${binding.crmName}'s company email.`,
    };
  // A file's staff: none says so itself: no staff member was missed, none is ever emailed.
  const why = !agency
    ? host.noStaffSignIn
      ? 'the file says staff: none, so no staff member is emailed or named as its sender'
      : `${binding.crmName} has no staff user with an email for ${workspace.slug}`
    : email
      ? `${binding.crmName}'s company email "${email}" is not an email address`
      : `${binding.crmName}'s company settings have no email`;
  return {
    inviter: { agency: { replyTo: null } },
    said: `Sent in the name of ${name}, from MAIL_FROM (${settings.mailFrom}), where replies go too: ${why}.`,
  };
}

export async function inviteContact(running: StandalonePortal, request: InviteRequest): Promise<string> {
  const { portal, binding } = running;
  const found = await findContacts(running, request);
  if (found.length === 0) {
    throw new InviteRefused(
      `no enabled ${binding.crmName} contact with the email ${request.email}${request.contact ? ` and id ${request.contact}` : ''} (a contact needs that email, and a client company in activity)`,
    );
  }
  if (found.length > 1) {
    const lines = found.map(
      ({ workspace, contact }) => `  --workspace ${workspace.slug} --contact ${contact.id}   ${contact.name}, ${contact.clientName}`,
    );
    throw new InviteRefused(`${found.length} contacts have the email ${request.email}; choose one:\n${lines.join('\n')}`);
  }
  const { workspace, contact } = found[0]!;
  if (!portal.isEnabledFor(workspace)) {
    throw new InviteRefused(
      `the client portal is off for ${workspace.slug}: switch the customer_portal_enabled flag on for it (FLAGS_FILE or Unleash), then invite`,
    );
  }
  const { inviter, said } = await chooseSender(running, workspace);
  // The admin page's checks (the contact's access can be invited, its email is its own), said as
  // an HttpError the command line prints.
  const { again } = await portal.inviteContact(workspace, contact.id, inviter, { ip: null, userAgent: 'npm run portal -- invite' });
  // Deliver now rather than on the outbox worker's next round: the command exits next.
  const sent = await portal.drainOutbox();
  const signIn = `${running.settings.appUrl}${STAFF_PATHS.portal}/${workspace.slug}/sign-in`;
  return `${again ? 'Invited again' : 'Invited'} ${contact.name} <${contact.email.trim()}> of ${contact.clientName} to the ${workspace.name} portal (workspace ${workspace.slug}); ${sent === 0 ? 'the invitation is queued: the mail server did not take it yet (the serve command retries it)' : running.outbox ? 'SMTP_URL is unset, so the invitation is printed above instead of emailed' : 'the invitation was emailed'}. ${said} Sign-in page: ${signIn}`;
}
