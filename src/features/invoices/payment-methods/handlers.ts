// Handlers of the payment methods page: list, save (off to the provider's page), default, remove,
// autopay on and off, and the demo provider's page for saving a method. Every form answers 303
// (post/redirect/get) or, when its input is wrong, the page again with every error.
import type { Request, Response } from 'express';
import {
  type FieldErrors,
  notFound,
  type PortalConfig,
  parseParam,
  portalContext,
  portalI18n,
  renderPortalPage,
  requestMeta,
  signedInClient,
} from '../../../core/index.ts';
import type { InvoicesPort } from '../port.ts';
import type { DemoProvider } from '../payments/demo-provider.ts';
import { payingClientOf, type PaymentService } from '../payments/service.ts';
import { MethodIdParam, PaymentMethodsQuery, SetupIdParam, type AutopayInput } from './commands.ts';
import { autopayConsentText, presentPaymentMethodsPage } from './presenters.ts';
import type { PaymentMethodsService } from './service.ts';

export function createPaymentMethodHandlers(deps: {
  methods: PaymentMethodsService;
  /** The host's invoices: the page names the next ones of its recurring invoices, where it keeps them. */
  invoices: Pick<InvoicesPort, 'upcoming'>;
  payments: Pick<PaymentService, 'handleCallback'>;
  demo: DemoProvider | null;
  config: Pick<PortalConfig, 'appUrl'>;
  now: () => Date;
}) {
  const { methods } = deps;

  /** The workspace saves methods (autopay allowed, a provider that saves): its payment settings and that provider; 404 otherwise. */
  async function offered(res: Response) {
    const settings = await methods.settings(portalContext(res).workspace.id);
    const provider = methods.savingProvider(settings);
    if (!provider) throw notFound();
    return { settings, provider };
  }

  async function showPage(req: Request, res: Response, form: { errors?: FieldErrors; values?: Record<string, string> } = {}, status = 200) {
    const { settings } = await offered(res);
    const client = payingClientOf(res);
    const i18n = portalI18n(res);
    const { base, workspace } = portalContext(res);
    const query = PaymentMethodsQuery.parse(req.query);
    const [state, setup, upcoming] = await Promise.all([
      methods.page(client),
      query.setup ? methods.setup(client, query.setup) : null,
      deps.invoices.upcoming ? deps.invoices.upcoming(client.workspaceId, client.clientId) : [],
    ]);
    renderPortalPage(
      req,
      res,
      'payment-methods/index',
      i18n.t('payments:methods.title'),
      presentPaymentMethodsPage(i18n, {
        base,
        workspaceName: workspace.name,
        state,
        setup,
        upcoming,
        sepaNoticeDays: settings.sepaNoticeDays,
        done: query.done ?? null,
        errors: Object.fromEntries(
          Object.entries(form.errors ?? {}).map(([field, key]) => [field, key.startsWith('payments:') ? i18n.t(key) : key]),
        ),
        values: form.values ?? {},
      }),
      status,
    );
  }

  return {
    demoRegistered: deps.demo !== null,

    page: (req: Request, res: Response) => showPage(req, res),

    add: async (req: Request, res: Response) => {
      const { provider } = await offered(res);
      const { base } = portalContext(res);
      const i18n = portalI18n(res);
      const result = await methods.startSetup(payingClientOf(res), provider, {
        portalBase: base,
        returnUrl: `${base}/payment-methods`,
        locale: i18n.locale,
        customerName: signedInClient(res).contact.clientName,
        currency: 'EUR',
        appUrl: deps.config.appUrl,
      });
      if ('error' in result) {
        if (result.error === 'not_offered') throw notFound();
        return showPage(req, res, { errors: { add: 'payments:errors.providerUnavailable' } }, 503);
      }
      res.redirect(303, result.redirectUrl);
    },

    makeDefault: async (req: Request, res: Response) => {
      await offered(res);
      const id = parseParam(MethodIdParam, req.params.id);
      if ((await methods.setDefault(payingClientOf(res), id, requestMeta(req))) === 'not_found') throw notFound();
      res.redirect(303, `${portalContext(res).base}/payment-methods?done=default`);
    },

    remove: async (req: Request, res: Response) => {
      await offered(res);
      const id = parseParam(MethodIdParam, req.params.id);
      const result = await methods.remove(payingClientOf(res), id, requestMeta(req));
      if (result === 'not_found') throw notFound();
      if (result === 'provider_unavailable') return showPage(req, res, { errors: { methods: 'payments:errors.providerUnavailable' } }, 503);
      res.redirect(303, `${portalContext(res).base}/payment-methods?done=removed`);
    },

    invalidAutopay: (req: Request, res: Response, errors: FieldErrors) =>
      showPage(req, res, { errors, values: { chargeOn: typeof req.body?.chargeOn === 'string' ? req.body.chargeOn : '' } }, 400),

    autopay: async (req: Request, res: Response) => {
      await offered(res);
      const input = req.body as AutopayInput;
      const client = payingClientOf(res);
      const { base, workspace } = portalContext(res);
      if (input.action === 'off') {
        await methods.switchOff(client, requestMeta(req));
        return res.redirect(303, `${base}/payment-methods?done=autopay_off`);
      }
      const i18n = portalI18n(res);
      const result = await methods.switchOn(
        client,
        { chargeOn: input.chargeOn, consentText: autopayConsentText(i18n, workspace.name, input.chargeOn) },
        requestMeta(req),
      );
      if (result === 'no_method') return showPage(req, res, { errors: { consent: 'payments:methods.errors.noMethod' } }, 409);
      res.redirect(303, `${base}/payment-methods?done=autopay_on`);
    },

    demoSetup: async (req: Request, res: Response) => {
      if (!deps.demo) throw notFound();
      const setup = await methods.setup(payingClientOf(res), parseParam(SetupIdParam, req.params.setupId));
      if (!setup || setup.provider !== deps.demo.id) throw notFound();
      const i18n = portalI18n(res);
      renderPortalPage(req, res, 'payment-methods/demo-setup', i18n.t('payments:methods.demo.title'), {
        setupId: setup.id,
        open: setup.status === 'open',
        choices: [
          { value: 'card', label: i18n.t('payments:methods.demo.card') },
          { value: 'declining_card', label: i18n.t('payments:methods.demo.declining_card') },
          { value: 'sepa_debit', label: i18n.t('payments:methods.demo.sepa_debit') },
        ],
        base: portalContext(res).base,
      });
    },

    demoSetupConfirm: async (req: Request, res: Response) => {
      const demo = deps.demo;
      if (!demo) throw notFound();
      const { workspace, base } = portalContext(res);
      const client = payingClientOf(res);
      const setup = await methods.setup(client, parseParam(SetupIdParam, req.params.setupId));
      if (!setup || setup.provider !== demo.id) throw notFound();
      const body = req.body as { action: 'save'; method: 'card' | 'declining_card' | 'sepa_debit' } | { action: 'cancel' };
      if (setup.status === 'open') {
        // What the demo provider does once the person confirmed: it signs and sends its event,
        // through the same handler as an event arriving over HTTP.
        const at = deps.now();
        const signed = demo.signedCallback(
          workspace.id,
          {
            id: `evt_setup_${setup.id}`,
            type: body.action === 'save' ? 'setup.succeeded' : 'setup.cancelled',
            setup: {
              id: setup.id,
              customer: setup.customer_id ?? `demo_cus_${setup.id}`,
              method: body.action === 'save' ? body.method : null,
              accepted_at: at.toISOString(),
            },
          },
          at,
        );
        await deps.payments.handleCallback(
          workspace.id,
          demo.id,
          { rawBody: signed.rawBody, header: (name) => (name.toLowerCase() === 'demo-signature' ? signed.signature : undefined) },
          requestMeta(req),
        );
      }
      res.redirect(303, `${base}/payment-methods?setup=${setup.id}`);
    },
  };
}

export type PaymentMethodHandlers = ReturnType<typeof createPaymentMethodHandlers>;
