// SQL for the portal's payment tables: client_payments (one row per invoice of each checkout a client
// started: a checkout of several invoices is several rows sharing their checkout_id),
// client_payment_callbacks (one row per provider event: the idempotency key), client_unapplied_payments
// (money taken that could not be applied) and portal_payment_settings. Every read is scoped by
// workspace, and by client where a client asks, but the start-up check of which workspaces chose a
// provider, which says it spans them.
import type { Knex } from 'knex';
import { ACROSS_WORKSPACES } from '../../../core/index.ts';

type Db = Knex | Knex.Transaction;

/**
 * cancelled: the checkout expired, was abandoned, or the provider could not open it. unapplied: the
 * provider took the money but it could not be recorded on the invoice (client_unapplied_payments);
 * refunded: staff then gave it back.
 */
export type ClientPaymentStatus = 'pending' | 'recorded' | 'refused' | 'cancelled' | 'unapplied' | 'refunded';

export interface ClientPaymentRow {
  id: string;
  /** The checkout this row is the invoice's share of: the id the provider knows (the row's own for one invoice). */
  checkout_id: string;
  workspace_id: string;
  client_id: string;
  client_user_id: string;
  invoice_id: string;
  invoice_number: string;
  provider: string;
  amount_cents: number;
  currency: string;
  status: ClientPaymentStatus;
  host_payment_id: string | null;
  provider_checkout_id: string | null;
  checkout_url: string | null;
  created_at: Date;
  completed_at: Date | null;
  /** checkout: the client paid; autopay: a saved method was charged on its own. */
  origin: 'checkout' | 'autopay';
}

const PAYMENT_COLUMNS = [
  'id',
  'checkout_id',
  'workspace_id',
  'client_id',
  'client_user_id',
  'invoice_id',
  'invoice_number',
  'provider',
  'amount_cents',
  'currency',
  'status',
  'host_payment_id',
  'provider_checkout_id',
  'checkout_url',
  'created_at',
  'completed_at',
  'origin',
];

export interface NewClientPayment {
  id: string;
  /** The checkout of several invoices this row is one share of; by default its own id (one invoice). */
  checkoutId?: string;
  workspaceId: string;
  clientId: string;
  clientUserId: string;
  invoiceId: string;
  invoiceNumber: string;
  provider: string;
  amountCents: number;
  currency: string;
  origin?: 'checkout' | 'autopay';
}

/** A checkout's rows, one per invoice, in one statement. */
export async function insertClientPayment(db: Db, ...rows: NewClientPayment[]): Promise<void> {
  await db('client_payments').insert(
    rows.map((row) => ({
      id: row.id,
      checkout_id: row.checkoutId ?? row.id,
      workspace_id: row.workspaceId,
      client_id: row.clientId,
      client_user_id: row.clientUserId,
      invoice_id: row.invoiceId,
      invoice_number: row.invoiceNumber,
      provider: row.provider,
      amount_cents: row.amountCents,
      currency: row.currency,
      origin: row.origin ?? 'checkout',
    })),
  );
}

/** A client's own checkout: scoped by workspace and client, so another client's id is not found. */
export async function findClientPayment(
  db: Db,
  args: { workspaceId: string; clientId: string; paymentId: string },
): Promise<ClientPaymentRow | null> {
  const row = await db('client_payments')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, id: args.paymentId })
    .first<ClientPaymentRow | undefined>(PAYMENT_COLUMNS);
  return row ?? null;
}

/**
 * A client's own checkout by the id the provider knows: its rows (one per invoice), by invoice
 * number; none for another client's or workspace's.
 */
export function findCheckoutShares(
  db: Db,
  args: { workspaceId: string; clientId: string; checkoutId: string },
): Promise<ClientPaymentRow[]> {
  return db('client_payments')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, checkout_id: args.checkoutId })
    .orderBy('invoice_number')
    .orderBy('id')
    .select<ClientPaymentRow[]>(PAYMENT_COLUMNS);
}

