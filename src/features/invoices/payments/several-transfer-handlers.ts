// Paying several invoices by one bank transfer: the page that shows the chosen invoices, their
// total, the one account and the reference covering them all (with its EPC QR code), and the
// "I have paid" report it carries. The invoices are chosen on the list (its form posts to
// /invoices/pay/transfer, which checks them and sends the person here: a form's CSRF token never
// lands in a URL). Every answer comes from reading the invoices again: the page's address may be
// kept, and they may have been paid meanwhile.
import type { Request, Response } from 'express';
import { type FieldErrors, portalContext, portalI18n, renderPortalPage, requestMeta } from '../../../core/index.ts';
import { ChosenInvoices, type ReportSeveralTransferInput, type SeveralTransferInput } from '../commands.ts';
import { translateErrors } from './handlers.ts';
import { presentSeveralTransferPage, severalTransferRefusal } from './bank-transfer-view.ts';
import { payingClientOf, type PaymentService } from './service.ts';

/** The page's address for these invoices, `reported` once the person said they paid. */
export function severalTransferHref(base: string, invoiceIds: readonly string[], reported = false): string {
  const query = new URLSearchParams(invoiceIds.map((id) => ['invoice', id]));
  if (reported) query.set('reported', '1');
  return `${base}/invoices/pay/transfer?${query}`;
}

export function createSeveralTransferHandlers(deps: { payments: PaymentService }) {
  const { payments } = deps;

  async function showPage(
    req: Request,
    res: Response,
    invoiceIds: readonly string[],
    form: { reported?: boolean; reference?: string; errors?: FieldErrors } = {},
    status = 200,
  ) {
    const { base } = portalContext(res);
    const i18n = portalI18n(res);
    const transfer = await payments.severalTransfer(payingClientOf(res), invoiceIds);
    const refused = 'error' in transfer;
    renderPortalPage(
      req,
      res,
      'payments/several-transfer',
      i18n.t('payments:severalTransfer.title', { count: invoiceIds.length }),
      {
        page: refused ? null : await presentSeveralTransferPage(i18n, base, transfer),
        refusal: refused ? severalTransferRefusal(i18n, transfer) : null,
        invoicesHref: `${base}/invoices`,
        reported: form.reported === true,
        values: { reference: form.reference ?? '' },
        transferErrors: translateErrors(i18n.t, form.errors ?? {}),
      },
      // A choice that no longer holds (an invoice paid meanwhile) is the person's to change.
      refused ? (transfer.error === 'not_payable' && transfer.number === null ? 404 : 409) : status,
    );
  }

  return {
    page: (req: Request, res: Response) => {
      const query = res.locals.query as SeveralTransferInput;
      return showPage(req, res, query.invoice, { reported: query.reported });
    },

    report: async (req: Request, res: Response) => {
      const { base } = portalContext(res);
      const input = req.body as ReportSeveralTransferInput;
      const result = await payments.reportSeveralTransfer(payingClientOf(res), input.invoice, input, requestMeta(req));
      if (result !== 'reported') return showPage(req, res, input.invoice);
      res.redirect(303, severalTransferHref(base, input.invoice, true));
    },

    invalidReport: (req: Request, res: Response, errors: FieldErrors) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const chosen = ChosenInvoices.safeParse(body.invoice);
      // Without the invoices it names, the report has no page to come back to: the list says it.
      if (!chosen.success) return res.redirect(303, `${portalContext(res).base}/invoices`);
      return showPage(req, res, chosen.data, { errors, reference: typeof body.reference === 'string' ? body.reference : '' }, 400);
    },
  };
}

export type SeveralTransferHandlers = ReturnType<typeof createSeveralTransferHandlers>;
