// SQL of one person's activity log for their own data: read for their export, anonymised on an
// approved erasure (the entries stay, as the agency's record of what happened, without the person).
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

/**
 * Keys of activity details that name records, never people: what an erased person's activity rows
 * keep. Everything else (emails, names, excerpts of what they wrote, file names) goes.
 */
const ACTIVITY_DETAIL_KEYS_KEPT = [
  'subjectType',
  'subjectId',
  'kind',
  'offerKind',
  'offerId',
  'invoiceId',
  'documentId',
  'taskId',
  'number',
  'invoiceNumber',
  'title',
  'outcome',
  'method',
  'provider',
  'paymentId',
  'requestId',
] as const;

export interface PersonActivityRow {
  id: string;
  event: string;
  details: Record<string, unknown>;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
  repeat_count: number;
}

export function personActivity(db: Db, workspaceId: string, clientUserId: string): Promise<PersonActivityRow[]> {
  return db('client_activity_logs')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('id')
    .select('id', 'event', 'details', 'ip', 'user_agent', 'created_at', 'repeat_count');
}

/** The person's entries, counted for the agency's review of an erasure. */
export function countPersonActivity(db: Db, workspaceId: string, clientUserId: string): Knex.QueryBuilder {
  return db('client_activity_logs').where({ workspace_id: workspaceId, client_user_id: clientUserId }).select(db.raw('count(*)::int'));
}

/**
 * Strips, in the caller's transaction, what names the person from every entry about them: theirs,
 * those naming them as a colleague, and those under their email in their company (a client admin's
 * request for them as a new colleague names them by email). Returns how many entries changed.
 */
export function anonymisePersonActivity(
  trx: Knex.Transaction,
  workspaceId: string,
  person: { id: string; clientId: string; email: string },
): Promise<number> {
  return trx('client_activity_logs')
    .where({ workspace_id: workspaceId })
    .andWhere((q) =>
      q
        .where('client_user_id', person.id)
        .orWhereRaw("details->>'colleagueId' = ?", [person.id])
        .orWhere((same) => same.where('client_id', person.clientId).andWhereRaw('lower(email) = lower(?)', [person.email]))
        // A client admin's request for them as a new colleague names them by email.
        .orWhere((asked) =>
          asked.where('client_id', person.clientId).andWhereRaw("lower(details->>'colleagueEmail') = lower(?)", [person.email]),
        ),
    )
    .update({
      email: null,
      ip: null,
      user_agent: null,
      details: trx.raw(
        `(select coalesce(jsonb_object_agg(key, value), '{}'::jsonb) from jsonb_each(details) where key = any(string_to_array(?, ',')))`,
        [ACTIVITY_DETAIL_KEYS_KEPT.join(',')],
      ),
    });
}
