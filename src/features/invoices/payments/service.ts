// Paying an invoice from the portal.
//   start:    the client picks an amount (the balance, or less where the provider allows) → a
//             client_payments row and `invoice.payment_started`, then off to the provider's checkout.
//   callback: the provider's signed callback → in ONE transaction: claim its idempotency key
//             (client_payment_callbacks), record the payment in the host (InvoicesPort.recordPayment
//             with the same trx), mark the checkout, log `invoice.payment_recorded`. A repeated or
//             concurrent duplicate callback finds the key taken and records nothing. A checkout
//             paid by a delayed method (SEPA debit) stays pending until its later event; a failed
//             or expired one is closed and records nothing. Money the provider reports taken is
//             never refused: where it cannot be applied (the invoice paid or voided meanwhile, a
//             second checkout for the same balance, another amount, a checkout closed here) it is
//             kept as *unapplied* (client_unapplied_payments), logged `invoice.payment_unapplied`
//             (staff are notified at once) and staff may refund it (`invoice.payment_refunded`).
//   one open checkout per invoice: a second Pay for the same amount goes back to the open one
//             (or, when the client finished it with a bank debit still on its way, says a payment is under way);
//             for another amount the open one is closed at the provider first. Starting is
//             serialised per invoice (an advisory lock), so two clicks at once open one.
//   transfer: the client reports having paid by bank transfer → `invoice.payment_reported` only;
//             the invoice stays as it is until staff record the money in the CRM.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  controlCharacterFields,
  type HostAdapter,
  insertActivity,
  type PaymentProvider,
  type PortalLogger,
  type RequestMeta,
} from '../../../core/index.ts';
import type { InvoiceDetail, InvoicesPort } from '../port.ts';
import { hasWayToPay } from './availability.ts';
import { bankTransferDetails } from '../bank-transfer.ts';
import {
  checkoutAwaitingMoney,
  claimCallback,
  closePendingCheckout,
  completeClientPayment,
  findClientPayment,
  findPaymentSettings,
  insertClientPayment,
  insertUnappliedPayment,
  listUnappliedPayments,
  lockInvoiceCheckouts,
  lockPaymentForCallback,
  lockUnappliedPayment,
  markUnappliedRefunded,
  pendingCheckouts,
  reopenCheckout,
  saveProviderCheckout,
  setCallbackOutcome,
  type ClientPaymentRow,
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

export type CallbackResult =
  | { outcome: 'recorded'; paymentId: string; invoiceId: string }
  | { outcome: 'duplicate' }
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
}

