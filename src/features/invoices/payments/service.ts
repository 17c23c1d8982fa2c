// Paying an invoice from the portal.
//   start:    the client picks an amount (the balance, or less where the provider allows) → a
//             client_payments row and `invoice.payment_started`, then off to the provider's checkout.
//   several:  the client chooses open invoices in one currency on the list → one checkout for the
//             sum of their balances, a client_payments row per invoice (its share) sharing the
//             checkout's id; the callback records each share as the invoice's own payment, and an
//             invoice paid meanwhile keeps its share as unapplied while the others are recorded.
//   callback: the provider's signed callback → in ONE transaction: claim its idempotency key
//             (client_payment_callbacks), record the payment in the host (InvoicesPort.recordPayment
//             with the same trx; several shares as one payment through recordPayments where the
//             host has it), mark the checkout, log `invoice.payment_recorded`. A repeated or
//             concurrent duplicate callback finds the key taken and records nothing. A checkout
//             paid by a delayed method (SEPA debit) stays pending until its later event; a failed
//             or expired one is closed and records nothing. Money the provider reports taken is
//             never refused: where it cannot be applied (the invoice paid or voided meanwhile, a
//             second checkout for the same balance, another amount, a checkout closed here) it is
//             kept as *unapplied* (client_unapplied_payments), logged `invoice.payment_unapplied`
//             (staff are notified at once) and staff may refund it (`invoice.payment_refunded`).
//   one open checkout per invoice: a second Pay for the same shares goes back to the open one
//             (or, when the client finished it with a bank debit still on its way, says a payment is under way);
//             for other shares the open one is closed at the provider first. Starting is
//             serialised per invoice (an advisory lock), so two clicks at once open one.
//   transfer: the client reports having paid by bank transfer → `invoice.payment_reported` only;
//             the invoice stays as it is until staff record the money in the CRM. Several open
//             invoices chosen on the list may be paid by one transfer (one account, one currency,
//             their numbers as the reference): reported once, as one event naming them all.
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { Knex } from 'knex';
import {
  type ActivityEvent,
  controlCharacterFields,
  type HostAdapter,
  insertActivity,
  type PaymentProvider,
  type PortalLogger,
  portalContext,
  type RepeatGuard,
  type RequestMeta,
  type SetupCallback,
  signedInClient,
  type VerifiedCallback,
} from '../../../core/index.ts';
import type { InvoiceDetail, InvoicePayment, InvoicesPort, NewPayment } from '../port.ts';
import { hasWayToPay } from './availability.ts';
import { bankTransferDetails, type BankTransferDetails, commonTransferAccount, severalTransferReference } from '../bank-transfer.ts';
import {
  checkoutAwaitingMoney,
  claimCallback,
  closePendingCheckout,
  completeClientPayment,
  findCheckoutShares,
  findPaymentSettings,
  insertClientPayment,
  insertUnappliedPayment,
  listUnappliedPayments,
  lockInvoiceCheckouts,
  lockCheckoutForCallback,
  lockPaymentRow,
  lockUnappliedPayment,
  markUnappliedRefunded,
  pendingCheckouts,
  reopenCheckout,
  saveProviderCheckout,
  setCallbackOutcome,
  type CallbackOutcome,
  type ClientPaymentRow,
  type ClientPaymentStatus,
  type PaymentSettings,
  type UnappliedReason,
} from './queries.ts';

/** Stripe closes a Checkout Session after 24 hours: an open one younger than this is reused. */
const REUSE_CHECKOUT_MS = 23 * 3600_000;
/** How long a checkout may take to open (the provider's answer) before another click gives up on it. */
const OPENING_MS = 30_000;

export interface PayingClient {
  workspaceId: string;
  clientId: string;
  clientUserId: string;
  email: string;
}

/** The signed-in person paying, as the service knows them. */
export function payingClientOf(res: Response): PayingClient {
  const { workspace } = portalContext(res);
  const { user, contact } = signedInClient(res);
  return { workspaceId: workspace.id, clientId: user.client_id, clientUserId: user.id, email: contact.email };
}

/** The activity-log row of an act of the paying client (what the agency is notified from). */
export function payingClientActivity(
  client: PayingClient,
  event: ActivityEvent,
  details: Record<string, unknown>,
  meta: RequestMeta,
): Parameters<typeof insertActivity>[1] {
  return {
    workspaceId: client.workspaceId,
    event,
    clientUserId: client.clientUserId,
    clientId: client.clientId,
    email: client.email,
    details,
    ip: meta.ip,
    userAgent: meta.userAgent,
  };
}

