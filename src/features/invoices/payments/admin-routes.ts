// The admin's payment settings, inside the admin router (staff → workspace → flag → admin policy →
// CSRF): the bank transfer instructions clients see and the online provider they are sent to.
// Only providers registered on this instance are offered: the demo one (no money moves) exists
// only where the host enabled it, so in production the list is Stripe and the host's providers.
// Stripe's keys: the workspace's own are typed here once, stored encrypted and never shown again
// (a hint: sk_test_…4242); "Test the connection" asks Stripe for the balance with the keys in force.
// Money taken that could not be applied (UNAPPLIED_PAYMENTS_PATH) is listed for staff, each with a
// refund through its provider (post/redirect/get).
import { Router, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import {
  type FieldErrors,
  findSettings,
  renderAdminPage,
  staffContext,
  notFound,
  parseParam,
  requestMeta,
  type RequestI18n,
  type Translate,
  UNAPPLIED_PAYMENTS_PATH,
  validateBody,
  validateQuery,
  type WorkspaceCache,
} from '../../../core/index.ts';
import { presentUnappliedPayments } from './presenters.ts';
import type { PaymentService } from './service.ts';
import { hasWayToPay, NO_ONLINE_PROVIDER, type PaymentAvailability } from './availability.ts';
import { DEFAULT_PAYMENT_SETTINGS, findPaymentSettings, type PaymentSettings, savePaymentSettings } from './queries.ts';
import type { StripeKeyStore } from './stripe-key-store.ts';
import { isUnreadable, type StripeKeyResolver } from './stripe-keys.ts';
import { STRIPE_EVENTS, type StripeConnection, type StripeProvider } from './stripe-provider.ts';
import { STRIPE_CHARGE_EVENTS } from './stripe-saved-methods.ts';

/** The events the workspace's Stripe endpoint must send: autopay's charges report through PaymentIntent events. */
const stripeEventsFor = (settings: PaymentSettings): readonly string[] =>
  settings.autopayAllowed ? [...STRIPE_EVENTS, ...STRIPE_CHARGE_EVENTS] : STRIPE_EVENTS;

const CHOOSE_PROVIDER = 'Choose an online payment provider from the list.';

/** The form's schema: the provider must be one registered on this instance, or none. */
function paymentSettingsCommand(providerIds: readonly string[]) {
  return z.object({
    bankTransferInstructions: z
      .string()
      .max(2000, 'Use at most 2000 characters for the bank transfer instructions.')
      .transform((text) => text.replace(/\r\n/g, '\n').trim())
      .transform((text) => (text === '' ? null : text)),
    onlineProvider: z.enum([NO_ONLINE_PROVIDER, ...providerIds] as [string, ...string[]], { error: CHOOSE_PROVIDER }),
    // A checkbox: present when ticked.
    autopayAllowed: z
      .unknown()
      .optional()
      .transform((value) => value === 'on'),
    // Absent (a form from before autopay): the defaults.
    autopayRetryDays: z
      .string()
      .max(40, RETRY_DAYS)
      .optional()
      .default(DEFAULT_PAYMENT_SETTINGS.autopayRetryDays.join(','))
      .transform((text) =>
        text
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^\d{1,2}$/, RETRY_DAYS)).max(5, RETRY_DAYS))
      .transform((days) => days.map(Number))
      .refine((days) => days.every((day) => day >= 1 && day <= 60) && days.every((day, i) => i === 0 || day > days[i - 1]!), RETRY_DAYS),
    sepaNoticeDays: z
      .string()
      .max(4, SEPA_NOTICE_DAYS)
      .optional()
      .transform((text) => (text?.trim() ? text.trim() : String(DEFAULT_PAYMENT_SETTINGS.sepaNoticeDays)))
      .pipe(z.coerce.number({ error: SEPA_NOTICE_DAYS }))
      .pipe(z.number().int(SEPA_NOTICE_DAYS).min(1, SEPA_NOTICE_DAYS).max(30, SEPA_NOTICE_DAYS)),
  });
}

const SEPA_NOTICE_DAYS = 'Give a whole number of days from 1 to 30 (14 unless your SEPA mandate text names fewer).';
const RETRY_DAYS =
  'Give up to five days between 1 and 60, rising, separated by commas (for example 1, 3, 7), or leave it empty for no retry.';

type PaymentSettingsInput = z.infer<ReturnType<typeof paymentSettingsCommand>>;

/** What the admin sees for a provider: the demo one says that it takes no money. */
/** A provider as the select names it: described where the portal knows it, else by its id. */
const providerLabel = (t: Translate, id: string) =>
  id === 'demo' ? t('payments:staff.demoProvider') : id === 'stripe' ? t('payments:staff.stripeProvider') : id;

const SavedQuery = z.object({
  saved: z
    .unknown()
    .optional()
    .transform((value) => (value === '1' || value === 'keys' || value === 'keys-removed' ? value : null)),
});

