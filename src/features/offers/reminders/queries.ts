// SQL for offer reminders (portal_offer_reminders) and the client users they go to. Every query
// takes the workspace id, except the one that finds which workspaces to look at.
import type { Knex } from 'knex';
import { DEFAULT_SETTINGS, personMay } from '../../../core/index.ts';
import type { OfferKind } from '../port.ts';

type Db = Knex | Knex.Transaction;

const TABLE = 'portal_offer_reminders';

/**
 * The workspaces a reminder pass looks at: those with an active client user and the proposals
 * switch on (a workspace without saved settings has the default). One query for every workspace,
 * so a pass does nothing per workspace that has no one to remind or has the section off.
 */
export async function workspacesToRemind(db: Db): Promise<string[]> {
  const rows = (await db('client_users as u')
    .leftJoin('workspace_client_portal_settings as s', 's.workspace_id', 'u.workspace_id')
    .where('u.status', 'active')
    .andWhereRaw('coalesce(s.show_proposals, ?)', [DEFAULT_SETTINGS.showProposals])
    .distinct('u.workspace_id')
    .orderBy('u.workspace_id')) as Array<{ workspace_id: string }>;
  return rows.map((row) => row.workspace_id);
}

export interface ReminderRecipient {
  id: string;
  client_id: string;
  contact_id: string;
  email: string;
  locale: string | null;
}

/** The active client users of these clients of the workspace who may see offers: whom a reminder goes to. */
export async function activeClientUsersOf(db: Db, workspaceId: string, clientIds: readonly string[]): Promise<ReminderRecipient[]> {
  if (clientIds.length === 0) return [];
  return db('client_users as u')
    .where({ 'u.workspace_id': workspaceId, 'u.status': 'active' })
    .whereIn('u.client_id', [...new Set(clientIds)])
    .andWhere(personMay(db, 'u', workspaceId, 'proposals'))
    .orderBy('u.email')
    .select<ReminderRecipient[]>(['u.id', 'u.client_id', 'u.contact_id', 'u.email', 'u.locale']);
}

export interface ReminderKey {
  workspaceId: string;
  offerKind: OfferKind;
  offerId: string;
  clientUserId: string;
  validUntil: string;
}

export const reminderKeyText = (key: Omit<ReminderKey, 'workspaceId'>) =>
  `${key.offerKind}|${key.offerId}|${key.clientUserId}|${key.validUntil}`;

/**
 * The reminders already sent for these offers of the workspace, as reminderKeyText strings: a pass
 * skips them without opening a transaction each. The claim decides; this only saves work.
 */
export async function sentReminderKeys(
  db: Db,
  workspaceId: string,
  offers: ReadonlyArray<{ kind: OfferKind; id: string }>,
): Promise<Set<string>> {
  if (offers.length === 0) return new Set();
  const rows = (await db(TABLE)
    .where({ workspace_id: workspaceId })
    .whereIn(
      ['offer_kind', 'offer_id'],
      offers.map((offer) => [offer.kind, offer.id]),
    )
    .select('offer_kind', 'offer_id', 'client_user_id', 'valid_until')) as Array<{
    offer_kind: OfferKind;
    offer_id: string;
    client_user_id: string;
    valid_until: string;
  }>;
  return new Set(
    rows.map((row) =>
      reminderKeyText({ offerKind: row.offer_kind, offerId: row.offer_id, clientUserId: row.client_user_id, validUntil: row.valid_until }),
    ),
  );
}

/**
 * Claims one reminder: true for the one caller whose row went in, false for every other (another
 * instance, an earlier pass). Run it in the transaction that queues the email, so the claim and
 * the email commit together or not at all.
 */
export async function claimReminder(trx: Knex.Transaction, key: ReminderKey & { clientId: string; at: Date }): Promise<boolean> {
  const rows = await trx(TABLE)
    .insert({
      workspace_id: key.workspaceId,
      offer_kind: key.offerKind,
      offer_id: key.offerId,
      client_user_id: key.clientUserId,
      valid_until: key.validUntil,
      client_id: key.clientId,
      sent_at: key.at,
    })
    .onConflict(['workspace_id', 'offer_kind', 'offer_id', 'client_user_id', 'valid_until'])
    .ignore()
    .returning('offer_id');
  return rows.length === 1;
}

/** Removes, in an erasure's transaction, the record of the reminders the person was sent; resolves with how many. */
export function deletePersonReminders(trx: Knex.Transaction, workspaceId: string, clientUserId: string): Promise<number> {
  return trx('portal_offer_reminders').where({ workspace_id: workspaceId, client_user_id: clientUserId }).delete();
}
