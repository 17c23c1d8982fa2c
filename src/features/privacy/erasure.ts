// A person's request to have their data erased, and the agency's decision. The person asks (and
// may withdraw while it is open); the agency approves or declines with a reason. Approval removes
// or anonymises, in one transaction, what the portal holds about the person (each module's
// personal-data hook, the core's last) and logs the act under an id that no longer names anyone; the host's records are never touched.
// The person is told of the decision by email, in their language; approval signs them out everywhere.
import type { Knex } from 'knex';
import {
  announceSessionsEnded,
  type ClientUserRow,
  type ErasedPerson,
  type EventBus,
  type FileStorage,
  findClientUserById,
  findClientUsersByIds,
  findSettings,
  type HostAdapter,
  type HostWorkspace,
  insertActivity,
  insertClientActivity,
  isLocale,
  type Mailer,
  type PersonalDataHook,
  type PortalLogger,
  type StaffActor,
  translator,
} from '../../core/index.ts';
import { emailLocale } from '../account/index.ts';
import { erasureDecidedEmail } from './emails.ts';
import type { PrivacyActor } from './exports.ts';
import {
  countInOneStatement,
  decideErasureRequest,
  findErasureRequest,
  insertErasureRequest,
  latestErasureRequest,
  listErasureRequests,
  lockOpenErasureRequest,
  withdrawErasureRequest,
  type ErasureRequestRow,
} from './queries.ts';

const REQUESTS_LISTED = 100;

export interface ErasureDeps {
  db: Knex;
  adapter: HostAdapter;
  storage: FileStorage;
  mailer: Mailer;
  bus?: EventBus;
  now: () => Date;
  logger: PortalLogger;
  /** Every module's part of a person's data, in the archive's order (known once every feature exists). */
  personalData: () => readonly PersonalDataHook[];
}

export type Decision = { approve: true; note: string | null } | { approve: false; note: string };

