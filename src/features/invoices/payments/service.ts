// Paying an invoice from the portal.
//   start:    the client picks an amount (the balance, or less where the provider allows) → a
//             client_payments row and `invoice.payment_started`, then off to the provider's checkout.
//   callback: the provider's signed callback → in ONE transaction: claim its idempotency key
//             (client_payment_callbacks), record the payment in the host (InvoicesPort.recordPayment
//             with the same trx), mark the checkout, log `invoice.payment_recorded`. A repeated or
//             concurrent duplicate callback finds the key taken and records nothing. A checkout
//             paid by a delayed method (SEPA debit) stays pending until its later event; a failed
//             or expired one is closed and records nothing.
//   transfer: the client reports having paid by bank transfer → `invoice.payment_reported` only;
//             the invoice stays as it is until staff record the money in the CRM.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  controlCharacterFields,
  type HostAdapter,
  insertActivity,
  type InvoiceDetail,
  type InvoicesPort,
  type PaymentProvider,
  type PortalLogger,
  type RequestMeta,
} from '../../../core/index.ts';
import { hasWayToPay } from './availability.ts';
import { bankTransferDetails } from '../bank-transfer.ts';
import {
  claimCallback,
  completeClientPayment,
  findClientPayment,
  findPaymentSettings,
  insertClientPayment,
  lockPaymentForCallback,
  setCallbackOutcome,
  type ClientPaymentRow,
  type PaymentSettings,
} from './queries.ts';

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

  return {
    options,
    payable,
    provider: (id: string) => byId.get(id) ?? null,
    /** The workspace's payment settings give a way to pay on this instance (see availability.ts). */
    hasWayToPay: (settings: PaymentSettings) => hasWayToPay(settings, registered),

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
        /** The client's language, for the provider's page. */
        locale: string;
        /** What the provider's page and receipt call the payment ("Invoice INV-0001"). */
        description: string;
      },
      meta: RequestMeta,
    ): Promise<
      | { redirectUrl: string }
      | { error: 'not_payable' | 'amount_too_high' | 'partial_not_allowed' | 'no_provider' | 'provider_unavailable' }
    > {
      const { invoice, provider } = found;
      if (!provider) return { error: 'no_provider' };
      if (found.onlineUnavailable) return { error: 'provider_unavailable' };
      if (!payable(invoice)) return { error: 'not_payable' };
      if (request.amountCents > invoice.balanceCents) return { error: 'amount_too_high' };
      if (request.amountCents < invoice.balanceCents && !provider.allowsPartial) return { error: 'partial_not_allowed' };
      const paymentId = randomUUID();
      await db.transaction(async (trx) => {
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
      });
      deps.afterActivity?.();
      try {
        return await provider.createCheckout({
          paymentId,
          workspaceId: client.workspaceId,
          invoiceNumber: invoice.number,
          description: request.description,
          amountCents: request.amountCents,
          currency: invoice.currency,
          returnUrl: `${request.returnUrl}?payment=${paymentId}`,
          portalBase: request.portalBase,
          appUrl: deps.appUrl,
          locale: request.locale,
          customerEmail: client.email,
        });
      } catch (err) {
        // The provider is unreachable or refuses the keys: the checkout never opened, so it is
        // closed at once and the client is asked to try again later.
        deps.logger?.error(`payment provider ${provider.id} could not open a checkout`, err);
        await db.transaction((trx) =>
          completeClientPayment(trx, { workspaceId: client.workspaceId, paymentId, status: 'cancelled', hostPaymentId: null, at: now() }),
        );
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
      if (!provider || !port) return { outcome: 'invalid' };
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
        if (!payment) return { outcome: 'refused', reason: 'unknown payment' };
        if (payment.status !== 'pending') return { outcome: 'refused', reason: `payment already ${payment.status}` };
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
        const recorded = await port.recordPayment(
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
        await completeClientPayment(trx, {
          workspaceId,
          paymentId: payment.id,
          status: recorded ? 'recorded' : 'refused',
          hostPaymentId: recorded?.id ?? null,
          at: now(),
        });
        if (!recorded) return { outcome: 'refused', reason: 'the invoice is no longer open or the amount exceeds its balance' };
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
      if (result.outcome === 'recorded') deps.afterActivity?.();
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
