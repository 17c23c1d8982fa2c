// What the portal holds about one person, read for their export and removed or anonymised on an
// approved erasure. The host's records (contacts, invoices, proposals, its own comments) are never
// read or written here: the agency keeps them.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

/** The name that stands where an erased person's name was, in what the agency keeps. */
const ERASED_NAME = 'Former contact';

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

export interface ActivityRow {
  id: string;
  event: string;
  details: Record<string, unknown>;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
  repeat_count: number;
}

export function personActivity(db: Db, workspaceId: string, clientUserId: string): Promise<ActivityRow[]> {
  return db('client_activity_logs')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('id')
    .select('id', 'event', 'details', 'ip', 'user_agent', 'created_at', 'repeat_count');
}

export interface AuthoredMessageRow {
  id: string;
  conversation_id: string;
  body: string;
  created_at: Date;
  attachments: Array<{ id: string; file_id: string; filename: string; content_type: string; size_bytes: number }>;
}

export function personMessages(db: Db, workspaceId: string, clientUserId: string): Promise<AuthoredMessageRow[]> {
  return db('portal_messages as m')
    .where({ 'm.workspace_id': workspaceId, 'm.author_client_user_id': clientUserId, 'm.author_side': 'client' })
    .orderBy('m.id')
    .select(
      'm.id',
      'm.conversation_id',
      'm.body',
      'm.created_at',
      db.raw(
        `coalesce((select json_agg(json_build_object('id', a.id, 'file_id', a.file_id, 'filename', a.filename,
                     'content_type', a.content_type, 'size_bytes', a.size_bytes) order by a.id)
                     from portal_message_attachments a
                    where a.workspace_id = m.workspace_id and a.workspace_id = ? and a.message_id = m.id), '[]') as attachments`,
        [workspaceId],
      ),
    );
}

export interface UploadRow {
  id: string;
  file_id: string;
  filename: string;
  content_type: string;
  size_bytes: string;
  created_at: Date;
}

export function personUploads(db: Db, workspaceId: string, clientUserId: string): Promise<UploadRow[]> {
  return db('client_uploads')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('created_at')
    .select('id', 'file_id', 'filename', 'content_type', 'size_bytes', 'created_at');
}

export interface DecisionRow {
  id: string;
  offer_kind: string;
  offer_id: string;
  outcome: string;
  method: string;
  typed_name: string | null;
  email: string | null;
  note: string | null;
  po_number: string | null;
  signature_png: Buffer | null;
  snapshot: string | null;
  snapshot_sha256: string | null;
  ip: string | null;
  user_agent: string | null;
  decided_at: Date;
}

export function personDecisions(db: Db, workspaceId: string, clientUserId: string): Promise<DecisionRow[]> {
  return db('portal_offer_decisions')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('decided_at')
    .select(
      'id',
      'offer_kind',
      'offer_id',
      'outcome',
      'method',
      'typed_name',
      'email',
      'note',
      'po_number',
      'signature_png',
      'snapshot',
      'snapshot_sha256',
      'ip',
      'user_agent',
      'decided_at',
    );
}

export interface PaymentRow {
  id: string;
  invoice_id: string;
  invoice_number: string | null;
  provider: string;
  amount_cents: string;
  currency: string;
  status: string;
  created_at: Date;
  completed_at: Date | null;
}

export function personPayments(db: Db, workspaceId: string, clientUserId: string): Promise<PaymentRow[]> {
  return db('client_payments')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('created_at')
    .select('id', 'invoice_id', 'invoice_number', 'provider', 'amount_cents', 'currency', 'status', 'created_at', 'completed_at');
}

export async function personSettings(
  db: Db,
  workspaceId: string,
  clientUserId: string,
): Promise<{ twoFactorEnabledAt: Date | null; messageEmails: boolean | null }> {
  const [twoFactor, preferences] = await Promise.all([
    db('client_two_factor')
      .where({ workspace_id: workspaceId, client_user_id: clientUserId })
      .first<{ enabled_at: Date | null } | undefined>('enabled_at'),
    db('portal_client_preferences')
      .where({ workspace_id: workspaceId, client_user_id: clientUserId })
      .first<{ message_emails: boolean } | undefined>('message_emails'),
  ]);
  return { twoFactorEnabledAt: twoFactor?.enabled_at ?? null, messageEmails: preferences?.message_emails ?? null };
}

