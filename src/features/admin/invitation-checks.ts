// What must hold before a contact is invited (or invited again), wherever the invitation starts:
// the admin page's Invite button or a host's command line (`npm run portal -- invite`). The answer
// is an HttpError a person can act on: the contact is gone (404), its access cannot be invited in
// its current state, it has no email, or another contact already signs in with that email (409).
import type { Knex } from 'knex';
import {
  authorizeClientUserAction,
  type ClientUserRow,
  findClientUserByContact,
  findClientUserByEmail,
  type HostAdapter,
  type HostContact,
  type HostWorkspace,
  HttpError,
  notFound,
} from '../../core/index.ts';

export const CONTACT_NOT_FOUND = 'We could not find that contact.';

export interface InvitableContact {
  contact: HostContact;
  /** The contact's client user when it was invited before: the invitation is then sent again. */
  existing: ClientUserRow | null;
}

export async function checkInvitation(
  db: Knex,
  adapter: HostAdapter,
  workspace: HostWorkspace,
  contactId: string,
): Promise<InvitableContact> {
  const contact = await adapter.contacts.findById(workspace.id, contactId);
  if (!contact) throw notFound(CONTACT_NOT_FOUND);
  const existing = await findClientUserByContact(db, workspace.id, contact.id);
  authorizeClientUserAction(existing?.status ?? null, existing ? 'resend_invitation' : 'invite');
  // Sign-in is by email, so one email can belong to only one client user in a workspace.
  if (!contact.email.trim()) throw new HttpError(409, `${contact.name} has no email address in the CRM. Add one, then invite them.`);
  const sameEmail = await findClientUserByEmail(db, workspace.id, contact.email.trim());
  if (sameEmail && sameEmail.contact_id !== contact.id) {
    throw new HttpError(
      409,
      `Another contact already signs in to the portal with ${contact.email.trim()}. Give ${contact.name} their own email address in the CRM first.`,
    );
  }
  return { contact, existing };
}