/** The rows of the checkout a callback names, locked until the callback's transaction ends. */
export function lockCheckoutForCallback(
  trx: Knex.Transaction,
  args: { workspaceId: string; provider: string; checkoutId: string },
): Promise<ClientPaymentRow[]> {
  return trx('client_payments')
    .where({ workspace_id: args.workspaceId, provider: args.provider, checkout_id: args.checkoutId })
    .orderBy('invoice_number')
    .orderBy('id')
    .forUpdate()
    .select<ClientPaymentRow[]>(PAYMENT_COLUMNS);
}

/** One row (one invoice's share of a checkout), locked until the transaction ends. */
export async function lockPaymentRow(
  trx: Knex.Transaction,
  args: { workspaceId: string; paymentId: string },
): Promise<ClientPaymentRow | null> {
  const row = await trx('client_payments')
    .where({ workspace_id: args.workspaceId, id: args.paymentId })
    .forUpdate()
    .first<ClientPaymentRow | undefined>(PAYMENT_COLUMNS);
  return row ?? null;
}

export async function completeClientPayment(
  trx: Knex.Transaction,
  args: {
    workspaceId: string;
    paymentId: string;
    status: Exclude<ClientPaymentStatus, 'pending' | 'refunded'>;
    hostPaymentId: string | null;
    at: Date;
  },
): Promise<void> {
  await trx('client_payments')
    .where({ workspace_id: args.workspaceId, id: args.paymentId })
    .update({ status: args.status, host_payment_id: args.hostPaymentId, completed_at: args.at });
}

/**
 * Claims a provider event. Answers false when the key was already handled: a concurrent duplicate
 * waits on the unique index until the first transaction ends, then inserts nothing.
 */
export async function claimCallback(
  trx: Knex.Transaction,
  args: { workspaceId: string; provider: string; idempotencyKey: string; paymentId: string; outcome: 'recorded' | 'refused' },
): Promise<boolean> {
  const rows = await trx('client_payment_callbacks')
    .insert({
      workspace_id: args.workspaceId,
      provider: args.provider,
      idempotency_key: args.idempotencyKey,
      payment_id: args.paymentId,
      outcome: args.outcome,
    })
    .onConflict(['workspace_id', 'provider', 'idempotency_key'])
    .ignore()
    .returning('id');
  return rows.length > 0;
}

/**
 * What a handled event did: recorded a payment, refused one, left the checkout pending or
 * cancelled, or kept money taken that could not be applied.
 */
export type CallbackOutcome = 'recorded' | 'refused' | 'pending' | 'cancelled' | 'unapplied';

export async function setCallbackOutcome(
  trx: Knex.Transaction,
  args: { workspaceId: string; provider: string; idempotencyKey: string; outcome: CallbackOutcome },
): Promise<void> {
  await trx('client_payment_callbacks')
    .where({ workspace_id: args.workspaceId, provider: args.provider, idempotency_key: args.idempotencyKey })
    .update({ outcome: args.outcome });
}

/**
 * Serialises starting checkouts for these invoices (two Pay clicks at once) until the transaction
 * ends: one lock per invoice, taken in one statement in the order of their ids, so two checkouts
 * sharing invoices wait for each other and never deadlock.
 */
export async function lockInvoiceCheckouts(
  trx: Knex.Transaction,
  args: { workspaceId: string; invoiceIds: readonly string[] },
): Promise<void> {
  const keys = [...new Set(args.invoiceIds)].sort().map((invoiceId) => `client_payments:${args.workspaceId}:${invoiceId}`);
  await trx.raw('select pg_advisory_xact_lock(hashtextextended(key, 0)) from unnest(?::text[]) with ordinality as k(key, n) order by n', [
    keys,
  ]);
}

/**
 * The checkouts still pending that pay any of these invoices, each with all its rows (one may pay
 * other invoices too), newest first: at most one is open at the provider per invoice.
 */
export function pendingCheckouts(
  db: Db,
  args: { workspaceId: string; clientId: string; invoiceIds: readonly string[] },
): Promise<ClientPaymentRow[]> {
  const scope = { workspace_id: args.workspaceId, client_id: args.clientId, status: 'pending' };
  return db('client_payments')
    .where(scope)
    .whereIn('checkout_id', db('client_payments').where(scope).whereIn('invoice_id', args.invoiceIds).select('checkout_id'))
    .orderBy('created_at', 'desc')
    .orderBy('checkout_id')
    .select<ClientPaymentRow[]>(PAYMENT_COLUMNS);
}

