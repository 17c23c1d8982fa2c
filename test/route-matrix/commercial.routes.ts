// Proposals, quotations and invoices: the lists (every client has their own), and the record
// pages, PDFs, previews and comment forms of a record of the owner's company (Northwind), which no other
// client may reach. Proposals and quotations go with showProposals, invoices with showInvoices,
// the comment form also with allowComments.
import { demoWorkspaceId } from '../support/demo-records.ts';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

/** The id of the owner's newest visible record of a kind. */
async function ownerRecord(world: MatrixWorld, table: 'proposals' | 'quotations' | 'invoices'): Promise<string> {
  const workspaceId = await demoWorkspaceId(world.h.crm.db);
  const row = await world.h.crm
    .db(`${table} as r`)
    .join('clients as c', (on) => on.on('c.workspace_id', 'r.workspace_id').andOn('c.id', 'r.client_id'))
    .where({ 'r.workspace_id': workspaceId, 'c.workspace_id': workspaceId, 'c.name': 'Northwind Traders' })
    .whereNot('r.status', 'draft')
    .orderBy('r.id', 'desc')
    .first('r.id');
  if (!row) throw new Error(`the seed has no ${table} for Northwind`);
  return String(row.id);
}

function section(name: 'proposals' | 'quotations' | 'invoices', switches: MatrixRoute['switches']): MatrixRoute[] {
  return [
    { method: 'GET', path: `/${name}`, url: () => `/${name}`, ownedByClient: false, switches },
    { method: 'GET', path: `/${name}/:id`, url: async (w) => `/${name}/${await ownerRecord(w, name)}`, ownedByClient: true, switches },
    {
      method: 'GET',
      path: `/${name}/:id.pdf`,
      url: async (w) => `/${name}/${await ownerRecord(w, name)}.pdf`,
      ownedByClient: true,
      switches,
    },
    {
      method: 'GET',
      path: `/${name}/:id/preview`,
      url: async (w) => `/${name}/${await ownerRecord(w, name)}/preview`,
      ownedByClient: true,
      switches,
    },
    {
      method: 'POST',
      path: `/${name}/:id/comments`,
      url: async (w) => `/${name}/${await ownerRecord(w, name)}/comments`,
      form: { body: 'A question from the isolation matrix' },
      ownedByClient: true,
      switches: [...(switches ?? []), 'allowComments'],
    },
  ];
}

/** The owner's newest invoice with a payment, and that payment. */
async function ownerPayment(world: MatrixWorld): Promise<{ invoiceId: string; paymentId: string }> {
  const workspaceId = await demoWorkspaceId(world.h.crm.db);
  const row = await world.h.crm
    .db('payments as p')
    .join('invoices as r', (on) => on.on('r.workspace_id', 'p.workspace_id').andOn('r.id', 'p.invoice_id'))
    .join('clients as c', (on) => on.on('c.workspace_id', 'r.workspace_id').andOn('c.id', 'r.client_id'))
    .where({ 'p.workspace_id': workspaceId, 'r.workspace_id': workspaceId, 'c.workspace_id': workspaceId, 'c.name': 'Northwind Traders' })
    .whereNot('r.status', 'draft')
    .orderBy('p.id', 'desc')
    .first('r.id as invoice_id', 'p.id as payment_id');
  if (!row) throw new Error('the seed has no payment for Northwind');
  return { invoiceId: String(row.invoice_id), paymentId: String(row.payment_id) };
}

export const routes: MatrixRoute[] = [
  ...section('proposals', ['showProposals']),
  ...section('quotations', ['showProposals']),
  ...section('invoices', ['showInvoices']),
  // Each client's own statement: nothing of another client's to ask for.
  {
    method: 'GET',
    path: '/invoices/statement.pdf',
    url: () => '/invoices/statement.pdf',
    ownedByClient: false,
    switches: ['showInvoices'],
  },
  {
    method: 'GET',
    path: '/invoices/:id/receipts/:paymentId.pdf',
    url: async (w) => {
      const { invoiceId, paymentId } = await ownerPayment(w);
      return `/invoices/${invoiceId}/receipts/${paymentId}.pdf`;
    },
    ownedByClient: true,
    switches: ['showInvoices'],
  },
];