/** Files the person's earlier exports left (to delete with their data). */
export function personExportFiles(db: Db, workspaceId: string, clientUserId: string): Promise<string[]> {
  return db('portal_data_exports')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .whereNotNull('file_id')
    .pluck('file_id');
}

/** How many rows of each kind an erasure touches, in one statement: what the agency reviews first. */
export async function countPersonalData(db: Db, workspaceId: string, person: { id: string }): Promise<Record<string, number>> {
  const count = (table: string, column: string) =>
    `(select count(*)::int from ${table} where workspace_id = :workspaceId and ${column} = :person)`;
  const { rows } = await db.raw(
    `select ${count('client_activity_logs', 'client_user_id')} as activity,
            ${count('portal_messages', 'author_client_user_id')} as messages,
            ${count('client_uploads', 'client_user_id')} as uploads,
            ${count('portal_offer_decisions', 'client_user_id')} as decisions,
            ${count('portal_data_exports', 'client_user_id')} as exports`,
    { workspaceId, person: person.id },
  );
  return rows[0] as Record<string, number>;
}

const deleteOf = (trx: Knex.Transaction, table: string, where: Record<string, unknown>) => trx(table).where(where).delete();

/**
 * Removes or anonymises, in the caller's transaction, what the portal holds about the person; the
 * client user row goes last. Returns how many rows of each kind changed. Signed decisions and
 * payments stay as they are: they are the evidence of an agreement and the agency's accounts.
 */
export async function erasePersonalData(
  trx: Knex.Transaction,
  workspaceId: string,
  person: { id: string; contactId: string; clientId: string; email: string },
  options: { portalKeepsComments: boolean },
): Promise<Record<string, number>> {
  const ws = { workspace_id: workspaceId };
  const own = { ...ws, client_user_id: person.id };
  const sign_in_secrets =
    (await deleteOf(trx, 'client_login_codes', own)) +
    (await deleteOf(trx, 'client_user_tokens', own)) +
    (await deleteOf(trx, 'client_confirmation_codes', own)) +
    (await deleteOf(trx, 'client_recovery_codes', own)) +
    (await deleteOf(trx, 'client_two_factor', own));
  const preferences = await deleteOf(trx, 'portal_client_preferences', own);
  const reminders = await deleteOf(trx, 'portal_offer_reminders', own);
  const read_markers = await deleteOf(trx, 'portal_read_markers', { ...ws, reader_side: 'client', reader_id: person.id });
  const exports = await deleteOf(trx, 'portal_data_exports', own);
  const activity = await trx('client_activity_logs')
    .where(ws)
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
  const messages = await trx('portal_messages')
    .where({ ...ws, author_client_user_id: person.id, author_side: 'client' })
    .update({ author_name: ERASED_NAME });
  // Where the host keeps comments, they are its records and stay as they are.
  const comments = options.portalKeepsComments
    ? await trx('client_comments')
        .where({ ...ws, author_contact_id: person.contactId })
        .update({ author_name: ERASED_NAME })
    : 0;
  const uploads = await trx('client_uploads').where(own).update({ uploader_name: ERASED_NAME });
  // A client admin's request for them as a new colleague holds their name and email: it goes.
  const colleague_requests = await trx('portal_colleague_requests')
    .where(ws)
    .andWhere((q) =>
      q
        .where('contact_id', person.contactId)
        .orWhere((same) => same.where({ client_id: person.clientId, email: person.email.toLowerCase() })),
    )
    .delete();
  await trx('portal_erasure_requests').where(own).update({ reason: null });
  const account = await deleteOf(trx, 'client_users', { ...ws, id: person.id });
  return {
    account,
    sign_in_secrets,
    preferences,
    reminders,
    read_markers,
    exports,
    activity,
    messages,
    comments,
    uploads,
    colleague_requests,
  };
}