/**
 * Whether the provider reported this checkout completed with the money still on its way (a bank
 * debit): its page is finished, so the client is not sent back to it.
 */
export async function checkoutAwaitingMoney(db: Db, args: { workspaceId: string; paymentId: string }): Promise<boolean> {
  const row = await db('client_payment_callbacks')
    .where({ workspace_id: args.workspaceId, payment_id: args.paymentId, outcome: 'pending' })
    .first('id');
  return row !== undefined;
}

/** The provider's id and page for a checkout it opened. */
export async function saveProviderCheckout(
  db: Db,
  args: { workspaceId: string; checkoutId: string; providerCheckoutId: string | null; checkoutUrl: string },
): Promise<void> {
  await db('client_payments')
    .where({ workspace_id: args.workspaceId, checkout_id: args.checkoutId })
    .update({ provider_checkout_id: args.providerCheckoutId, checkout_url: args.checkoutUrl });
}

/** Undoes closePendingCheckout where the provider could not close the checkout after all. */
export async function reopenCheckout(db: Db, args: { workspaceId: string; checkoutId: string }): Promise<void> {
  await db('client_payments')
    .where({ workspace_id: args.workspaceId, checkout_id: args.checkoutId, status: 'cancelled' })
    .update({ status: 'pending', completed_at: null });
}

/** Closes a checkout still pending, all its rows (another replaces it); false when it was no longer pending. */
export async function closePendingCheckout(db: Db, args: { workspaceId: string; checkoutId: string; at: Date }): Promise<boolean> {
  const changed = await db('client_payments')
    .where({ workspace_id: args.workspaceId, checkout_id: args.checkoutId, status: 'pending' })
    .update({ status: 'cancelled', completed_at: args.at });
  return changed > 0;
}

/** Why money taken could not be applied. */
export type UnappliedReason = 'not_applicable' | 'amount_differs' | 'checkout_closed';

export interface UnappliedPaymentRow {
  id: string;
  workspace_id: string;
  payment_id: string;
  client_id: string;
  invoice_id: string;
  invoice_number: string;
  provider: string;
  amount_cents: string | number;
  currency: string;
  reference: string;
  reason: UnappliedReason;
  received_at: Date;
  refund_id: string | null;
  refunded_by_staff_id: string | null;
  refunded_at: Date | null;
}

const UNAPPLIED_COLUMNS = [
  'id',
  'workspace_id',
  'payment_id',
  'client_id',
  'invoice_id',
  'invoice_number',
  'provider',
  'amount_cents',
  'currency',
  'reference',
  'reason',
  'received_at',
  'refund_id',
  'refunded_by_staff_id',
  'refunded_at',
];

export async function insertUnappliedPayment(
  trx: Knex.Transaction,
  row: Omit<UnappliedPaymentRow, 'received_at' | 'refund_id' | 'refunded_by_staff_id' | 'refunded_at' | 'amount_cents'> & {
    amount_cents: number;
    received_at: Date;
  },
): Promise<void> {
  await trx('client_unapplied_payments').insert(row);
}

/** The workspace's unapplied money (or the one with this id), those not refunded first, newest first. */
export function listUnappliedPayments(db: Db, workspaceId: string, id: string | null): Promise<UnappliedPaymentRow[]> {
  return db('client_unapplied_payments')
    .where({ workspace_id: workspaceId, ...(id ? { id } : {}) })
    .orderByRaw('refunded_at is not null, received_at desc')
    .limit(200)
    .select<UnappliedPaymentRow[]>(UNAPPLIED_COLUMNS);
}

/** One unapplied payment, locked until the transaction ends (a refund is made once). */
export async function lockUnappliedPayment(trx: Knex.Transaction, workspaceId: string, id: string): Promise<UnappliedPaymentRow | null> {
  const row = await trx('client_unapplied_payments')
    .where({ workspace_id: workspaceId, id })
    .forUpdate()
    .first<UnappliedPaymentRow | undefined>(UNAPPLIED_COLUMNS);
  return row ?? null;
}