export function createErasure(deps: ErasureDeps) {
  const { db, now } = deps;

  async function decisionEmail(workspace: HostWorkspace, user: ClientUserRow, approved: boolean, note: string | null) {
    const settings = await findSettings(db, workspace.id);
    const t = translator(emailLocale(user.locale, isLocale(settings.defaultLocale) ? settings.defaultLocale : null));
    return erasureDecidedEmail(t, { to: user.email, workspace, approved, note });
  }

  return {
    latest: (workspaceId: string, clientUserId: string) => latestErasureRequest(db, workspaceId, clientUserId),

    /** Records the request and notifies the agency; 'already' when one is open. */
    async request(actor: PrivacyActor, reason: string | null): Promise<'requested' | 'already'> {
      return db.transaction(async (trx) => {
        const row = await insertErasureRequest(trx, {
          workspaceId: actor.workspace.id,
          clientUserId: actor.user.id,
          clientId: actor.user.client_id,
          reason,
          at: now(),
        });
        if (!row) return 'already';
        await insertClientActivity(trx, actor, 'privacy.erasure_requested', { requestId: row.id });
        return 'requested';
      });
    },

    /** Withdraws the person's open request; false when none was open. */
    async withdraw(actor: PrivacyActor): Promise<boolean> {
      return db.transaction(async (trx) => {
        const [row] = await withdrawErasureRequest(trx, actor.workspace.id, actor.user.id, now());
        if (!row) return false;
        await insertClientActivity(trx, actor, 'privacy.erasure_withdrawn', { requestId: row.id });
        return true;
      });
    },

    /** The workspace's requests, each with its person while they exist. */
    async list(workspaceId: string): Promise<Array<{ request: ErasureRequestRow; user: ClientUserRow | null }>> {
      const requests = await listErasureRequests(db, workspaceId, REQUESTS_LISTED);
      const users = await findClientUsersByIds(db, workspaceId, [...new Set(requests.map((r) => r.client_user_id))]);
      const byId = new Map(users.map((user) => [user.id, user]));
      return requests.map((request) => ({ request, user: byId.get(request.client_user_id) ?? null }));
    },

    /** One request with its person, their contact and what an approval would remove (counts). */
    async review(workspaceId: string, id: string) {
      const request = await findErasureRequest(db, workspaceId, id);
      if (!request) return null;
      const user = await findClientUserById(db, workspaceId, request.client_user_id);
      const [contact, counts] = user
        ? await Promise.all([
            deps.adapter.contacts.findById(workspaceId, user.contact_id),
            countInOneStatement(
              db,
              Object.assign({}, ...deps.personalData().map((hook) => hook.counts?.(db, { workspaceId, id: user.id }) ?? {})),
            ),
          ])
        : [null, null];
      return { request, user, contact, counts };
    },

    /**
     * Approves (erasing the person's portal data) or declines an open request. Null when the
     * request is not open any more (decided meanwhile, withdrawn).
     */
    async decide(actor: StaffActor, id: string, decision: Decision): Promise<{ erased: Record<string, number> | null } | null> {
      const { workspace, staff } = actor;
      const request = await findErasureRequest(db, workspace.id, id);
      if (request?.status !== 'requested') return null;
      const user = await findClientUserById(db, workspace.id, request.client_user_id);
      // Written before the person's data goes: the outbox keeps it encrypted until it is sent.
      const email = user ? await decisionEmail(workspace, user, decision.approve, decision.note) : null;
      const outcome = await db.transaction(async (trx) => {
        if (!(await lockOpenErasureRequest(trx, workspace.id, id))) return null;
        const at = now();
        if (!decision.approve) {
          await decideErasureRequest(trx, workspace.id, id, { status: 'declined', staffId: staff.id, note: decision.note, at });
          if (email) await deps.mailer.send(email, { trx });
          await insertActivity(trx, {
            workspaceId: workspace.id,
            event: 'privacy.erasure_declined',
            clientUserId: request.client_user_id,
            clientId: request.client_id,
            email: user?.email ?? null,
            details: { requestId: id, staffId: staff.id, staffName: staff.name, note: decision.note },
          });
          return { erased: null, files: [] as string[] };
        }
        const person = await findClientUserById(trx, workspace.id, request.client_user_id);
        const { erased, files } = person
          ? await eraseWithHooks(trx, deps.personalData(), {
              workspaceId: workspace.id,
              id: person.id,
              contactId: person.contact_id,
              clientId: person.client_id,
              email: person.email,
            })
          : { erased: {}, files: [] };
        await decideErasureRequest(trx, workspace.id, id, { status: 'approved', staffId: staff.id, note: decision.note, at, erased });
        if (email) await deps.mailer.send(email, { trx });
        // The act, under the id that no longer names anyone: no email, name or address.
        await insertActivity(trx, {
          workspaceId: workspace.id,
          event: 'privacy.erasure_approved',
          clientUserId: request.client_user_id,
          clientId: request.client_id,
          email: null,
          details: { requestId: id, staffId: staff.id, staffName: staff.name, erased },
        });
        return { erased, files };
      });
      if (!outcome) return null;
      for (const fileId of outcome.files)
        await deps.storage.delete(workspace.id, fileId).catch((err) => deps.logger.error('deleting an erased person’s export failed', err));
      if (decision.approve)
        await announceSessionsEnded(
          deps.bus,
          { workspaceId: workspace.id, clientUserId: request.client_user_id, reason: 'user-disabled' },
          (m, e) => deps.logger.error(m, e),
        );
      return { erased: outcome.erased };
    },
  };
}

/**
 * Runs every hook's erasure in the transaction, in the reverse of the archive's order (the core's
 * last: it removes the client user row). Returns the rows changed per kind, summed over hooks, and
 * the stored files to delete once committed.
 */
async function eraseWithHooks(
  trx: Knex.Transaction,
  hooks: readonly PersonalDataHook[],
  person: ErasedPerson,
): Promise<{ erased: Record<string, number>; files: string[] }> {
  const erased: Record<string, number> = {};
  const files: string[] = [];
  for (const hook of [...hooks].reverse()) {
    const result = await hook.erase(trx, person);
    for (const [kind, count] of Object.entries(result.counts)) erased[kind] = (erased[kind] ?? 0) + count;
    files.push(...(result.storedFiles ?? []));
  }
  return { erased, files };
}

export type Erasure = ReturnType<typeof createErasure>;
