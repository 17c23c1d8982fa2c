// What a company's directory does to its people, each change in one transaction: create (linked
// to the host's contact with that email, or a contact created as the host's own screen creates
// one where the company's provisioning allows it), replace, patch, deactivate, reactivate and
// delete. Deactivating goes through the core's one disable path (disablePerson): disabled, every
// session deleted and every invitation, link and code voided in the same transaction, then every
// instance told to close the person's live streams. Each change is logged with the token that made it.
import type { Knex } from 'knex';
import {
  type ActivityEvent,
  announceSessionsEnded,
  type BuiltInRole,
  disablePerson,
  type EventBus,
  findClientUserById,
  type HostAdapter,
  insertActivity,
  insertClientUser,
  isWriteConflict,
  setClientUserStatus,
  statusWhenReenabled,
  voidClientUserLinks,
} from '../../core/index.ts';
import { type ScimState, stateOfBody, type UserBodyInput } from './scim-commands.ts';
import { notFoundScim, ScimError } from './scim-errors.ts';
import {
  findByEmailAnyCompany,
  findCompanySettings,
  findPerson,
  lockEmail,
  lockPerson,
  markPersonDeleted,
  savePerson,
  type ScimPersonRow,
  type TokenRow,
} from './queries.ts';

/** Who makes the change: the company's token, and the request's trail. */
export interface ScimActor {
  token: Pick<TokenRow, 'id' | 'workspace_id' | 'client_id' | 'prefix'>;
  meta: { ip: string | null; userAgent: string | null };
}

const DEFAULT_SETTINGS = { default_role: 'member' as BuiltInRole, create_contacts: false };

const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';
const taken = () => new ScimError(409, 'A person with this userName already exists.', 'uniqueness');

function stateOf(row: ScimPersonRow): ScimState {
  return {
    userName: row.email,
    externalId: row.external_id,
    givenName: row.given_name,
    familyName: row.family_name,
    displayName: row.display_name,
    active: row.status !== 'disabled',
  };
}