export async function markUnappliedRefunded(
  trx: Knex.Transaction,
  args: { workspaceId: string; id: string; paymentId: string; refundId: string; staffId: string; at: Date },
): Promise<void> {
  await trx('client_unapplied_payments')
    .where({ workspace_id: args.workspaceId, id: args.id })
    .update({ refund_id: args.refundId, refunded_by_staff_id: args.staffId, refunded_at: args.at });
  await trx('client_payments')
    .where({ workspace_id: args.workspaceId, id: args.paymentId, status: 'unapplied' })
    .update({ status: 'refunded' });
}

export interface PaymentSettings {
  bankTransferInstructions: string | null;
  onlineProvider: string;
  /** Clients may save a method and switch autopay on. */
  autopayAllowed: boolean;
  /** Days after a failed autopay charge to try again (after the first failure, the second…). */
  autopayRetryDays: number[];
  /** Days between a SEPA debit's advance notice and the debit. */
  sepaNoticeDays: number;
}

export const DEFAULT_PAYMENT_SETTINGS: PaymentSettings = {
  bankTransferInstructions: null,
  onlineProvider: 'demo',
  autopayAllowed: false,
  autopayRetryDays: [1, 3, 7],
  sepaNoticeDays: 14,
};

/** "1,3,7" as stored → [1, 3, 7]; anything unreadable is left out. */
function parseRetryDays(text: string): number[] {
  return text
    .split(',')
    .map((part) => Number(part.trim()))
    .filter((day) => Number.isInteger(day) && day >= 1 && day <= 60);
}

export async function findPaymentSettings(db: Db, workspaceId: string): Promise<PaymentSettings> {
  const row = await db('portal_payment_settings').where({ workspace_id: workspaceId }).first<
    | {
        bank_transfer_instructions: string | null;
        online_provider: string;
        autopay_allowed: boolean;
        autopay_retry_days: string;
        sepa_notice_days: number;
      }
    | undefined
  >(['bank_transfer_instructions', 'online_provider', 'autopay_allowed', 'autopay_retry_days', 'sepa_notice_days']);
  if (!row) return { ...DEFAULT_PAYMENT_SETTINGS };
  return {
    bankTransferInstructions: row.bank_transfer_instructions?.trim() ? row.bank_transfer_instructions : null,
    onlineProvider: row.online_provider,
    autopayAllowed: row.autopay_allowed,
    autopayRetryDays: parseRetryDays(row.autopay_retry_days),
    sepaNoticeDays: row.sepa_notice_days,
  };
}

export async function savePaymentSettings(db: Db, workspaceId: string, settings: PaymentSettings, staffId: string): Promise<void> {
  await db('portal_payment_settings')
    .insert({
      workspace_id: workspaceId,
      bank_transfer_instructions: settings.bankTransferInstructions,
      online_provider: settings.onlineProvider,
      autopay_allowed: settings.autopayAllowed,
      autopay_retry_days: settings.autopayRetryDays.join(','),
      sepa_notice_days: settings.sepaNoticeDays,
      updated_by_staff_id: staffId,
      updated_at: db.fn.now(),
    })
    .onConflict('workspace_id')
    .merge([
      'bank_transfer_instructions',
      'online_provider',
      'autopay_allowed',
      'autopay_retry_days',
      'sepa_notice_days',
      'updated_by_staff_id',
      'updated_at',
    ]);
}

/** A workspace's own Stripe keys as stored: sealed (secret-box.ts), with the hint the admin sees. */
export interface SealedStripeKeys {
  secretKeySealed: string;
  webhookSecretSealed: string;
  hint: string;
}

