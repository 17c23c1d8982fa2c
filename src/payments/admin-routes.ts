// The admin's payment settings, inside the admin router (staff → workspace → flag → admin policy →
// CSRF): the bank transfer instructions clients see and the online provider they are sent to.
import { Router, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { adminContext } from '../admin/admin-context.ts';
import { renderAdminPage } from '../admin/admin-page.ts';
import { findSettings } from '../settings/queries.ts';
import { validateBody, validateQuery, type FieldErrors } from '../web/validate.ts';
import { findPaymentSettings, savePaymentSettings } from './queries.ts';

export const PaymentSettingsCommand = z.object({
  bankTransferInstructions: z
    .string()
    .max(2000, 'Use at most 2000 characters for the bank transfer instructions.')
    .transform((text) => text.replace(/\r\n/g, '\n').trim())
    .transform((text) => (text === '' ? null : text)),
  onlineProvider: z.enum(['demo', 'none'], { error: 'Choose an online payment provider from the list.' }),
});

const SavedQuery = z.object({ saved: z.unknown().optional().transform((value) => value === '1') });

export function paymentSettingsRoutes(deps: { db: Knex }): Router {
  const router = Router();

  async function show(req: Request, res: Response, form: { errors?: FieldErrors; values?: Record<string, unknown> } = {}, status = 200) {
    const { workspace } = adminContext(res);
    const [saved, portal] = await Promise.all([findPaymentSettings(deps.db, workspace.id), findSettings(deps.db, workspace.id)]);
    const values = {
      bankTransferInstructions: typeof form.values?.bankTransferInstructions === 'string' ? form.values.bankTransferInstructions : saved.bankTransferInstructions ?? '',
      onlineProvider: typeof form.values?.onlineProvider === 'string' ? form.values.onlineProvider : saved.onlineProvider,
    };
    renderAdminPage(req, res, 'admin/payments', 'Payments', {
      values,
      errors: form.errors ?? {},
      saved: (res.locals.query as { saved?: boolean } | undefined)?.saved ?? false,
      onlinePaymentsOn: portal.allowOnlinePayments && portal.showInvoices,
    }, status);
  }

  router.get('/payments', validateQuery(SavedQuery), (req, res) => show(req, res));
  router.post(
    '/payments',
    validateBody(PaymentSettingsCommand, (req, res, errors) => show(req, res, { errors, values: req.body as Record<string, unknown> }, 400)),
    async (req: Request, res: Response) => {
      const { workspace, staff, base } = adminContext(res);
      await savePaymentSettings(deps.db, workspace.id, req.body as z.infer<typeof PaymentSettingsCommand>, staff.id);
      res.redirect(303, `${base}/payments?saved=1`);
    },
  );
  return router;
}
