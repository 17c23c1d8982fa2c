// Invoices and their payments: the client's list and page (preview, PDF, receipts, statement,
// comments), paying online or by transfer, the providers' signed callbacks, and the staff's
// payment settings.
import { invoicesManifest } from './manifest.ts';
import type { CoreServices, Feature, PaymentProvider } from '../../core/index.ts';
import type { CommentsPort } from '../messages/index.ts';
import { createInvoiceHandlers } from './handlers.ts';
import { invoiceRoutes } from './routes.ts';
import { invoicesPersonalData } from './personal-data.ts';
import { paymentSettingsRoutes } from './payments/admin-routes.ts';
import { createPaymentAvailability, type PaymentAvailability } from './payments/availability.ts';
import { createDemoProvider } from './payments/demo-provider.ts';
import { createStripeKeyStore } from './payments/stripe-key-store.ts';
import { isUnreadable, stripeKeyResolver } from './payments/stripe-keys.ts';
import { workspacesChoosingProvider } from './payments/queries.ts';
import { createStripeProvider } from './payments/stripe-provider.ts';
import { createPaymentHandlers } from './payments/handlers.ts';
import { createSeveralTransferHandlers } from './payments/several-transfer-handlers.ts';
import { paymentCallbackRoutes, paymentRoutes, severalTransferRoutes } from './payments/routes.ts';
import { createPaymentService, type PaymentService } from './payments/service.ts';
import { createPaymentMethodHandlers } from './payment-methods/handlers.ts';
import { paymentMethodRoutes } from './payment-methods/routes.ts';
import { createPaymentMethodsService } from './payment-methods/service.ts';
import { type Autopay, AUTOPAY_EVERY_MS, createAutopay } from './autopay/job.ts';

export type { PaymentService } from './payments/service.ts';
export { invoiceClientPage, invoicePdfModel, presentInvoiceDetail, presentInvoiceRow } from './presenters.ts';
export { paymentMethodLabel } from './payment-labels.ts';
export { receiptNumber } from './receipts.ts';
export { onlinePayersOf } from './payments/queries.ts';

// This feature's host port, for the features that build on it.
export type { InvoiceDetail, InvoiceSummary } from './port.ts';

/**
 * The payment providers this instance offers, and whether a workspace can be paid online: the
 * workspace cache asks the latter before the features exist. The demo provider only where the
 * host asked for it (it records invoices paid with no money moved), Stripe always (built in: it
 * takes money once a workspace has keys, its own, the host's or the installation's), then the
 * host's own providers; a host provider named 'stripe' takes the built-in one's place.
 */
export function paymentProviders(core: Pick<CoreServices, 'db' | 'config' | 'adapter'>, hostProviders: PaymentProvider[] = []) {
  const demo = core.config.demoPaymentProvider ? createDemoProvider({ secret: core.config.sessionSecret }) : null;
  const stripeKeyStore = createStripeKeyStore(core.db, core.config);
  const stripeKeys = stripeKeyResolver({
    workspace: stripeKeyStore.open,
    host: core.adapter.stripeKeys,
    environment: core.config.stripe,
  });
  const stripe = createStripeProvider({ keys: stripeKeys, apiBase: core.config.stripe.apiBase });
  const builtIn = hostProviders.some((provider) => provider.id === stripe.id) ? [] : [stripe];
  const providers = [...(demo ? [demo] : []), ...builtIn, ...hostProviders];
  const availability = createPaymentAvailability(
    core.db,
    providers.map((provider) => provider.id),
  );
  /**
   * What start-up names, for each workspace that chose Stripe: keys saved but unreadable refuse
   * the start (the secret they were sealed under is missing: every workspace with its own keys is
   * usually hit at once, and setting it back is the fix); no keys, or no webhook secret, is a warning.
   */
  async function startupCheck(): Promise<{ refusals: string[]; warnings: string[] }> {
    const check = { refusals: [] as string[], warnings: [] as string[] };
    if (builtIn.length === 0) return check;
    for (const workspaceId of await workspacesChoosingProvider(core.db, stripe.id)) {
      const keys = await stripeKeys(workspaceId);
      if (isUnreadable(keys))
        check.refusals.push(
          `workspace ${workspaceId} chooses Stripe with keys of its own (${keys.hint ?? 'saved'}) that cannot be opened: set PAYMENT_KEYS_SECRET (or SESSION_SECRET) back to the secret they were saved under, or keep that one in PAYMENT_KEYS_SECRET_PREVIOUS (or SESSION_SECRET_PREVIOUS); until then its clients cannot pay online (docs/configuration.md, "Rotating the payment keys secret").`,
        );
      else if (!keys)
        check.warnings.push(
          `workspace ${workspaceId} chooses Stripe but has no keys: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or save the workspace's keys on its Payments page; its clients cannot pay by card until then.`,
        );
      else if (!keys.webhookSecret)
        check.warnings.push(
          `workspace ${workspaceId} chooses Stripe with keys from ${keys.source} but no webhook secret: set STRIPE_WEBHOOK_SECRET; no payment is recorded until then.`,
        );
    }
    return check;
  }
  return { demo, stripe: builtIn.length > 0 ? stripe : null, stripeKeyStore, stripeKeys, providers, availability, startupCheck };
}