export type PaymentOptions = {
  invoice: InvoiceDetail;
  settings: PaymentSettings;
  provider: PaymentProvider | null;
  /** The chosen provider cannot take this workspace's payments now (PaymentProvider.unavailable). */
  onlineUnavailable: boolean;
  bankTransfer: boolean;
};

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

  /** The page of a checkout another click is opening; after a few seconds without one, in progress. */
  async function waitForCheckout(
    client: PayingClient,
    paymentId: string,
  ): Promise<{ redirectUrl: string } | { error: 'payment_in_progress' }> {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const row = await findClientPayment(db, { workspaceId: client.workspaceId, clientId: client.clientId, paymentId });
      if (row?.status !== 'pending') break;
      if (row.checkout_url) return { redirectUrl: row.checkout_url };
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return { error: 'payment_in_progress' };
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
      request: {
        amountCents: number;
        portalBase: string;
        /** The pay page: the client comes back to it with `?payment=<id>` to see how it went. */
        returnUrl: string;
        /** The custom domain the client pays from (its origin), else undefined: the portal's own address. */
        origin: string | undefined;
        /** The client's language, for the provider's page. */
        locale: string;
        /** What the provider's page and receipt call the payment ("Invoice INV-0001"). */
        description: string;
      },
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
      const paymentId = randomUUID();
      const scope = { workspaceId: client.workspaceId, clientId: client.clientId, invoiceId: invoice.id };
      // One open checkout per invoice: decided under a lock per invoice, so two Pay clicks at once
      // (two tabs, a double click) see each other. The provider is asked only after the commit.
      type Decision = { reuse: string } | { wait: string } | { underWay: true } | { closing: ClientPaymentRow[] };
      const decided = await db.transaction(async (trx): Promise<Decision> => {
        await lockInvoiceCheckouts(trx, scope);
        const pending = await pendingCheckouts(trx, scope);
        for (const open of pending) {
          const age = now().getTime() - new Date(open.created_at).getTime();
          const same =
            open.provider === provider.id && Number(open.amount_cents) === request.amountCents && open.currency === invoice.currency;
          // The same payment asked for again after the client finished its checkout with a bank
          // debit: the provider's page is done, so the client is told the payment is under way.
          if (same && (await checkoutAwaitingMoney(trx, { workspaceId: client.workspaceId, paymentId: open.id })))
            return { underWay: true };
          // The same payment asked for again: back to the checkout already open.
          if (same && open.checkout_url && age < REUSE_CHECKOUT_MS) return { reuse: open.checkout_url };
          // Another click is opening it right now: wait for its page below.
          if (same && !open.checkout_url && age < OPENING_MS) return { wait: open.id };
        }
        // Another amount, or too old to reuse: closed here now, at the provider after the commit.
        for (const open of pending) await closePendingCheckout(trx, { workspaceId: client.workspaceId, paymentId: open.id, at: now() });
        const closing = pending;
        await insertClientPayment(trx, {
          id: paymentId,
          workspaceId: client.workspaceId,
          clientId: client.clientId,
          clientUserId: client.clientUserId,
          invoiceId: invoice.id,
          invoiceNumber: invoice.number,
          provider: provider.id,
          amountCents: request.amountCents,
          currency: invoice.currency,
        });
        await insertActivity(trx, {
          workspaceId: client.workspaceId,
          event: 'invoice.payment_started',
          clientUserId: client.clientUserId,
          clientId: client.clientId,
          email: client.email,
          details: {
            invoiceId: invoice.id,
            invoiceNumber: invoice.number,
            amountCents: request.amountCents,
            currency: invoice.currency,
            provider: provider.id,
            paymentId,
          },
          ip: meta.ip,
          userAgent: meta.userAgent,
        });
        return { closing };
      });
      if ('reuse' in decided) return { redirectUrl: decided.reuse };
      if ('wait' in decided) return waitForCheckout(client, decided.wait);
      if ('underWay' in decided) return { error: 'payment_in_progress' };
      deps.afterActivity?.();
      const cancel = () =>
        db.transaction((trx) =>
          completeClientPayment(trx, { workspaceId: client.workspaceId, paymentId, status: 'cancelled', hostPaymentId: null, at: now() }),
        );
      for (const old of decided.closing) {
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
          // it stays the invoice's one checkout, and this one is not opened.
          await reopenCheckout(db, { workspaceId: client.workspaceId, paymentId: old.id });
          await cancel();
          return { error: 'payment_in_progress' };
        }
      }
      try {
        const checkout = await provider.createCheckout({
          paymentId,
          workspaceId: client.workspaceId,
          invoiceNumber: invoice.number,
          description: request.description,
          amountCents: request.amountCents,
          currency: invoice.currency,
          returnUrl: `${request.returnUrl}?payment=${paymentId}`,
          portalBase: request.portalBase,
          appUrl: request.origin ?? deps.appUrl,
          locale: request.locale,
          customerEmail: client.email,
        });
        await saveProviderCheckout(db, {
          workspaceId: client.workspaceId,
          paymentId,
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
    },

    /** A client's own checkout (the demo provider's hosted page). */
    checkout: (client: PayingClient, paymentId: string): Promise<ClientPaymentRow | null> =>
      findClientPayment(db, { workspaceId: client.workspaceId, clientId: client.clientId, paymentId }),

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

      const result = await db.transaction(async (trx): Promise<CallbackResult> => {
        const fresh = await claimCallback(trx, {
          workspaceId,
          provider: provider.id,
          idempotencyKey: event.idempotencyKey,
          paymentId: event.paymentId,
          outcome: 'refused',
        });
        if (!fresh) return { outcome: 'duplicate' };
        const payment = await lockPaymentForCallback(trx, { workspaceId, provider: provider.id, paymentId: event.paymentId });
        if (!payment) {
          if (event.outcome === 'succeeded')
            deps.logger?.error(
              `${provider.id} reports ${event.amountCents} ${event.currency} taken (${event.reference}) for checkout ${event.paymentId}, which this workspace does not have`,
              undefined,
            );
          return { outcome: 'refused', reason: 'unknown payment' };
        }
        /** Money taken that cannot go on the invoice: kept, logged, and staff told at once. */
        const unapplied = async (reason: UnappliedReason): Promise<CallbackResult> => {
          const unappliedId = randomUUID();
          await insertUnappliedPayment(trx, {
            id: unappliedId,
            workspace_id: workspaceId,
            payment_id: payment.id,
            client_id: payment.client_id,
            invoice_id: payment.invoice_id,
            invoice_number: payment.invoice_number,
            provider: provider.id,
            amount_cents: event.amountCents,
            currency: event.currency,
            reference: event.reference,
            reason,
            received_at: now(),
          });
          if (payment.status !== 'recorded')
            await completeClientPayment(trx, { workspaceId, paymentId: payment.id, status: 'unapplied', hostPaymentId: null, at: now() });
          await setCallbackOutcome(trx, { workspaceId, provider: provider.id, idempotencyKey: event.idempotencyKey, outcome: 'unapplied' });
          await insertActivity(trx, {
            workspaceId,
            event: 'invoice.payment_unapplied',
            clientUserId: payment.client_user_id,
            clientId: payment.client_id,
            details: {
              invoiceId: payment.invoice_id,
              invoiceNumber: payment.invoice_number,
              amountCents: event.amountCents,
              currency: event.currency,
              provider: provider.id,
              paymentId: payment.id,
              unappliedId,
              reason,
              reference: event.reference,
            },
            ip: meta.ip,
            userAgent: meta.userAgent,
          });
          deps.logger?.error(
            `payment ${payment.id}: ${provider.id} took ${event.amountCents} ${event.currency} (${event.reference}) that could not be applied to invoice ${payment.invoice_number} (${reason}); kept as unapplied ${unappliedId}`,
            undefined,
          );
          return { outcome: 'unapplied', unappliedId, reason };
        };
        if (payment.status !== 'pending') {
          // Taken for a checkout already closed here (expired, failed, given up): still money.
          if (event.outcome === 'succeeded' && payment.status !== 'recorded') return unapplied('checkout_closed');
          return { outcome: 'refused', reason: `payment already ${payment.status}` };
        }
        const close = (status: 'refused' | 'cancelled') =>
          completeClientPayment(trx, { workspaceId, paymentId: payment.id, status, hostPaymentId: null, at: now() });
        // A checkout that ended unpaid: the agency reads it in the activity log, since the client
        // may believe they paid (a bank debit refused days later) or may need a nudge.
        const unpaid = (activity: 'invoice.payment_failed' | 'invoice.payment_cancelled') =>
          insertActivity(trx, {
            workspaceId,
            event: activity,
            clientUserId: payment.client_user_id,
            clientId: payment.client_id,
            details: {
              invoiceId: payment.invoice_id,
              invoiceNumber: payment.invoice_number,
              amountCents: Number(payment.amount_cents),
              currency: payment.currency,
              provider: provider.id,
              paymentId: payment.id,
            },
            ip: meta.ip,
            userAgent: meta.userAgent,
          });
        if (event.outcome === 'cancelled') {
          await close('cancelled');
          await setCallbackOutcome(trx, { workspaceId, provider: provider.id, idempotencyKey: event.idempotencyKey, outcome: 'cancelled' });
          await unpaid('invoice.payment_cancelled');
          return { outcome: 'cancelled' };
        }
        if (event.outcome === 'failed') {
          await close('refused');
          await unpaid('invoice.payment_failed');
          return { outcome: 'refused', reason: 'the provider reports a failure' };
        }
        if (event.amountCents !== Number(payment.amount_cents) || event.currency !== payment.currency) {
          if (event.outcome === 'succeeded') return unapplied('amount_differs');
          await close('refused');
          deps.logger?.error(
            `payment ${payment.id} refused: ${provider.id} reports ${event.amountCents} ${event.currency}, the checkout was for ${payment.amount_cents} ${payment.currency}`,
            undefined,
          );
          return { outcome: 'refused', reason: 'amount or currency differs from the checkout' };
        }
        if (event.outcome === 'pending') {
          await setCallbackOutcome(trx, { workspaceId, provider: provider.id, idempotencyKey: event.idempotencyKey, outcome: 'pending' });
          return { outcome: 'pending' };
        }
        const recorded = await port.recordPayment!(
          workspaceId,
          payment.client_id,
          payment.invoice_id,
          {
            amountCents: event.amountCents,
            method: provider.method,
            reference: event.reference,
            paidAt: event.paidAt,
            provider: provider.id,
          },
          { trx },
        );
        // The invoice is no longer open, or the amount exceeds its balance (paid meanwhile).
        if (!recorded) return unapplied('not_applicable');
        await completeClientPayment(trx, { workspaceId, paymentId: payment.id, status: 'recorded', hostPaymentId: recorded.id, at: now() });
        await setCallbackOutcome(trx, { workspaceId, provider: provider.id, idempotencyKey: event.idempotencyKey, outcome: 'recorded' });
        await insertActivity(trx, {
          workspaceId,
          event: 'invoice.payment_recorded',
          clientUserId: payment.client_user_id,
          clientId: payment.client_id,
          details: {
            invoiceId: payment.invoice_id,
            invoiceNumber: payment.invoice_number,
            amountCents: event.amountCents,
            currency: event.currency,
            provider: provider.id,
            paymentId: payment.id,
            hostPaymentId: recorded.id,
          },
          ip: meta.ip,
          userAgent: meta.userAgent,
        });
        return { outcome: 'recorded', paymentId: payment.id, invoiceId: payment.invoice_id };
      });
      if (result.outcome === 'recorded' || result.outcome === 'unapplied') deps.afterActivity?.();
      return result;
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
        ({ refundId } = await refund({ workspaceId, reference: found.reference, idempotencyKey: `portal-refund-${found.id}` }));
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
        const checkout = await lockPaymentForCallback(trx, { workspaceId, provider: row.provider, paymentId: row.payment_id });
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
      await insertActivity(db, {
        workspaceId: client.workspaceId,
        event: 'invoice.payment_reported',
        clientUserId: client.clientUserId,
        clientId: client.clientId,
        email: client.email,
        details: {
          invoiceId: found.invoice.id,
          invoiceNumber: found.invoice.number,
          balanceCents: found.invoice.balanceCents,
          currency: found.invoice.currency,
          reference: input.reference,
        },
        ip: meta.ip,
        userAgent: meta.userAgent,
      });
      deps.afterActivity?.();
      return 'reported';
    },
  };
}

export type PaymentService = ReturnType<typeof createPaymentService>;
