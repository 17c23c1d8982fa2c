// Invoices: list, detail with payments, create with line items, and recording a payment.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { findClient, listClients } from '../../queries/clients.ts';
import { createInvoice, findInvoice, listInvoiceItems, listInvoices, type InvoiceRow } from '../../queries/invoices.ts';
import { PAYMENT_METHODS, listPayments, recordPayment } from '../../queries/payments.ts';
import { listRecurringInvoices } from '../../queries/recurring-invoices.ts';
import { requireStaff, staffOf } from '../auth.ts';
import {
  CURRENCIES,
  choiceField,
  currencyField,
  dateField,
  freeText,
  idField,
  lineItemsField,
  moneyField,
  optionalText,
  parseForm,
  rawLineItems,
  type FieldError,
} from '../forms.ts';
import {
  clientOptions,
  formatMoney,
  paymentMethodOptions,
  presentInvoice,
  presentLineItems,
  presentLineSums,
  presentPayment,
  presentRecurringInvoice,
} from '../presenters.ts';
import { formView, render } from '../render.ts';
import type { CrmPlugin } from '../../crm-plugin.ts';
import { recordLinksFor } from '../plugin-links.ts';
import { tellPlugins } from '../record-changes.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';

const createInvoiceSchema = z
  .object({
    clientId: idField('Choose the client to invoice.'),
    currency: currencyField(),
    issueDate: dateField('Issue date'),
    dueDate: dateField('Due date'),
    notes: freeText('Notes', 5_000),
    status: choiceField(['draft', 'sent'], 'Choose whether to save it as a draft or mark it as sent.'),
    items: lineItemsField,
  })
  .superRefine((invoice, ctx) => {
    if (invoice.dueDate < invoice.issueDate) {
      ctx.addIssue({ code: 'custom', path: ['dueDate'], message: 'The due date must be on or after the issue date.' });
    }
  });

const recordPaymentSchema = z.object({
  amount: moneyField('Amount'),
  method: choiceField(PAYMENT_METHODS, 'Choose how the client paid.'),
  paidOn: dateField('Payment date'),
  reference: optionalText('Reference', 200),
});

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function invoiceRoutes({ db, plugins }: RouteDeps & { plugins?: readonly CrmPlugin[] }): Router {
  const router = Router();

  async function showNewInvoiceForm(res: Response, values: unknown, errors: FieldError[], status = 200) {
    const { workspaceId } = staffOf(res);
    const clients = await listClients(db, { workspaceId });
    const raw = values && typeof values === 'object' ? (values as Record<string, unknown>) : {};
    await render(
      res,
      'invoices/new',
      {
        title: 'New invoice',
        section: 'invoices',
        form: formView({ currency: 'USD', status: 'draft', issueDate: today(), ...raw }, errors),
        clients: clientOptions(clients),
        currencies: CURRENCIES.map((c) => ({ value: c, label: c })),
        itemRows: rawLineItems(raw.items),
      },
      status,
    );
  }

  async function showInvoice(
    res: Response,
    invoice: InvoiceRow,
    paymentValues: unknown = {},
    paymentErrors: FieldError[] = [],
    status = 200,
  ) {
    const { workspaceId } = staffOf(res);
    const [items, payments, pluginLinks] = await Promise.all([
      listInvoiceItems(db, { workspaceId, invoiceId: invoice.id }),
      listPayments(db, { workspaceId, invoiceId: invoice.id }),
      recordLinksFor(plugins, res, { kind: 'invoice', id: invoice.id, clientId: invoice.client_id }),
    ]);
    const raw = paymentValues && typeof paymentValues === 'object' ? (paymentValues as Record<string, unknown>) : {};
    const view = presentInvoice(invoice);
    await render(
      res,
      'invoices/show',
      {
        title: `Invoice ${view.number}`,
        section: 'invoices',
        invoice: view,
        paymentPath: `/invoices/${invoice.id}/payments`,
        items: presentLineItems(items, invoice.currency),
        sums: presentLineSums(items, invoice.currency),
        payments: payments.map((p) => presentPayment(p, invoice.currency)),
        methods: paymentMethodOptions(),
        pluginLinks,
        form: formView({ method: 'bank_transfer', paidOn: today(), ...raw }, paymentErrors),
      },
      status,
    );
  }

  router.get('/invoices', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const [invoices, recurring] = await Promise.all([listInvoices(db, { workspaceId }), listRecurringInvoices(db, { workspaceId })]);
    await render(res, 'invoices/index', {
      title: 'Invoices',
      section: 'invoices',
      invoices: invoices.map(presentInvoice),
      recurring: recurring.map(presentRecurringInvoice),
    });
  });

  router.get('/invoices/new', requireStaff, async (req, res) => {
    const client = typeof req.query.client === 'string' ? req.query.client : '';
    await showNewInvoiceForm(res, { clientId: client }, []);
  });

  router.post('/invoices', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const parsed = parseForm(createInvoiceSchema, req.body);
    if (!parsed.ok) return showNewInvoiceForm(res, req.body, parsed.errors, 400);
    const client = await findClient(db, { workspaceId, clientId: parsed.data.clientId });
    if (!client) return showNewInvoiceForm(res, req.body, [{ field: 'clientId', message: 'Choose the client to invoice.' }], 400);
    const { id, number } = await createInvoice(db, { workspaceId, ...parsed.data, clientId: client.id });
    if (parsed.data.status === 'sent')
      await tellPlugins(plugins, { workspaceId, clientId: client.id, kind: 'invoice', id, happened: 'issued', number });
    res.redirect(303, `/invoices/${id}`);
  });

  router.get('/invoices/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const invoice = found(await findInvoice(db, { workspaceId, invoiceId: routeId(req.params.id) }));
    await showInvoice(res, invoice);
  });

  router.post('/invoices/:id/payments', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const invoice = found(await findInvoice(db, { workspaceId, invoiceId: routeId(req.params.id) }));
    const parsed = parseForm(recordPaymentSchema, req.body);
    if (!parsed.ok) return showInvoice(res, invoice, req.body, parsed.errors, 400);
    const balance = invoice.total_cents - invoice.paid_cents;
    if (invoice.status === 'draft' || invoice.status === 'void' || balance <= 0) {
      return showInvoice(res, invoice, req.body, [{ field: 'amount', message: 'This invoice has nothing to pay.' }], 400);
    }
    if (parsed.data.amount > balance) {
      const message = `The amount is more than the balance due (${formatMoney(balance, invoice.currency)}).`;
      return showInvoice(res, invoice, req.body, [{ field: 'amount', message }], 400);
    }
    await recordPayment(db, {
      workspaceId,
      invoiceId: invoice.id,
      amountCents: parsed.data.amount,
      method: parsed.data.method,
      reference: parsed.data.reference,
      paidAt: new Date(`${parsed.data.paidOn}T12:00:00Z`),
    });
    // Nothing to tell the client, but what they owe changed: the portal's dashboard reads it again.
    await tellPlugins(plugins, { workspaceId, clientId: invoice.client_id, kind: 'invoice', id: invoice.id });
    res.redirect(303, `/invoices/${invoice.id}`);
  });

  return router;
}