const UnappliedQuery = z.object({
  refund: z.enum(['refunded', 'already_refunded', 'no_refund', 'provider_unavailable']).optional().catch(undefined),
});

/** The workspace's own Stripe keys: both, of the right kinds (a publishable key would take no money). */
const StripeKeysCommand = z.object({
  stripeSecretKey: z
    .string()
    .trim()
    .regex(
      /^(sk|rk)_(test|live)_[A-Za-z0-9]{8,247}$/,
      'Paste a secret key (sk_live_…, sk_test_…) or a restricted key (rk_…), not a publishable key (pk_…).',
    ),
  stripeWebhookSecret: z
    .string()
    .trim()
    .regex(
      /^whsec_[A-Za-z0-9+/=]{8,250}$/,
      "Paste the webhook endpoint's signing secret (whsec_…), shown in Stripe under Developers → Webhooks.",
    ),
});

interface StripeAdmin {
  provider: Pick<StripeProvider, 'testConnection'>;
  store: StripeKeyStore;
  keys: StripeKeyResolver;
}

export function paymentSettingsRoutes(deps: {
  db: Knex;
  workspaces: Pick<WorkspaceCache, 'changed'>;
  availability: Pick<PaymentAvailability, 'providerIds'>;
  /** Stripe's keys and connection test; null where a host provider took Stripe's place. */
  stripe: StripeAdmin | null;
  /** Where Stripe sends its events for this workspace: the admin configures it in Stripe. */
  callbackUrl(workspaceSlug: string): string;
  /** Money taken that could not be applied, and its refund. */
  payments: Pick<PaymentService, 'unapplied' | 'refundUnapplied'>;
}): Router {
  const router = Router();
  const providerIds = deps.availability.providerIds;
  const registered = new Set(providerIds);
  const command = paymentSettingsCommand(providerIds);

  async function show(
    req: Request,
    res: Response,
    form: { errors?: FieldErrors; values?: Record<string, unknown>; keyErrors?: FieldErrors; connection?: StripeConnection } = {},
    status = 200,
  ) {
    const { workspace, i18n } = staffContext(res);
    const { t } = i18n;
    const [saved, portal, stripe] = await Promise.all([
      findPaymentSettings(deps.db, workspace.id),
      findSettings(deps.db, workspace.id),
      stripeState(t, workspace.id, workspace.slug),
    ]);
    // A stored provider this instance does not have (e.g. 'demo' in production) is shown as what
    // it is in force: none.
    const savedProvider = registered.has(saved.onlineProvider) ? saved.onlineProvider : NO_ONLINE_PROVIDER;
    const values = {
      bankTransferInstructions:
        typeof form.values?.bankTransferInstructions === 'string'
          ? form.values.bankTransferInstructions
          : (saved.bankTransferInstructions ?? ''),
      onlineProvider: typeof form.values?.onlineProvider === 'string' ? form.values.onlineProvider : savedProvider,
      autopayAllowed: form.values ? form.values.autopayAllowed === 'on' : saved.autopayAllowed,
      autopayRetryDays:
        typeof form.values?.autopayRetryDays === 'string' ? form.values.autopayRetryDays : saved.autopayRetryDays.join(', '),
    };
    renderAdminPage(
      req,
      res,
      'admin/payments',
      t('payments:staff.title'),
      {
        values,
        errors: form.errors ?? {},
        saved: (res.locals.query as { saved?: string | null } | undefined)?.saved ?? null,
        stripe: stripe ? { ...stripe, events: stripeEventsFor(saved) } : null,
        keyErrors: form.keyErrors ?? {},
        connection: form.connection ? presentConnection(i18n, form.connection) : null,
        onlinePaymentsOn: portal.allowOnlinePayments && portal.showInvoices,
        wayToPay: hasWayToPay(saved, registered),
        providers: providerIds.map((id) => ({ id, label: providerLabel(t, id) })),
        unavailableProvider:
          saved.onlineProvider !== NO_ONLINE_PROVIDER && !registered.has(saved.onlineProvider) && portal.allowOnlinePayments
            ? saved.onlineProvider
            : null,
      },
      status,
    );
  }

  /** What the admin sees of Stripe: where the keys in force come from, the saved key's hint, the webhook URL. */
  async function stripeState(t: Translate, workspaceId: string, slug: string) {
    if (!deps.stripe) return null;
    // One read: the workspace's own keys (with their hint) come first among the keys in force.
    const inForce = await deps.stripe.keys(workspaceId);
    const unreadable = isUnreadable(inForce);
    return {
      source: inForce ? t(`payments:staff.stripe.source.${inForce.source}`) : null,
      // Saved but not opened by any secret this instance knows: online payments are stopped.
      unreadable,
      webhookReady: unreadable || Boolean(inForce && !unreadable && inForce.webhookSecret),
      hint: inForce?.source === 'workspace' ? (inForce.hint ?? null) : null,
      callbackUrl: deps.callbackUrl(slug),
    };
  }

  router.get('/payments', validateQuery(SavedQuery), (req, res) => show(req, res));
  router.post(
    '/payments',
    validateBody(command, (req, res, errors) => show(req, res, { errors, values: req.body as Record<string, unknown> }, 400)),
    async (req: Request, res: Response) => {
      const { workspace, staff, base } = staffContext(res);
      await savePaymentSettings(deps.db, workspace.id, req.body as PaymentSettingsInput, staff.id);
      // The pay button and routes depend on these settings too (availability.ts): every instance reloads them.
      await deps.workspaces.changed(workspace.id);
      res.redirect(303, `${base}/payments?saved=1`);
    },
  );
  router.get(UNAPPLIED_PAYMENTS_PATH, validateQuery(UnappliedQuery), async (req: Request, res: Response) => {
    const { workspace, i18n } = staffContext(res);
    const rows = await deps.payments.unapplied(workspace.id);
    const outcome = (res.locals.query as z.infer<typeof UnappliedQuery> | undefined)?.refund ?? null;
    renderAdminPage(req, res, 'admin/unapplied-payments', i18n.t('payments:staff.unapplied.title'), {
      items: presentUnappliedPayments(i18n, staffContext(res).base, rows),
      outcome: outcome ? i18n.t(`payments:staff.unapplied.outcome.${outcome}`) : null,
    });
  });
  router.post(`${UNAPPLIED_PAYMENTS_PATH}/:id/refund`, async (req: Request, res: Response) => {
    const { workspace, staff, base } = staffContext(res);
    const id = parseParam(z.uuid(), req.params.id);
    const result = await deps.payments.refundUnapplied(workspace.id, id, { id: staff.id }, requestMeta(req));
    if (result === 'not_found') throw notFound();
    res.redirect(303, `${base}${UNAPPLIED_PAYMENTS_PATH}?refund=${result}`);
  });
  if (deps.stripe) {
    const stripe = deps.stripe;
    router.post(
      '/payments/stripe-keys',
      validateBody(StripeKeysCommand, (req, res, errors) => show(req, res, { keyErrors: errors }, 400)),
      async (req: Request, res: Response) => {
        const { workspace, staff, base } = staffContext(res);
        const input = req.body as z.infer<typeof StripeKeysCommand>;
        await stripe.store.save(workspace.id, { secretKey: input.stripeSecretKey, webhookSecret: input.stripeWebhookSecret }, staff.id);
        res.redirect(303, `${base}/payments?saved=keys`);
      },
    );
    router.post('/payments/stripe-keys/remove', async (_req: Request, res: Response) => {
      const { workspace, staff, base } = staffContext(res);
      await stripe.store.remove(workspace.id, staff.id);
      res.redirect(303, `${base}/payments?saved=keys-removed`);
    });
    // Changes nothing (it only asks Stripe), so it answers with the page and what Stripe said.
    router.post('/payments/stripe-test', async (req: Request, res: Response) => {
      const { workspace, i18n } = staffContext(res);
      const keys = await stripe.keys(workspace.id);
      const connection: StripeConnection = isUnreadable(keys)
        ? { ok: false, error: i18n.t('payments:staff.stripe.unreadableShort') }
        : keys
          ? await stripe.provider.testConnection(
              keys.secretKey,
              deps.callbackUrl(workspace.slug),
              stripeEventsFor(await findPaymentSettings(deps.db, workspace.id)),
            )
          : { ok: false, error: i18n.t('payments:staff.stripe.noSecretKey') };
      await show(req, res, { connection });
    });
  }
  return router;
}

