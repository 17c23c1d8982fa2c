// The admin's payment settings, inside the admin router (staff → workspace → flag → admin policy →
// CSRF): the bank transfer instructions clients see and the online provider they are sent to.
// Only providers registered on this instance are offered: the demo one (no money moves) exists
// only where the host enabled it, so in production the list is the host's real providers.
import { Router, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { staffContext } from '../../../core/staff/staff-context.ts';
import { renderAdminPage } from '../../../core/staff/admin-page.ts';
import { findSettings } from '../../../core/settings/queries.ts';
import { validateBody, validateQuery, type FieldErrors } from '../../../core/web/validate.ts';
import type { WorkspaceCache } from '../../../core/workspaces/workspace-cache.ts';
import { hasWayToPay, NO_ONLINE_PROVIDER, type PaymentAvailability } from './availability.ts';
import { findPaymentSettings, savePaymentSettings } from './queries.ts';

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
  });
}

type PaymentSettingsInput = z.infer<ReturnType<typeof paymentSettingsCommand>>;

/** What the admin sees for a provider: the demo one says that it takes no money. */
const providerLabel = (id: string) => (id === 'demo' ? 'Demo provider (no money moves: for trying the portal only)' : id);

const SavedQuery = z.object({
  saved: z
    .unknown()
    .optional()
    .transform((value) => value === '1'),
});

export function paymentSettingsRoutes(deps: {
  db: Knex;
  workspaces: Pick<WorkspaceCache, 'changed'>;
  availability: Pick<PaymentAvailability, 'providerIds'>;
}): Router {
  const router = Router();
  const providerIds = deps.availability.providerIds;
  const registered = new Set(providerIds);
  const command = paymentSettingsCommand(providerIds);

  async function show(req: Request, res: Response, form: { errors?: FieldErrors; values?: Record<string, unknown> } = {}, status = 200) {
    const { workspace } = staffContext(res);
    const [saved, portal] = await Promise.all([findPaymentSettings(deps.db, workspace.id), findSettings(deps.db, workspace.id)]);
    // A stored provider this instance does not have (e.g. 'demo' in production) is shown as what
    // it is in force: none.
    const savedProvider = registered.has(saved.onlineProvider) ? saved.onlineProvider : NO_ONLINE_PROVIDER;
    const values = {
      bankTransferInstructions:
        typeof form.values?.bankTransferInstructions === 'string'
          ? form.values.bankTransferInstructions
          : (saved.bankTransferInstructions ?? ''),
      onlineProvider: typeof form.values?.onlineProvider === 'string' ? form.values.onlineProvider : savedProvider,
    };
    renderAdminPage(
      req,
      res,
      'admin/payments',
      'Payments',
      {
        values,
        errors: form.errors ?? {},
        saved: (res.locals.query as { saved?: boolean } | undefined)?.saved ?? false,
        onlinePaymentsOn: portal.allowOnlinePayments && portal.showInvoices,
        wayToPay: hasWayToPay(saved, registered),
        providers: providerIds.map((id) => ({ id, label: providerLabel(id) })),
        unavailableProvider:
          saved.onlineProvider !== NO_ONLINE_PROVIDER && !registered.has(saved.onlineProvider) && portal.allowOnlinePayments
            ? saved.onlineProvider
            : null,
      },
      status,
    );
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
  return router;
}
