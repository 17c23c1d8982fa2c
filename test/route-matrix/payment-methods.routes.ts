// Saved payment methods and autopay: the page and its forms stand where invoices and online payments
// do and the agency allows autopay; a method and a setup belong to one client company.
import { randomUUID } from 'node:crypto';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';
import { openInvoiceOf } from './payments.routes.ts';

/** The owner's company, with autopay allowed in its workspace (the page is 404 otherwise). */
async function ownersCompany({ h, owner }: MatrixWorld) {
  const invoice = await openInvoiceOf(h.crm.db, owner.email);
  await h.crm
    .db('portal_payment_settings')
    .insert({ workspace_id: invoice.workspaceId, online_provider: 'demo', autopay_allowed: true })
    .onConflict('workspace_id')
    .merge(['online_provider', 'autopay_allowed']);
  const user = await h.crm.db('client_users').where({ workspace_id: invoice.workspaceId, client_id: invoice.clientId }).first('id');
  return { workspaceId: invoice.workspaceId, clientId: invoice.clientId, clientUserId: user.id as string };
}

async function savedMethod(world: MatrixWorld): Promise<string> {
  const company = await ownersCompany(world);
  const id = randomUUID();
  await world.h.crm.db('client_payment_methods').insert({
    workspace_id: company.workspaceId,
    id,
    client_id: company.clientId,
    provider: 'demo',
    customer_id: 'demo_cus_matrix',
    provider_method_id: `demo_pm_${id}:card`,
    kind: 'card',
    brand: 'visa',
    last4: '4242',
  });
  return id;
}

async function openSetup(world: MatrixWorld): Promise<string> {
  const company = await ownersCompany(world);
  const id = randomUUID();
  await world.h.crm.db('client_payment_setups').insert({
    workspace_id: company.workspaceId,
    id,
    client_id: company.clientId,
    client_user_id: company.clientUserId,
    provider: 'demo',
    customer_id: 'demo_cus_matrix',
  });
  return id;
}

const switches: MatrixRoute['switches'] = ['showInvoices', 'allowOnlinePayments'];

export const routes: MatrixRoute[] = [
  {
    method: 'GET',
    path: '/payment-methods',
    url: async (world) => (await ownersCompany(world)) && '/payment-methods',
    ownedByClient: false,
    switches,
  },
  {
    method: 'POST',
    path: '/payment-methods/add',
    url: async (world) => (await ownersCompany(world)) && '/payment-methods/add',
    ownedByClient: false,
    switches,
    ownerStatus: [303],
  },
  {
    method: 'POST',
    path: '/payment-methods/autopay',
    url: async (world) => (await ownersCompany(world)) && '/payment-methods/autopay',
    form: { action: 'off' },
    ownedByClient: false,
    switches,
    ownerStatus: [303],
  },
  {
    method: 'POST',
    path: '/payment-methods/:id/default',
    url: async (world) => `/payment-methods/${await savedMethod(world)}/default`,
    ownedByClient: true,
    switches,
    ownerStatus: [303],
  },
  {
    method: 'POST',
    path: '/payment-methods/:id/remove',
    url: async (world) => `/payment-methods/${await savedMethod(world)}/remove`,
    ownedByClient: true,
    switches,
    ownerStatus: [303],
  },
  {
    method: 'GET',
    path: '/payment-methods/demo/:setupId',
    url: async (world) => `/payment-methods/demo/${await openSetup(world)}`,
    ownedByClient: true,
    switches,
  },
  {
    method: 'POST',
    path: '/payment-methods/demo/:setupId',
    url: async (world) => `/payment-methods/demo/${await openSetup(world)}`,
    form: { action: 'cancel' },
    ownedByClient: true,
    switches,
    ownerStatus: [303],
  },
];