export function createScimPeople(deps: {
  db: Knex;
  adapter: Pick<HostAdapter, 'contacts'>;
  bus: EventBus;
  onError: (message: string, err: unknown) => void;
}) {
  const { db, adapter, bus } = deps;

  const log = (trx: Knex.Transaction, actor: ScimActor, event: ActivityEvent, person: { id: string; email: string }, details = {}) =>
    insertActivity(trx, {
      workspaceId: actor.token.workspace_id,
      event,
      clientUserId: person.id,
      clientId: actor.token.client_id,
      email: person.email,
      details: { tokenId: actor.token.id, tokenPrefix: actor.token.prefix, ...details },
      ...actor.meta,
    });

  /**
   * Turns the person's access on or off in the caller's transaction; true when their sessions were
   * ended (to be announced after the commit).
   */
  async function setActive(trx: Knex.Transaction, actor: ScimActor, personId: string, active: boolean): Promise<boolean> {
    const workspaceId = actor.token.workspace_id;
    const user = await findClientUserById(trx, workspaceId, personId);
    if (!user) throw notFoundScim();
    if (!active && user.status !== 'disabled') {
      // The directory's word that the person left wins even over the last client admin.
      const ended = await disablePerson(trx, workspaceId, user, { keepAnAdmin: false });
      await log(trx, actor, 'directory.person_deactivated', user, ended);
      return true;
    }
    if (active && user.status === 'disabled') {
      const status = statusWhenReenabled(user);
      await setClientUserStatus(trx, workspaceId, user.id, status);
      // As the agency's re-enable: nothing sent before the disable opens the account again.
      await voidClientUserLinks(trx, workspaceId, user.id);
      await log(trx, actor, 'directory.person_reactivated', user, { status });
    }
    return false;
  }

  /** The person's fields the directory keeps, saved; their access turned on or off as `active` says. */
  async function write(trx: Knex.Transaction, actor: ScimActor, person: Pick<ScimPersonRow, 'id' | 'email'>, state: ScimState) {
    await savePerson(trx, actor.token.workspace_id, actor.token.client_id, person.id, state);
    return setActive(trx, actor, person.id, state.active);
  }

  /** The person, locked for this transaction's change (the same change sent at once is made in turn). */
  async function locked(trx: Knex.Transaction, actor: ScimActor, id: string): Promise<ScimPersonRow> {
    const { workspace_id: workspaceId, client_id: clientId } = actor.token;
    const row = (await lockPerson(trx, workspaceId, clientId, id)) ? await findPerson(trx, workspaceId, clientId, id) : null;
    if (!row) throw notFoundScim();
    return row;
  }

  async function reread(actor: ScimActor, id: string): Promise<ScimPersonRow> {
    const row = await findPerson(db, actor.token.workspace_id, actor.token.client_id, id);
    if (!row) throw notFoundScim();
    return row;
  }

  const announce = async (actor: ScimActor, id: string, ended: boolean) => {
    if (ended) {
      await announceSessionsEnded(bus, { workspaceId: actor.token.workspace_id, clientUserId: id, reason: 'user-disabled' }, deps.onError);
    }
  };

  /**
   * The host contact the person signs in as: the company's contact with that email (found before
   * the transaction: the host's read takes a connection of its own, which a burst of creates
   * waiting on one another's lock must not be left without), or one created in the transaction.
   */
  async function contactFor(
    trx: Knex.Transaction,
    actor: ScimActor,
    state: ScimState,
    found: string | null,
    createContacts: boolean,
  ): Promise<string> {
    if (found) return found;
    if (!createContacts || !adapter.contacts.create) {
      throw new ScimError(
        400,
        'The company has no contact with this email in the CRM. Add the contact there first, or ask the agency to let provisioning create contacts.',
        'invalidValue',
      );
    }
    const name = state.displayName ?? ([state.givenName, state.familyName].filter(Boolean).join(' ') || state.userName);
    const created = await adapter.contacts.create(
      actor.token.workspace_id,
      actor.token.client_id,
      { name, email: state.userName },
      // The directory's request is where the contact comes from: a host that records it keeps it.
      { trx, ip: actor.meta.ip },
    );
    // The host refused it as its own screen would (Dolibarr: an extra field the agency made
    // required with no default): the person cannot be linked until the contact exists there.
    if (!created) {
      throw new ScimError(
        400,
        'The CRM could not create a contact for this person (it asks for more than a name and an email). Add the contact there first.',
        'invalidValue',
      );
    }
    return created.id;
  }

  return {
    find: reread,

    async create(actor: ScimActor, body: UserBodyInput): Promise<ScimPersonRow> {
      const { workspace_id: workspaceId, client_id: clientId } = actor.token;
      const input = stateOfBody(body);
      const state: ScimState = { ...input, active: input.active ?? true };
      let ended = false;
      const contacts = await adapter.contacts.findByEmail(workspaceId, state.userName);
      const found = contacts.find((contact) => contact.clientId === clientId)?.id ?? null;
      const id = await db
        .transaction(async (trx) => {
          // The same person sent at once (a directory's retries) is created once; the rest are told it exists.
          await lockEmail(trx, workspaceId, state.userName);
          const existing = await findByEmailAnyCompany(trx, workspaceId, state.userName);
          if (existing) {
            // Only a person this company's directory deleted comes back through a create.
            if (existing.client_id !== clientId || !existing.deleted_at) throw taken();
            ended = await write(trx, actor, { id: existing.id, email: state.userName }, state);
            await log(trx, actor, 'directory.person_provisioned', { id: existing.id, email: state.userName }, { returned: true });
            return existing.id;
          }
          const settings = (await findCompanySettings(trx, workspaceId, clientId)) ?? DEFAULT_SETTINGS;
          const contactId = await contactFor(trx, actor, state, found, settings.create_contacts);
          // No invitation email: the person signs in with their company's account or an emailed code.
          const user = await insertClientUser(trx, {
            workspaceId,
            clientId,
            contactId,
            email: state.userName,
            status: state.active ? 'invited' : 'disabled',
            role: settings.default_role,
          });
          await savePerson(trx, workspaceId, clientId, user.id, state);
          await log(trx, actor, 'directory.person_provisioned', user, { role: settings.default_role, active: state.active });
          return user.id;
        })
        .catch((err: unknown) => {
          // Another portal account already signs in as this contact or email, or another request
          // is creating this very person and held the email's lock past the lock timeout.
          throw isUniqueViolation(err) || isWriteConflict(err) ? taken() : err;
        });
      await announce(actor, id, ended);
      return reread(actor, id);
    },

    /** PUT and PATCH alike: the person's new state, as a whole. */
    async update(actor: ScimActor, id: string, next: (current: ScimState) => ScimState): Promise<ScimPersonRow> {
      let ended = false;
      await db.transaction(async (trx) => {
        const row = await locked(trx, actor, id);
        const current = stateOf(row);
        const state = next(current);
        if (state.userName !== current.userName) {
          // The sign-in email is the person's own to change (the account page, confirmed by email).
          throw new ScimError(400, 'userName cannot be changed through provisioning.', 'mutability');
        }
        ended = await write(trx, actor, row, state);
        const { active: _active, ...fields } = state;
        const { active: _before, ...previous } = current;
        if (JSON.stringify(fields) !== JSON.stringify(previous)) await log(trx, actor, 'directory.person_updated', row);
      });
      await announce(actor, id, ended);
      return reread(actor, id);
    },

    /**
     * DELETE: the person is disabled as on a deactivation and hidden from the directory (404 from
     * then on), but their portal account and history stay, for the agency and the person's data
     * rights: erasing a person is the privacy process's, not a directory's.
     */
    async remove(actor: ScimActor, id: string): Promise<void> {
      let ended = false;
      await db.transaction(async (trx) => {
        const row = await locked(trx, actor, id);
        ended = await setActive(trx, actor, row.id, false);
        await savePerson(trx, actor.token.workspace_id, actor.token.client_id, row.id, stateOf(row));
        await markPersonDeleted(trx, actor.token.workspace_id, row.id);
        await log(trx, actor, 'directory.person_deleted', row);
      });
      await announce(actor, id, ended);
    },
  };
}

export type ScimPeople = ReturnType<typeof createScimPeople>;