export type CallbackResult =
  | { outcome: 'recorded'; paymentId: string; invoiceId: string }
  | { outcome: 'duplicate' }
  /** A setup's event: the method is saved. */
  | { outcome: 'saved'; paymentMethodId: string }
  /** The client finished the checkout; the money is confirmed by a later event (a bank debit). */
  | { outcome: 'pending' }
  /** The checkout expired or was abandoned: closed, nothing recorded. */
  | { outcome: 'cancelled' }
  /** A well-signed event about something else (another event type, another workspace's checkout). */
  | { outcome: 'ignored' }
  /** Money taken that could not be applied to the invoice: kept for staff to apply or refund. */
  | { outcome: 'unapplied'; unappliedId: string; reason: UnappliedReason }
  | { outcome: 'refused'; reason: string }
  /** The provider cannot check this workspace's events now (its keys cannot be read): answered 5xx, sent again later. */
  | { outcome: 'unavailable' }
  | { outcome: 'invalid' };

export interface PaymentServiceDeps {
  db: Knex;
  adapter: HostAdapter;
  providers: PaymentProvider[];
  now: () => Date;
  /** The portal's public address: a provider's hosted checkout sends the client back to it. */
  appUrl: string;
  /** Where a checkout a provider could not open, and a callback that does not match its checkout, are reported. */
  logger?: PortalLogger;
  /** Called after a payment event committed, so staff notifications go out without waiting. */
  afterActivity?: () => void;
  /** Where a provider's event that a method was saved (or a setup given up) goes: the saved methods. */
  setups?: { complete(workspaceId: string, provider: PaymentProvider, event: SetupCallback, meta: RequestMeta): Promise<CallbackResult> };
  /** A transfer reported again within seconds (a double click, a resent form) is the first report. */
  guard?: Pick<RepeatGuard, 'claim' | 'release' | 'remember'>;
}

export type PaymentOptions = {
  invoice: InvoiceDetail;
  settings: PaymentSettings;
  provider: PaymentProvider | null;
  /** The chosen provider cannot take this workspace's payments now (PaymentProvider.unavailable). */
  onlineUnavailable: boolean;
  bankTransfer: boolean;
};

/** What the provider's page is asked for, whatever it pays. */
interface CheckoutRequest {
  portalBase: string;
  /** The page the client comes back to, with `?payment=<checkout id>` to see how it went. */
  returnUrl: string;
  /** The custom domain the client pays from (its origin), else undefined: the portal's own address. */
  origin: string | undefined;
  /** The client's language, for the provider's page. */
  locale: string;
  /** What the provider's page and receipt call the payment ("Invoice INV-0001"). */
  description: string;
}

/** One invoice's part of a checkout. */
interface CheckoutShare {
  invoice: InvoiceDetail;
  amountCents: number;
}

/** A checkout as its client sees it: one sum in one currency, and its rows, one per invoice. */
export interface ClientCheckout {
  id: string;
  provider: string;
  amountCents: number;
  currency: string;
  /** recorded when every share is; otherwise the first share's that is not. */
  status: ClientPaymentStatus;
  completedAt: Date | null;
  shares: ClientPaymentRow[];
}

function clientCheckout(shares: ClientPaymentRow[]): ClientCheckout {
  const first = shares[0]!;
  return {
    id: first.checkout_id,
    provider: first.provider,
    amountCents: shares.reduce((sum, row) => sum + Number(row.amount_cents), 0),
    currency: first.currency,
    status: shares.find((row) => row.status !== 'recorded')?.status ?? 'recorded',
    completedAt: first.completed_at,
    shares,
  };
}

/** The same invoices for the same amounts, whatever their order. */
function shareKey(shares: Array<{ invoiceId: string; amountCents: number }>): string {
  return shares
    .map((share) => `${share.invoiceId}:${share.amountCents}`)
    .sort()
    .join('|');
}

/** Rows grouped by their checkout, in the order their checkouts first appear. */
function byCheckout(rows: ClientPaymentRow[]): ClientPaymentRow[][] {
  const groups = new Map<string, ClientPaymentRow[]>();
  for (const row of rows) groups.set(row.checkout_id, [...(groups.get(row.checkout_id) ?? []), row]);
  return [...groups.values()];
}

/** Each share recorded in the host as a payment of its own invoice, one after another in the callback's transaction. */
async function recordEach(
  port: InvoicesPort,
  workspaceId: string,
  shares: readonly ClientPaymentRow[],
  paid: Omit<NewPayment, 'amountCents'>,
  trx: Knex.Transaction,
): Promise<Array<InvoicePayment | null>> {
  const answers: Array<InvoicePayment | null> = [];
  for (const row of shares)
    answers.push(
      await port.recordPayment!(workspaceId, row.client_id, row.invoice_id, { ...paid, amountCents: Number(row.amount_cents) }, { trx }),
    );
  return answers;
}

/** Several open invoices paid by one bank transfer: where to, how much, quoting what. */
export interface SeveralTransfer {
  invoices: InvoiceDetail[];
  totalCents: number;
  currency: string;
  /** The host's one account on all of them; null where only the admin's instructions say where. */
  account: BankTransferDetails | null;
  instructions: string | null;
  /** Their numbers, space-separated: what the payer quotes. */
  reference: string;
}