/** Stripe's answer in words: the mode and the available balance, or why it refused. */
function presentConnection({ t, fmt }: Pick<RequestI18n, 't' | 'fmt'>, connection: StripeConnection) {
  if (!connection.ok)
    return {
      ok: false,
      text: t('payments:staff.stripe.refused', { error: connection.error ?? t('payments:staff.stripe.noAnswer') }),
    };
  const balances = (connection.available ?? []).map((entry) => fmt.money(entry.amountCents, entry.currency)).join(', ');
  const connected = t('payments:staff.stripe.connected', {
    mode: t(`payments:staff.stripe.mode.${connection.mode === 'live' ? 'live' : 'test'}`),
    balance: balances || t('payments:staff.stripe.noBalance'),
  });
  const { webhook } = connection;
  if (!webhook) return { ok: true, text: connected };
  // Connected, but Stripe sends the portal nothing (or not every event): no payment would be recorded.
  const said = !webhook.found
    ? t('payments:staff.stripe.webhookMissing')
    : webhook.missing.length > 0
      ? t('payments:staff.stripe.webhookLacks', { events: webhook.missing.join(', ') })
      : t('payments:staff.stripe.webhookFound');
  return { ok: webhook.found && webhook.missing.length === 0, text: `${connected} ${said}` };
}
