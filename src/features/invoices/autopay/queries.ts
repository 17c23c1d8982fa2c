// SQL of the autopay job: the companies enrolled, their default method, and each invoice's charges.
// Every statement names the workspace, and those about one company its client id.
import type { Knex } from 'knex';
import { ACROSS_WORKSPACES } from '../../../core/index.ts';

type Db = Knex | Knex.Transaction;

export interface EnrolledClient {
  workspace_id: string;
  client_id: string;
  charge_on: 'issue' | 'due';
  accepted_by_client_user_id: string;
  accepted_at: Date;
}

/** Companies with autopay on, a page at a time in key order (the job walks them all). */
export function enrolledClients(db: Db, after: { workspaceId: string; clientId: string } | null, limit: number): Promise<EnrolledClient[]> {
  const query = db('client_autopay')
    .comment(`${ACROSS_WORKSPACES}: the autopay job's walk over every enrolled company`)
    .where({ enabled: true });
  if (after) query.andWhereRaw('(workspace_id, client_id) > (?, ?)', [after.workspaceId, after.clientId]);
  return query
    .orderBy([{ column: 'workspace_id' }, { column: 'client_id' }])
    .limit(limit)
    .select(['workspace_id', 'client_id', 'charge_on', 'accepted_by_client_user_id', 'accepted_at']);
}

export interface ChargeRow {
  id: string;
  invoice_id: string;
  attempt: number;
  checkout_id: string;
  amount_cents: number;
  currency: string;
  status: 'in_flight' | 'succeeded' | 'processing' | 'failed';
  attempted_at: Date;
  next_attempt_at: Date | null;
  /** The checkout's own state: a debit that came back refused after 'processing' reads 'refused' here. */
  payment_status: string | null;
}

/** Each invoice's latest charge, for a company's invoices. */
export function latestCharges(db: Db, scope: { workspaceId: string; clientId: string; invoiceIds: string[] }): Promise<ChargeRow[]> {
  if (scope.invoiceIds.length === 0) return Promise.resolve([]);
  return db('client_autopay_charges as c')
    .leftJoin('client_payments as p', function () {
      this.on('p.workspace_id', 'c.workspace_id').andOn('p.checkout_id', 'c.checkout_id');
    })
    .where({ 'c.workspace_id': scope.workspaceId, 'c.client_id': scope.clientId })
    .whereIn('c.invoice_id', scope.invoiceIds)
    .distinctOn('c.invoice_id')
    .orderBy([{ column: 'c.invoice_id' }, { column: 'c.attempt', order: 'desc' }])
    .select([
      'c.id',
      'c.invoice_id',
      'c.attempt',
      'c.checkout_id',
      'c.amount_cents',
      'c.currency',
      'c.status',
      'c.attempted_at',
      'c.next_attempt_at',
      'p.status as payment_status',
    ]);
}

/** A new attempt; false when another instance took the same attempt first. */
export async function insertCharge(
  trx: Knex.Transaction,
  row: {
    workspaceId: string;
    id: string;
    clientId: string;
    invoiceId: string;
    invoiceNumber: string;
    attempt: number;
    paymentMethodId: string;
    checkoutId: string;
    amountCents: number;
    currency: string;
    at: Date;
  },
): Promise<boolean> {
  const inserted = await trx('client_autopay_charges')
    .insert({
      workspace_id: row.workspaceId,
      id: row.id,
      client_id: row.clientId,
      invoice_id: row.invoiceId,
      invoice_number: row.invoiceNumber,
      attempt: row.attempt,
      payment_method_id: row.paymentMethodId,
      checkout_id: row.checkoutId,
      amount_cents: row.amountCents,
      currency: row.currency,
      status: 'in_flight',
      attempted_at: row.at,
    })
    .onConflict(['workspace_id', 'invoice_id', 'attempt'])
    .ignore()
    .returning('id');
  return inserted.length > 0;
}

export async function settleCharge(
  db: Db,
  args: {
    workspaceId: string;
    id: string;
    status: 'succeeded' | 'processing' | 'failed';
    failureCode?: string | null;
    failureReason?: string | null;
    nextAttemptAt?: Date | null;
  },
): Promise<void> {
  await db('client_autopay_charges')
    .where({ workspace_id: args.workspaceId, id: args.id })
    .update({
      status: args.status,
      failure_code: args.failureCode ?? null,
      failure_reason: args.failureReason?.slice(0, 1000) ?? null,
      next_attempt_at: args.nextAttemptAt ?? null,
    });
}

/** The person who accepted the consent, told of a failed charge: their address and language. */
export async function consentingPerson(
  db: Db,
  scope: { workspaceId: string; clientUserId: string },
): Promise<{ email: string; locale: string | null; status: string } | null> {
  const row = await db('client_users')
    .where({ workspace_id: scope.workspaceId, id: scope.clientUserId })
    .first<{ email: string; locale: string | null; status: string } | undefined>(['email', 'locale', 'status']);
  return row ?? null;
}

export interface NoticeRow {
  invoice_id: string;
  amount_cents: number;
  debit_on: string;
}

/** The advance notices sent for these invoices (a SEPA debit waits for its notice's day). */
export function noticesOf(db: Db, scope: { workspaceId: string; clientId: string; invoiceIds: string[] }): Promise<NoticeRow[]> {
  if (scope.invoiceIds.length === 0) return Promise.resolve([]);
  return db('client_autopay_notices')
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId })
    .whereIn('invoice_id', scope.invoiceIds)
    .select(['invoice_id', 'amount_cents', db.raw("to_char(debit_on, 'YYYY-MM-DD') as debit_on")]);
}

/** Records a notice about to be sent; false when another instance sent it first. */
export async function claimNotice(
  trx: Knex.Transaction,
  row: {
    workspaceId: string;
    clientId: string;
    invoiceId: string;
    amountCents: number;
    currency: string;
    paymentMethodId: string;
    debitOn: string;
    at: Date;
  },
): Promise<boolean> {
  const inserted = await trx('client_autopay_notices')
    .insert({
      workspace_id: row.workspaceId,
      invoice_id: row.invoiceId,
      amount_cents: row.amountCents,
      client_id: row.clientId,
      currency: row.currency,
      payment_method_id: row.paymentMethodId,
      debit_on: row.debitOn,
      sent_at: row.at,
    })
    .onConflict(['workspace_id', 'invoice_id', 'amount_cents'])
    .ignore()
    .returning('invoice_id');
  return inserted.length > 0;
}