export type SeveralTransferRefusal =
  | { error: 'not_payable'; number: string | null }
  | { error: 'mixed_currencies' | 'different_accounts' | 'no_account' | 'reference_too_long' };

export function createPaymentService(deps: PaymentServiceDeps) {
  const { db, adapter, now } = deps;
  const byId = new Map(deps.providers.map((provider) => [provider.id, provider]));
  const registered = new Set(byId.keys());
  const invoices = (): InvoicesPort | null => adapter.invoices ?? null;

  /** The invoice a client may pay now (open, with a balance), and how; null when there is none. */
  async function options(client: PayingClient, invoiceId: string): Promise<PaymentOptions | null> {
    const port = invoices();
    if (!port) return null;
    const [invoice, settings] = await Promise.all([
      port.find(client.workspaceId, client.clientId, invoiceId),
      findPaymentSettings(db, client.workspaceId),
    ]);
    if (!invoice) return null;
    const provider = byId.get(settings.onlineProvider) ?? null;
    return {
      invoice,
      settings,
      provider,
      onlineUnavailable: (await provider?.unavailable?.(client.workspaceId)) != null,
      // The host's bank details on the invoice, or the admin's own instructions.
      bankTransfer: bankTransferDetails(invoice) !== null || settings.bankTransferInstructions !== null,
    };
  }

  const payable = (invoice: InvoiceDetail) => invoice.status === 'open' && invoice.balanceCents > 0;

  /** The client's open invoices, read one after another; the first that cannot be paid ends the reading. */
  async function payableInvoices(
    port: InvoicesPort,
    client: PayingClient,
    invoiceIds: readonly string[],
  ): Promise<InvoiceDetail[] | { error: 'not_payable'; number: string | null }> {
    // Not all at once: up to 25 reads in parallel would hold as many of the pool's connections
    // for one request.
    const chosen: InvoiceDetail[] = [];
    for (const id of invoiceIds) {
      const invoice = await port.find(client.workspaceId, client.clientId, id);
      if (!invoice) return { error: 'not_payable', number: null };
      if (!payable(invoice)) return { error: 'not_payable', number: invoice.number };
      chosen.push(invoice);
    }
    return chosen;
  }

  /**
   * `invoice.payment_reported`: the client says they paid by transfer; the agency is told, nothing
   * is recorded. The same report again within seconds (the same invoices and reference: a double
   * click, forty at once) is the first one: logged, and told, once.
   */
  async function logTransferReported(client: PayingClient, details: Record<string, unknown>, meta: RequestMeta): Promise<void> {
    const guard = deps.guard;
    const subject = JSON.stringify([client.workspaceId, client.clientId, details.invoiceIds ?? details.invoiceId, details.reference]);
    if (guard && !(await guard.claim('transfer-reported', subject)).first) return;
    try {
      await insertTransferReported(client, details, meta);
      await guard?.remember('transfer-reported', subject, 'reported');
    } catch (err) {
      await guard?.release('transfer-reported', subject);
      throw err;
    }
  }

  async function insertTransferReported(client: PayingClient, details: Record<string, unknown>, meta: RequestMeta): Promise<void> {
    await insertActivity(db, payingClientActivity(client, 'invoice.payment_reported', details, meta));
    deps.afterActivity?.();
  }

  /** Several invoices as one bank transfer, or why they cannot be paid by one. */
  async function severalTransfer(client: PayingClient, invoiceIds: readonly string[]): Promise<SeveralTransfer | SeveralTransferRefusal> {
    const port = invoices();
    if (!port) return { error: 'not_payable', number: null };
    const [chosen, settings] = await Promise.all([payableInvoices(port, client, invoiceIds), findPaymentSettings(db, client.workspaceId)]);
    if ('error' in chosen) return chosen;
    // Oldest first, whatever order they were ticked in: the same invoices always make the same
    // reference, and it reads as the agency's books do.
    chosen.sort((a, b) => a.issueDate.localeCompare(b.issueDate) || a.number.localeCompare(b.number, 'en', { numeric: true }));
    const currencies = new Set(chosen.map((invoice) => invoice.currency.toUpperCase()));
    if (currencies.size > 1) return { error: 'mixed_currencies' };
    const account = commonTransferAccount(chosen);
    if (account === 'different') return { error: 'different_accounts' };
    if (account === 'none' && settings.bankTransferInstructions === null) return { error: 'no_account' };
    const reference = severalTransferReference(chosen.map((invoice) => invoice.number));
    if (reference === null) return { error: 'reference_too_long' };
    return {
      invoices: chosen,
      totalCents: chosen.reduce((sum, invoice) => sum + invoice.balanceCents, 0),
      currency: chosen[0]!.currency,
      account: account === 'none' ? null : account,
      instructions: settings.bankTransferInstructions,
      reference,
    };
  }

  /** The page of a checkout another click is opening; after a few seconds without one, in progress. */
  async function waitForCheckout(
    client: PayingClient,
    checkoutId: string,
  ): Promise<{ redirectUrl: string } | { error: 'payment_in_progress' }> {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const [row] = await findCheckoutShares(db, { workspaceId: client.workspaceId, clientId: client.clientId, checkoutId });
      if (row?.status !== 'pending') break;
      if (row.checkout_url) return { redirectUrl: row.checkout_url };
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return { error: 'payment_in_progress' };
  }

  /**
   * Opens one checkout at the provider for these shares (one invoice, or several paid together):
   * decided under a lock per invoice, so two Pay clicks at once (two tabs, a double click) see each
   * other; the provider is asked only after the commit. A checkout already open for exactly these
   * shares is reused; any other open one on these invoices is closed first (here, then at the
   * provider), or, when the client finished it with a bank debit on its way, nothing is opened.
   */
  async function open(
    client: PayingClient,
    provider: PaymentProvider,
    shares: readonly CheckoutShare[],
    request: CheckoutRequest,
    meta: RequestMeta,
  ): Promise<{ redirectUrl: string } | { error: 'provider_unavailable' | 'payment_in_progress' }> {
    const checkoutId = randomUUID();
    const currency = shares[0]!.invoice.currency;
    const wanted = shareKey(shares.map((share) => ({ invoiceId: share.invoice.id, amountCents: share.amountCents })));
    type Decision = { reuse: string } | { wait: string } | { underWay: true } | { closing: ClientPaymentRow[][] };
    const decided = await db.transaction(async (trx): Promise<Decision> => {
      await lockInvoiceCheckouts(trx, { workspaceId: client.workspaceId, invoiceIds: shares.map((share) => share.invoice.id) });
      const pending = byCheckout(
        await pendingCheckouts(trx, {
          workspaceId: client.workspaceId,
          clientId: client.clientId,
          invoiceIds: shares.map((s) => s.invoice.id),
        }),
      );
      // A saved method is being charged for one of these invoices (autopay): that payment is under way.
      if (pending.some((rows) => rows.some((row) => row.origin === 'autopay'))) return { underWay: true };
      for (const rows of pending) {
        const first = rows[0]!;
        const age = now().getTime() - new Date(first.created_at).getTime();
        const same =
          first.provider === provider.id &&
          first.currency === currency &&
          shareKey(rows.map((row) => ({ invoiceId: row.invoice_id, amountCents: Number(row.amount_cents) }))) === wanted;
        // The same payment asked for again after the client finished its checkout with a bank
        // debit: the provider's page is done, so the client is told the payment is under way.
        if (same && (await checkoutAwaitingMoney(trx, { workspaceId: client.workspaceId, paymentId: first.checkout_id })))
          return { underWay: true };
        // The same payment asked for again: back to the checkout already open.
        if (same && first.checkout_url && age < REUSE_CHECKOUT_MS) return { reuse: first.checkout_url };
        // Another click is opening it right now: wait for its page below.
        if (same && !first.checkout_url && age < OPENING_MS) return { wait: first.checkout_id };
      }
      // Other shares, or too old to reuse: closed here now, at the provider after the commit.
      for (const rows of pending)
        await closePendingCheckout(trx, { workspaceId: client.workspaceId, checkoutId: rows[0]!.checkout_id, at: now() });
      const rows = shares.map((share) => ({
        id: shares.length === 1 ? checkoutId : randomUUID(),
        checkoutId,
        workspaceId: client.workspaceId,
        clientId: client.clientId,
        clientUserId: client.clientUserId,
        invoiceId: share.invoice.id,
        invoiceNumber: share.invoice.number,
        provider: provider.id,
        amountCents: share.amountCents,
        currency,
      }));
      await insertClientPayment(trx, ...rows);
      for (const row of rows)
        await insertActivity(
          trx,
          payingClientActivity(
            client,
            'invoice.payment_started',
            {
              invoiceId: row.invoiceId,
              invoiceNumber: row.invoiceNumber,
              amountCents: row.amountCents,
              currency,
              provider: provider.id,
              paymentId: row.id,
              ...(rows.length > 1 ? { checkoutId, invoicesTogether: rows.length } : {}),
            },
            meta,
          ),
        );
      return { closing: pending };
    });
    if ('reuse' in decided) return { redirectUrl: decided.reuse };
    if ('wait' in decided) return waitForCheckout(client, decided.wait);
    if ('underWay' in decided) return { error: 'payment_in_progress' };
    deps.afterActivity?.();
    const cancel = () => db.transaction((trx) => closePendingCheckout(trx, { workspaceId: client.workspaceId, checkoutId, at: now() }));
    for (const rows of decided.closing) {
      const old = rows[0]!;
      const closer = byId.get(old.provider)?.closeCheckout;
      if (!closer || !old.provider_checkout_id) continue;
      let closed = false;
      try {
        closed = await closer({ workspaceId: client.workspaceId, checkoutId: old.provider_checkout_id });
      } catch (err) {
        deps.logger?.error(`payment provider ${old.provider} could not close checkout ${old.provider_checkout_id}`, err);
      }
      if (!closed) {
        // The client finished that checkout (a bank debit on its way) or it could not be closed:
        // it stays the invoices' one checkout, and this one is not opened.
        await reopenCheckout(db, { workspaceId: client.workspaceId, checkoutId: old.checkout_id });
        await cancel();
        return { error: 'payment_in_progress' };
      }
    }
    try {
      const checkout = await provider.createCheckout({
        paymentId: checkoutId,
        workspaceId: client.workspaceId,
        invoiceNumber: shares.map((share) => share.invoice.number).join(', '),
        description: request.description,
        amountCents: shares.reduce((sum, share) => sum + share.amountCents, 0),
        currency,
        returnUrl: `${request.returnUrl}?payment=${checkoutId}`,
        portalBase: request.portalBase,
        appUrl: request.origin ?? deps.appUrl,
        locale: request.locale,
        customerEmail: client.email,
      });
      await saveProviderCheckout(db, {
        workspaceId: client.workspaceId,
        checkoutId,
        providerCheckoutId: checkout.checkoutId ?? null,
        checkoutUrl: checkout.redirectUrl,
      });
      return { redirectUrl: checkout.redirectUrl };
    } catch (err) {
      // The provider is unreachable or refuses the keys: the checkout never opened, so it is
      // closed at once and the client is asked to try again later.
      deps.logger?.error(`payment provider ${provider.id} could not open a checkout`, err);
      await cancel();
      return { error: 'provider_unavailable' };
    }
  }

  /** A verified payment event, applied once per idempotency key in one transaction (see the file's head). */
  async function applyEvent(
    workspaceId: string,
    provider: PaymentProvider,
    port: InvoicesPort,
    event: VerifiedCallback,
    meta: RequestMeta,
  ): Promise<CallbackResult> {
    const result = await db.transaction(async (trx): Promise<CallbackResult> => {
      const fresh = await claimCallback(trx, {
        workspaceId,
        provider: provider.id,
        idempotencyKey: event.idempotencyKey,
        paymentId: event.paymentId,
        outcome: 'refused',
      });
      if (!fresh) return { outcome: 'duplicate' };
      // The checkout's rows: one per invoice it pays (one for a single invoice).
      const shares = await lockCheckoutForCallback(trx, { workspaceId, provider: provider.id, checkoutId: event.paymentId });
      const first = shares[0];
      if (!first) {
        if (event.outcome === 'succeeded')
          deps.logger?.error(
            `${provider.id} reports ${event.amountCents} ${event.currency} taken (${event.reference}) for checkout ${event.paymentId}, which this workspace does not have`,
            undefined,
          );
        return { outcome: 'refused', reason: 'unknown payment' };
      }
      const total = shares.reduce((sum, row) => sum + Number(row.amount_cents), 0);
      const outcome = (value: CallbackOutcome) =>
        setCallbackOutcome(trx, { workspaceId, provider: provider.id, idempotencyKey: event.idempotencyKey, outcome: value });
      const activity = (row: ClientPaymentRow, name: ActivityEvent, details: Record<string, unknown>) =>
        insertActivity(trx, {
          workspaceId,
          event: name,
          clientUserId: row.client_user_id,
          clientId: row.client_id,
          details: {
            invoiceId: row.invoice_id,
            invoiceNumber: row.invoice_number,
            currency: event.currency,
            provider: provider.id,
            paymentId: row.id,
            ...(shares.length > 1 ? { checkoutId: row.checkout_id } : {}),
            ...details,
          },
          ip: meta.ip,
          userAgent: meta.userAgent,
        });
      /** Money taken that cannot go on an invoice: kept for staff (each share where the sum is the checkout's), logged, and staff told at once. */
      const keepUnapplied = async (rows: ClientPaymentRow[], reason: UnappliedReason): Promise<string> => {
        const bySharesOf = event.amountCents === total && event.currency === first.currency;
        const kept = bySharesOf
          ? rows.map((row) => ({ row, amountCents: Number(row.amount_cents) }))
          : [{ row: first, amountCents: event.amountCents }];
        let unappliedId = '';
        for (const { row, amountCents } of kept) {
          unappliedId = randomUUID();
          await insertUnappliedPayment(trx, {
            id: unappliedId,
            workspace_id: workspaceId,
            payment_id: row.id,
            client_id: row.client_id,
            invoice_id: row.invoice_id,
            invoice_number: row.invoice_number,
            provider: provider.id,
            amount_cents: amountCents,
            currency: event.currency,
            reference: event.reference,
            reason,
            received_at: now(),
          });
          await activity(row, 'invoice.payment_unapplied', { amountCents, unappliedId, reason, reference: event.reference });
          deps.logger?.error(
            `payment ${row.id}: ${provider.id} took ${amountCents} ${event.currency} (${event.reference}) that could not be applied to invoice ${row.invoice_number} (${reason}); kept as unapplied ${unappliedId}`,
            undefined,
          );
        }
        for (const row of rows)
          if (row.status !== 'recorded')
            await completeClientPayment(trx, { workspaceId, paymentId: row.id, status: 'unapplied', hostPaymentId: null, at: now() });
        return unappliedId;
      };
      const unapplied = async (reason: UnappliedReason): Promise<CallbackResult> => {
        const unappliedId = await keepUnapplied(shares, reason);
        await outcome('unapplied');
        return { outcome: 'unapplied', unappliedId, reason };
      };
      if (first.status !== 'pending') {
        // Taken for a checkout already closed here (expired, failed, given up): still money.
        if (event.outcome === 'succeeded' && shares.every((row) => row.status !== 'recorded')) return unapplied('checkout_closed');
        return { outcome: 'refused', reason: `payment already ${first.status}` };
      }
      // A checkout that ended unpaid: the agency reads it in the activity log, since the client
      // may believe they paid (a bank debit refused days later) or may need a nudge.
      const close = async (status: 'refused' | 'cancelled', activityName: 'invoice.payment_failed' | 'invoice.payment_cancelled') => {
        for (const row of shares) {
          await completeClientPayment(trx, { workspaceId, paymentId: row.id, status, hostPaymentId: null, at: now() });
          await activity(row, activityName, { amountCents: Number(row.amount_cents), currency: row.currency });
        }
      };
      if (event.outcome === 'cancelled') {
        await close('cancelled', 'invoice.payment_cancelled');
        await outcome('cancelled');
        return { outcome: 'cancelled' };
      }
      if (event.outcome === 'failed') {
        await close('refused', 'invoice.payment_failed');
        return { outcome: 'refused', reason: 'the provider reports a failure' };
      }
      if (event.amountCents !== total || event.currency !== first.currency) {
        if (event.outcome === 'succeeded') return unapplied('amount_differs');
        for (const row of shares)
          await completeClientPayment(trx, { workspaceId, paymentId: row.id, status: 'refused', hostPaymentId: null, at: now() });
        deps.logger?.error(
          `payment ${first.checkout_id} refused: ${provider.id} reports ${event.amountCents} ${event.currency}, the checkout was for ${total} ${first.currency}`,
          undefined,
        );
        return { outcome: 'refused', reason: 'amount or currency differs from the checkout' };
      }
      if (event.outcome === 'pending') {
        await outcome('pending');
        return { outcome: 'pending' };
      }
      // Each invoice its share: recorded in the host as one payment of them all where the host
      // writes several invoices' payment so (recordPayments), else each as an online payment of
      // its own; an invoice paid or voided meanwhile keeps its share as unapplied, the others
      // are recorded.
      const paid = { method: provider.method, reference: event.reference, paidAt: event.paidAt, provider: provider.id };
      const hostPayments =
        shares.length > 1 && port.recordPayments
          ? await port.recordPayments(
              workspaceId,
              first.client_id,
              shares.map((row) => ({ invoiceId: row.invoice_id, amountCents: Number(row.amount_cents) })),
              paid,
              { trx },
            )
          : await recordEach(port, workspaceId, shares, paid, trx);
      let recorded = 0;
      let lastUnapplied: { unappliedId: string } | null = null;
      for (const [index, row] of shares.entries()) {
        const amountCents = Number(row.amount_cents);
        const hostPayment = hostPayments[index] ?? null;
        if (!hostPayment) {
          lastUnapplied = { unappliedId: await keepUnapplied([row], 'not_applicable') };
          continue;
        }
        recorded += 1;
        await completeClientPayment(trx, {
          workspaceId,
          paymentId: row.id,
          status: 'recorded',
          hostPaymentId: hostPayment.id,
          at: now(),
        });
        await activity(row, row.origin === 'autopay' ? 'invoice.autopay_paid' : 'invoice.payment_recorded', {
          amountCents,
          hostPaymentId: hostPayment.id,
        });
      }
      await outcome(recorded > 0 ? 'recorded' : 'unapplied');
      if (recorded === 0 && lastUnapplied)
        return { outcome: 'unapplied', unappliedId: lastUnapplied.unappliedId, reason: 'not_applicable' };
      return { outcome: 'recorded', paymentId: first.checkout_id, invoiceId: first.invoice_id };
    });
    if (result.outcome === 'recorded' || result.outcome === 'unapplied') deps.afterActivity?.();
    return result;
  }

  return {
    options,
    payable,
    provider: (id: string) => byId.get(id) ?? null,
    /** The workspace's payment settings give a way to pay on this instance (see availability.ts). */
    // Paying online needs the host to record the payment: a host without recordPayment is not paid through the portal.
    hasWayToPay: (settings: PaymentSettings) => invoices()?.recordPayment !== undefined && hasWayToPay(settings, registered),

    /**
     * Starts a checkout for the invoice options() found (the caller has them already: reading the
     * invoice again would double the request's queries); answers where to send the client, or why not.
     */
    async start(
      client: PayingClient,
      found: PaymentOptions,
      request: CheckoutRequest & { amountCents: number },
      meta: RequestMeta,
    ): Promise<
      | { redirectUrl: string }
      | {
          error: 'not_payable' | 'amount_too_high' | 'partial_not_allowed' | 'no_provider' | 'provider_unavailable' | 'payment_in_progress';
        }
    > {
      const { invoice, provider } = found;
      if (!provider) return { error: 'no_provider' };
      if (found.onlineUnavailable) return { error: 'provider_unavailable' };
      if (!payable(invoice)) return { error: 'not_payable' };
      if (request.amountCents > invoice.balanceCents) return { error: 'amount_too_high' };
      if (request.amountCents < invoice.balanceCents && !provider.allowsPartial) return { error: 'partial_not_allowed' };
      return open(client, provider, [{ invoice, amountCents: request.amountCents }], request, meta);
    },

    /**
     * Starts one checkout for the whole balance of several open invoices of the client, in one
     * currency: each invoice gets its share when the money arrives. Answers where to send the
     * client, or why not (naming the invoice that cannot be paid).
     */
    async startSeveral(
      client: PayingClient,
      invoiceIds: readonly string[],
      request: CheckoutRequest,
      meta: RequestMeta,
    ): Promise<
      | { redirectUrl: string; invoices: InvoiceDetail[] }
      | { error: 'not_payable'; number: string | null }
      | { error: 'mixed_currencies' | 'no_provider' | 'provider_unavailable' | 'payment_in_progress' }
    > {
      const port = invoices();
      if (!port?.recordPayment) return { error: 'no_provider' };
      const settings = await findPaymentSettings(db, client.workspaceId);
      const invoicesChosen = await payableInvoices(port, client, invoiceIds);
      if ('error' in invoicesChosen) return invoicesChosen;
      if (new Set(invoicesChosen.map((invoice) => invoice.currency)).size > 1) return { error: 'mixed_currencies' };
      const provider = hasWayToPay(settings, registered) ? (byId.get(settings.onlineProvider) ?? null) : null;
      if (!provider) return { error: 'no_provider' };
      if ((await provider.unavailable?.(client.workspaceId)) != null) return { error: 'provider_unavailable' };
      const shares = invoicesChosen.map((invoice) => ({ invoice, amountCents: invoice.balanceCents }));
      const opened = await open(client, provider, shares, request, meta);
      return 'error' in opened ? opened : { ...opened, invoices: invoicesChosen };
    },

    /** A client's own checkout (the demo provider's hosted page, the page the client returns to): its shares, null when none. */
    async checkout(client: PayingClient, checkoutId: string): Promise<ClientCheckout | null> {
      const shares = await findCheckoutShares(db, { workspaceId: client.workspaceId, clientId: client.clientId, checkoutId });
      return shares.length > 0 ? clientCheckout(shares) : null;
    },

    /** The provider's callback: verified, then recorded at most once per idempotency key. */
    async handleCallback(
      workspaceId: string,
      providerId: string,
      input: { rawBody: Buffer; header(name: string): string | undefined },
      meta: RequestMeta,
    ): Promise<CallbackResult> {
      const provider = byId.get(providerId);
      const port = invoices();
      if (!provider || !port?.recordPayment) return { outcome: 'invalid' };
      const verdict = await provider.verifyCallback({ workspaceId, rawBody: input.rawBody, header: input.header, now: now() });
      if (verdict && 'ignored' in verdict) return { outcome: 'ignored' };
      if (verdict && 'unavailable' in verdict) {
        deps.logger?.error(`payment callback for workspace ${workspaceId} not checked: ${verdict.unavailable}`, undefined);
        return { outcome: 'unavailable' };
      }
      const event = verdict;
      // A signed event is still text from outside: with a control character in it (a NUL that
      // PostgreSQL refuses) it is as unreadable as a bad signature, and nothing is recorded.
      if (!event || controlCharacterFields(event).length > 0) return { outcome: 'invalid' };

      if ('setupId' in event) return deps.setups ? deps.setups.complete(workspaceId, provider, event, meta) : { outcome: 'ignored' };
      return applyEvent(workspaceId, provider, port, event, meta);
    },

    /**
     * A provider's answer to an autopay charge, recorded exactly as its callback would be (the
     * later callback of the same charge then finds it recorded and changes nothing).
     */
    async applyChargeAnswer(workspaceId: string, providerId: string, event: VerifiedCallback, meta: RequestMeta): Promise<CallbackResult> {
      const provider = byId.get(providerId);
      const port = invoices();
      if (!provider || !port?.recordPayment) return { outcome: 'invalid' };
      return applyEvent(workspaceId, provider, port, event, meta);
    },

    /** Money taken that could not be applied, for staff (not refunded first). */
    unapplied: (workspaceId: string) => listUnappliedPayments(db, workspaceId, null),

    /**
     * Gives unapplied money back through its provider, once: the refund's id, who and when are
     * kept on it and the activity log says so. The provider is asked outside any transaction (its
     * keys may be read from the database) with an idempotency key per unapplied payment, so two
     * clicks make one refund; the second finds it recorded and logs nothing more.
     */
    async refundUnapplied(
      workspaceId: string,
      unappliedId: string,
      staff: { id: string },
      meta: RequestMeta,
    ): Promise<'refunded' | 'already_refunded' | 'not_found' | 'no_refund' | 'provider_unavailable'> {
      const found = (await listUnappliedPayments(db, workspaceId, unappliedId))[0];
      if (!found) return 'not_found';
      if (found.refund_id) return 'already_refunded';
      const refund = byId.get(found.provider)?.refund;
      if (!refund) return 'no_refund';
      let refundId: string;
      try {
        ({ refundId } = await refund({
          workspaceId,
          reference: found.reference,
          amountCents: Number(found.amount_cents),
          currency: found.currency,
          idempotencyKey: `portal-refund-${found.id}`,
        }));
      } catch (err) {
        deps.logger?.error(`payment provider ${found.provider} could not refund ${found.reference}`, err);
        return 'provider_unavailable';
      }
      const result = await db.transaction(async (trx) => {
        const row = await lockUnappliedPayment(trx, workspaceId, unappliedId);
        if (!row) return 'not_found' as const;
        if (row.refund_id) return 'already_refunded' as const;
        const at = now();
        await markUnappliedRefunded(trx, { workspaceId, id: row.id, paymentId: row.payment_id, refundId, staffId: staff.id, at });
        const checkout = await lockPaymentRow(trx, { workspaceId, paymentId: row.payment_id });
        await insertActivity(trx, {
          workspaceId,
          event: 'invoice.payment_refunded',
          clientUserId: checkout?.client_user_id ?? null,
          clientId: row.client_id,
          details: {
            invoiceId: row.invoice_id,
            invoiceNumber: row.invoice_number,
            amountCents: Number(row.amount_cents),
            currency: row.currency,
            provider: row.provider,
            paymentId: row.payment_id,
            unappliedId: row.id,
            reference: row.reference,
            refundId,
            staffId: staff.id,
          },
          ip: meta.ip,
          userAgent: meta.userAgent,
        });
        return 'refunded' as const;
      });
      if (result === 'refunded') deps.afterActivity?.();
      return result;
    },

    /** "I paid by bank transfer": logged for staff; nothing changes on the invoice. */
    async reportTransfer(
      client: PayingClient,
      invoiceId: string,
      input: { reference: string | null },
      meta: RequestMeta,
    ): Promise<'reported' | 'not_payable' | null> {
      const found = await options(client, invoiceId);
      if (!found?.bankTransfer) return null;
      if (!payable(found.invoice)) return 'not_payable';
      await logTransferReported(
        client,
        {
          invoiceId: found.invoice.id,
          invoiceNumber: found.invoice.number,
          balanceCents: found.invoice.balanceCents,
          currency: found.invoice.currency,
          reference: input.reference,
        },
        meta,
      );
      return 'reported';
    },

    /** Several open invoices of the client as one bank transfer (the page that shows it), or why not. */
    severalTransfer,

    /**
     * The client says they paid several invoices by one transfer: one `invoice.payment_reported`
     * naming them all (one transfer, one notification), with the total and the reference they
     * quoted. Nothing changes on the invoices until staff record the money in the CRM.
     */
    async reportSeveralTransfer(
      client: PayingClient,
      invoiceIds: readonly string[],
      input: { reference: string | null },
      meta: RequestMeta,
    ): Promise<'reported' | SeveralTransferRefusal> {
      const transfer = await severalTransfer(client, invoiceIds);
      if ('error' in transfer) return transfer;
      await logTransferReported(
        client,
        {
          invoiceIds: transfer.invoices.map((invoice) => invoice.id),
          // What the agency's notification names: every invoice the transfer covers.
          invoiceNumber: transfer.reference,
          balanceCents: transfer.totalCents,
          currency: transfer.currency,
          reference: input.reference,
        },
        meta,
      );
      return 'reported';
    },
  };
}

export type PaymentService = ReturnType<typeof createPaymentService>;