export async function findSealedStripeKeys(db: Db, workspaceId: string): Promise<SealedStripeKeys | null> {
  const row = await db('portal_payment_settings')
    .where({ workspace_id: workspaceId })
    .whereNotNull('stripe_secret_key_sealed')
    .first<{ stripe_secret_key_sealed: string; stripe_webhook_secret_sealed: string | null; stripe_key_hint: string | null } | undefined>([
      'stripe_secret_key_sealed',
      'stripe_webhook_secret_sealed',
      'stripe_key_hint',
    ]);
  if (!row?.stripe_webhook_secret_sealed) return null;
  return {
    secretKeySealed: row.stripe_secret_key_sealed,
    webhookSecretSealed: row.stripe_webhook_secret_sealed,
    hint: row.stripe_key_hint ?? '',
  };
}

/** Stores (or, with null, removes) a workspace's own Stripe keys; its other payment settings stay. */
export async function saveSealedStripeKeys(db: Db, workspaceId: string, keys: SealedStripeKeys | null, staffId: string): Promise<void> {
  const columns = {
    stripe_secret_key_sealed: keys?.secretKeySealed ?? null,
    stripe_webhook_secret_sealed: keys?.webhookSecretSealed ?? null,
    stripe_key_hint: keys?.hint ?? null,
    updated_by_staff_id: staffId,
    updated_at: db.fn.now(),
  };
  await db('portal_payment_settings')
    .insert({ workspace_id: workspaceId, ...columns })
    .onConflict('workspace_id')
    .merge(Object.keys(columns));
}

/**
 * The same keys sealed again under the current secret (they opened under an older one). Only where
 * the row still holds what was read: keys an admin replaced meanwhile are left as saved. The staff
 * member and time of the last change stay: nobody changed the keys.
 */
export async function resealStripeKeys(db: Db, workspaceId: string, was: SealedStripeKeys, now: SealedStripeKeys): Promise<void> {
  await db('portal_payment_settings')
    .where({
      workspace_id: workspaceId,
      stripe_secret_key_sealed: was.secretKeySealed,
      stripe_webhook_secret_sealed: was.webhookSecretSealed,
    })
    .update({ stripe_secret_key_sealed: now.secretKeySealed, stripe_webhook_secret_sealed: now.webhookSecretSealed });
}

/**
 * The workspaces whose clients are sent to this provider: a start-up check across workspaces (the
 * one read here not scoped to one), so an operator learns which cannot take money as configured.
 */
export async function workspacesChoosingProvider(db: Db, provider: string): Promise<string[]> {
  const rows = await db('portal_payment_settings')
    .comment(`${ACROSS_WORKSPACES}: the start-up check of the workspaces that chose a provider`)
    .where({ online_provider: provider })
    .orderBy('workspace_id')
    .limit(1000)
    .select<Array<{ workspace_id: string }>>('workspace_id');
  return rows.map((row) => row.workspace_id);
}

// ---- one person's data (their export; an erasure keeps payments: they are the agency's accounts) ----

export interface PersonPaymentRow {
  id: string;
  invoice_id: string;
  invoice_number: string | null;
  provider: string;
  amount_cents: string;
  currency: string;
  status: string;
  created_at: Date;
  completed_at: Date | null;
  origin: string;
}

/** The payments the person started (or autopay made under their consent), oldest first. */
export function personPayments(db: Db, workspaceId: string, clientUserId: string): Promise<PersonPaymentRow[]> {
  return db('client_payments')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('created_at')
    .select('id', 'invoice_id', 'invoice_number', 'provider', 'amount_cents', 'currency', 'status', 'created_at', 'completed_at', 'origin');
}

/**
 * Who paid each of an invoice's payments online, by the host's payment id: the person's email at
 * the portal, for the staff's page of the record (a payment the host recorded itself has none).
 */
export function onlinePayersOf(
  db: Db,
  args: { workspaceId: string; clientId: string; invoiceId: string },
): Promise<Array<{ host_payment_id: string; email: string; contact_id: string }>> {
  return db('client_payments as p')
    .join('client_users as u', function () {
      this.on('u.workspace_id', 'p.workspace_id').andOn('u.id', 'p.client_user_id');
    })
    .where({ 'p.workspace_id': args.workspaceId, 'p.client_id': args.clientId, 'p.invoice_id': args.invoiceId })
    .whereNotNull('p.host_payment_id')
    .select('p.host_payment_id', 'u.email', 'u.contact_id');
}
