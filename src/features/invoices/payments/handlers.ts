// Handlers for paying an invoice: the pay page and its two forms, the demo provider's hosted
// checkout, and the providers' callbacks. Every form answers 303 (post/redirect/get) or, when its
// input is wrong, the same page again with what was typed and every error.
import express, { type Request, type Response } from 'express';
import {
  customOriginOf,
  allowFormActionTo,
  authorizePayPage,
  canClient,
  type FieldErrors,
  notFound,
  parseParam,
  portalContext,
  portalI18n,
  renderPortalPage,
  requestMeta,
} from '../../../core/index.ts';
import { InvoiceIdParam, PaymentIdParam, PayPageQuery, type PayInput, type ReportTransferInput } from './commands.ts';
import type { DemoProvider } from './demo-provider.ts';
import { presentBankTransfer } from './bank-transfer-view.ts';
import { presentCheckout, presentPayOutcome, presentPayPage } from './presenters.ts';
import { payingClientOf, type PaymentService } from './service.ts';

const START_ERRORS = {
  not_payable: 'payments:errors.notPayable',
  amount_too_high: 'payments:errors.amountTooHigh',
  partial_not_allowed: 'payments:errors.partialNotAllowed',
  no_provider: 'payments:errors.noProvider',
  provider_unavailable: 'payments:errors.providerUnavailable',
  payment_in_progress: 'payments:errors.paymentInProgress',
} as const;

const payingClient = payingClientOf;

/**
 * `demo` is null where the demo provider is not registered: its checkout pages then answer 404
 * like any page that does not exist (it records invoices paid with no money moved).
 */
