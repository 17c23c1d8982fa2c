// Paying invoices: the pay page and its forms, paying several from the list (online, or by one
// bank transfer on its own page), and the demo provider's hosted checkout. All but the list's form belong to one client's invoice (or checkout); all vanish
// with invoices or online payments off.
// (The providers' callbacks are not client routes: they have no session and are tested in
// src/features/invoices/test/payments.test.ts.)
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { demoWorkspaceId } from '../support/demo-records.ts';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

/** An open invoice of the client with this contact email, with a balance, in workspace demo. */
export async function openInvoiceOf(db: Knex, email: string): Promise<{ id: string; workspaceId: string; clientId: string }> {
  const workspaceId = await demoWorkspaceId(db);
  const row = await db('invoices as i')
    .join('contacts as c', function joinContact() {
      this.on('c.client_id', '=', 'i.client_id').andOn('c.workspace_id', '=', 'i.workspace_id');
    })
    .where({ 'i.workspace_id': workspaceId, 'c.workspace_id': workspaceId, 'c.email': email })
    .whereIn('i.status', ['sent', 'overdue'])
    .whereRaw(
      '(select coalesce(sum(li.quantity * li.unit_price_cents), 0) from invoice_items li where li.workspace_id = ? and li.invoice_id = i.id) > (select coalesce(sum(p.amount_cents), 0) from payments p where p.workspace_id = ? and p.invoice_id = i.id) + 100',
      [workspaceId, workspaceId],
    )
    .orderBy('i.id')
    .first<{ id: number; workspace_id: number; client_id: number } | undefined>(['i.id', 'i.workspace_id', 'i.client_id']);
  if (!row) throw new Error(`no open invoice with a balance for ${email}`);
  return { id: String(row.id), workspaceId: String(row.workspace_id), clientId: String(row.client_id) };
}

async function pendingCheckout({ h, owner }: MatrixWorld): Promise<string> {
  const invoice = await openInvoiceOf(h.crm.db, owner.email);
  const user = await h.crm.db('client_users').where({ workspace_id: invoice.workspaceId, client_id: invoice.clientId }).first('id');
  const id = randomUUID();
  await h.crm.db('client_payments').insert({
    id,
    checkout_id: id,
    workspace_id: invoice.workspaceId,
    client_id: invoice.clientId,
    client_user_id: user.id,
    invoice_id: invoice.id,
    invoice_number: 'matrix',
    provider: 'demo',
    amount_cents: 100,
    currency: 'USD',
  });
  return id;
}

async function withBankTransfer({ h, owner }: MatrixWorld): Promise<string> {
  const invoice = await openInvoiceOf(h.crm.db, owner.email);
  await h.crm
    .db('portal_payment_settings')
    .insert({ workspace_id: invoice.workspaceId, bank_transfer_instructions: 'IBAN DE00 0000 0000 0000' })
    .onConflict('workspace_id')
    .merge();
  return invoice.id;
}

const switches: MatrixRoute['switches'] = ['showInvoices', 'allowOnlinePayments'];
/** The pay page and the transfer report stand wherever invoices do: a bank transfer needs no online payments. */
const bankTransferSwitches: MatrixRoute['switches'] = ['showInvoices'];

export const routes: MatrixRoute[] = [
  {
    method: 'GET',
    path: '/invoices/:id/pay',
    url: async ({ h, owner }) => `/invoices/${(await openInvoiceOf(h.crm.db, owner.email)).id}/pay`,
    ownedByClient: true,
    switches: bankTransferSwitches,
  },
  {
    method: 'POST',
    path: '/invoices/:id/pay',
    url: async ({ h, owner }) => `/invoices/${(await openInvoiceOf(h.crm.db, owner.email)).id}/pay`,
    form: { choice: 'full' },
    ownedByClient: true,
    switches,
    ownerStatus: [303],
  },
  {
    // Invoices chosen on the list, paid at once: another client's invoice is refused on their own
    // list as not found (400, pay-several.test.ts), so the route belongs to no one client.
    method: 'POST',
    path: '/invoices/pay',
    url: () => '/invoices/pay',
    formFor: async ({ h, owner }) => ({ invoice: (await openInvoiceOf(h.crm.db, owner.email)).id }),
    ownedByClient: false,
    switches,
    ownerStatus: [303],
  },
  {
    method: 'POST',
    path: '/invoices/:id/pay/transfer',
    url: async (world) => `/invoices/${await withBankTransfer(world)}/pay/transfer`,
    form: { reference: 'matrix' },
    ownedByClient: true,
    switches: bankTransferSwitches,
    ownerStatus: [303],
  },
  {
    // The list's choice paid by one bank transfer: on to its page (another client's invoice is
    // refused on their own list as not found, as paying several online).
    method: 'POST',
    path: '/invoices/pay/transfer',
    url: () => '/invoices/pay/transfer',
    formFor: async ({ h, owner }) => ({ invoice: (await openInvoiceOf(h.crm.db, owner.email)).id }),
    ownedByClient: false,
    switches: bankTransferSwitches,
    ownerStatus: [303],
  },
  {
    method: 'GET',
    path: '/invoices/pay/transfer',
    url: async ({ h, owner }) => `/invoices/pay/transfer?invoice=${(await openInvoiceOf(h.crm.db, owner.email)).id}`,
    ownedByClient: true,
    switches: bankTransferSwitches,
  },
  {
    method: 'POST',
    path: '/invoices/pay/transfer/report',
    url: () => '/invoices/pay/transfer/report',
    formFor: async ({ h, owner }) => ({ invoice: (await openInvoiceOf(h.crm.db, owner.email)).id, reference: 'matrix' }),
    ownedByClient: true,
    switches: bankTransferSwitches,
    ownerStatus: [303],
  },
  {
    method: 'GET',
    path: '/payments/demo/:paymentId',
    url: async (world) => `/payments/demo/${await pendingCheckout(world)}`,
    ownedByClient: true,
    switches,
  },
  {
    method: 'POST',
    path: '/payments/demo/:paymentId',
    url: async (world) => `/payments/demo/${await pendingCheckout(world)}`,
    form: { action: 'cancel' },
    ownedByClient: true,
    switches,
    ownerStatus: [303],
  },
];