type Providers = ReturnType<typeof paymentProviders>;

/**
 * The feature, and its payment service. `comments` are the messages feature's threads;
 * `afterPayment` tells the staff notifications that a payment event committed.
 */
export function invoicesFeature(
  core: CoreServices,
  shared: { comments: CommentsPort; payments: Providers; afterPayment: () => void },
): Feature & { payments: PaymentService; availability: PaymentAvailability; autopay: Autopay | null } {
  const { db, adapter, storage, workspaces, now, limiter } = core;
  const { comments, afterPayment } = shared;
  const { demo, stripe, stripeKeyStore, stripeKeys, providers, availability } = shared.payments;
  const methods = createPaymentMethodsService({ db, providers, now, logger: core.logger, afterActivity: afterPayment });
  const payments = createPaymentService({
    db,
    adapter,
    providers,
    now,
    appUrl: core.config.appUrl,
    logger: core.logger,
    afterActivity: afterPayment,
    setups: methods,
    guard: core.guard,
  });
  const paymentHandlers = createPaymentHandlers({ payments, demo, now });
  const autopay = adapter.invoices?.recordPayment
    ? createAutopay({
        db,
        invoices: adapter.invoices,
        payments,
        methods,
        workspaces,
        flags: core.flags,
        mailer: core.mailer,
        portalLinks: core.links,
        now,
        logger: core.logger,
      })
    : null;
  return {
    name: invoicesManifest.name,
    needs: { ports: ['invoices'] },
    personalData: invoicesPersonalData(db),
    payments,
    availability,
    autopay,
    clientRoutes: adapter.invoices
      ? [
          invoiceRoutes(
            createInvoiceHandlers({
              db,
              invoices: adapter.invoices,
              payments,
              methods,
              clients: adapter.clients,
              comments,
              storage,
              now,
              limiter,
            }),
          ),
          paymentRoutes(paymentHandlers),
          severalTransferRoutes(createSeveralTransferHandlers({ payments })),
          paymentMethodRoutes(
            createPaymentMethodHandlers({ methods, invoices: adapter.invoices, payments, demo, config: core.config, now }),
          ),
        ]
      : [],
    jobs: autopay
      ? [
          {
            name: 'autopay charges',
            everyMs: AUTOPAY_EVERY_MS,
            run: () => void autopay.runInBackground().catch((err) => core.logger.error('autopay failed', err)),
            idle: autopay.idle,
          },
        ]
      : [],
    callbackRoutes: [paymentCallbackRoutes(paymentHandlers)],
    adminRoutes: [
      paymentSettingsRoutes({
        db,
        workspaces,
        availability,
        stripe: stripe ? { provider: stripe, store: stripeKeyStore, keys: stripeKeys } : null,
        callbackUrl: (slug) => `${core.config.appUrl}${core.config.portalPath}/${slug}/payments/callback/stripe`,
        payments,
      }),
    ],
  };
}