export function createPaymentHandlers(deps: { payments: PaymentService; demo: DemoProvider | null; now: () => Date }) {
  const { payments } = deps;

  /** The demo provider, or 404 where it is not registered. */
  function demoProvider(): DemoProvider {
    if (!deps.demo) throw notFound();
    return deps.demo;
  }

  async function showPayPage(
    req: Request,
    res: Response,
    form: { errors?: FieldErrors; values?: Record<string, string>; transferErrors?: FieldErrors } = {},
    status = 200,
  ) {
    const invoiceId = parseParam(InvoiceIdParam, req.params.id);
    const found = await payments.options(payingClient(res), invoiceId);
    if (!found) throw notFound();
    // The settings read just now, not only the cached switch: paying online needs a way to pay;
    // a bank transfer shows wherever invoices do (see authorizePayPage).
    const { settings, base } = portalContext(res);
    const online = payments.hasWayToPay(found.settings) && canClient(settings, 'pay_online');
    authorizePayPage(settings, { online, bankTransfer: found.bankTransfer });
    if (online) allowFormActionTo(res, found.provider?.checkoutOrigins ?? []);
    const i18n = portalI18n(res);
    const bankTransfer = await presentBankTransfer(i18n, found.invoice, found.settings.bankTransferInstructions);
    const page = presentPayPage(i18n, base, found, payments.payable(found.invoice), { online, bankTransfer });
    // Back from a provider's checkout: how that payment went, read from the client's own checkouts.
    const query = PayPageQuery.safeParse(req.query);
    const returned = query.success && query.data.payment ? await payments.checkout(payingClient(res), query.data.payment) : null;
    const outcome = returned?.shares.some((share) => share.invoice_id === found.invoice.id)
      ? presentPayOutcome(i18n, returned, query.data?.cancelled === true)
      : null;
    renderPortalPage(
      req,
      res,
      'payments/pay',
      i18n.t('payments:pay.title', { number: found.invoice.number }),
      {
        page,
        errors: translateErrors(i18n.t, form.errors ?? {}),
        transferErrors: translateErrors(i18n.t, form.transferErrors ?? {}),
        values: { choice: form.values?.choice ?? 'full', amount: form.values?.amount ?? '', reference: form.values?.reference ?? '' },
        reported: query.success && query.data.reported,
        outcome,
      },
      status,
    );
  }

  return {
    /** The demo checkout's routes are mounted only when true. */
    demoRegistered: deps.demo !== null,

    /** The pay page: online payment and bank transfer, each where it applies (404 with neither). */
    payPage: (req: Request, res: Response) => showPayPage(req, res),

    invalidPay: (req: Request, res: Response, errors: FieldErrors) =>
      showPayPage(req, res, { errors, values: stringValues(req.body) }, 400),

    startPayment: async (req: Request, res: Response) => {
      const { base } = portalContext(res);
      const invoiceId = parseParam(InvoiceIdParam, req.params.id);
      const client = payingClient(res);
      const input = req.body as PayInput;
      const found = await payments.options(client, invoiceId);
      if (!found || !payments.hasWayToPay(found.settings)) throw notFound();
      const amountCents = input.amountCents ?? found.invoice.balanceCents;
      const i18n = portalI18n(res);
      const result = await payments.start(
        client,
        found,
        {
          amountCents,
          portalBase: base,
          returnUrl: `${base}/invoices/${encodeURIComponent(invoiceId)}/pay`,
          origin: customOriginOf(req),
          locale: i18n.locale,
          description: i18n.t('payments:pay.lineItem', { number: found.invoice.number }),
        },
        requestMeta(req),
      );
      if ('error' in result) {
        return showPayPage(
          req,
          res,
          { errors: { amount: START_ERRORS[result.error] }, values: { choice: input.choice, amount: input.amountText } },
          result.error === 'provider_unavailable' ? 503 : result.error === 'payment_in_progress' ? 409 : 400,
        );
      }
      res.redirect(303, result.redirectUrl);
    },

    invalidTransfer: (req: Request, res: Response, errors: FieldErrors) =>
      showPayPage(req, res, { transferErrors: errors, values: stringValues(req.body) }, 400),

    reportTransfer: async (req: Request, res: Response) => {
      const { base } = portalContext(res);
      const invoiceId = parseParam(InvoiceIdParam, req.params.id);
      const result = await payments.reportTransfer(payingClient(res), invoiceId, req.body as ReportTransferInput, requestMeta(req));
      if (result === null) throw notFound();
      if (result === 'not_payable') return showPayPage(req, res, { transferErrors: { reference: 'payments:errors.notPayable' } }, 409);
      res.redirect(303, `${base}/invoices/${encodeURIComponent(invoiceId)}/pay?reported=1`);
    },

    demoCheckout: async (req: Request, res: Response) => {
      const demo = demoProvider();
      const paymentId = parseParam(PaymentIdParam, req.params.paymentId);
      const client = payingClient(res);
      const checkout = await payments.checkout(client, paymentId);
      if (!checkout || checkout.provider !== demo.id) throw notFound();
      const i18n = portalI18n(res);
      renderPortalPage(req, res, 'payments/demo-checkout', i18n.t('payments:demo.title'), {
        checkout: presentCheckout(i18n, portalContext(res), checkout),
      });
    },

    demoConfirm: async (req: Request, res: Response) => {
      const demo = demoProvider();
      const { workspace, base } = portalContext(res);
      const paymentId = parseParam(PaymentIdParam, req.params.paymentId);
      const client = payingClient(res);
      const checkout = await payments.checkout(client, paymentId);
      if (!checkout || checkout.provider !== demo.id) throw notFound();
      const { action } = req.body as { action: 'pay' | 'cancel' };
      if (action === 'cancel' || checkout.status !== 'pending') {
        // Given up: back where the client started (the invoice's pay page, or the list for several).
        const started =
          checkout.shares.length > 1
            ? `${base}/invoices?payment=${checkout.id}&cancelled=1`
            : `${base}/invoices/${encodeURIComponent(checkout.shares[0]!.invoice_id)}/pay`;
        return res.redirect(303, action === 'cancel' ? started : `${base}/payments/demo/${checkout.id}`);
      }
      // What the demo provider does once the card "went through": it signs and sends its callback.
      // It goes through the same handler as a callback arriving over HTTP.
      const at = deps.now();
      const signed = demo.signedCallback(
        workspace.id,
        {
          id: `evt_${checkout.id}`,
          type: 'payment.succeeded',
          payment: { id: checkout.id, amount_cents: checkout.amountCents, currency: checkout.currency, paid_at: at.toISOString() },
        },
        at,
      );
      await payments.handleCallback(
        workspace.id,
        demo.id,
        { rawBody: signed.rawBody, header: (name) => (name.toLowerCase() === 'demo-signature' ? signed.signature : undefined) },
        requestMeta(req),
      );
      res.redirect(303, `${base}/payments/demo/${checkout.id}`);
    },

    /** A provider's server-to-server callback: no session, no CSRF token; the signature is the proof. */
    callbackBody: express.raw({ type: () => true, limit: '64kb' }),

    callback: async (req: Request, res: Response) => {
      // Whatever the switches say now: they govern new checkouts, and this event is about one the
      // portal started (money may already be taken). The provider must be one this instance has.
      const { workspace } = portalContext(res);
      const provider = String(req.params.provider ?? '');
      // A provider this instance does not have has no callback route (the demo one where it is off).
      if (!payments.provider(provider)) throw notFound();
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const result = await payments.handleCallback(workspace.id, provider, { rawBody, header: (name) => req.get(name) }, requestMeta(req));
      if (result.outcome === 'invalid') return res.status(400).json({ error: 'invalid signature or body' });
      // Not the sender's fault and not final: the provider sends the event again later.
      if (result.outcome === 'unavailable') return res.status(503).json({ error: 'payments are unavailable here for now' });
      // Duplicates and refusals are answered 200 so the provider stops retrying; nothing was recorded twice.
      res.status(200).json({ status: result.outcome });
    },
  };
}

function stringValues(body: unknown): Record<string, string> {
  const source = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries(source).filter(([, value]) => typeof value === 'string')) as Record<string, string>;
}

/** The payment forms' own messages are keys (payments:…); the core's come translated. */
export function translateErrors(t: (key: string) => string, errors: FieldErrors): FieldErrors {
  return Object.fromEntries(
    Object.entries(errors).map(([field, message]) => [field, message.startsWith('payments:') ? t(message) : message]),
  );
}

export type PaymentHandlers = ReturnType<typeof createPaymentHandlers>;
