// What the payment tests start from: Maria García of Northwind in workspace demo, her company,
// online payments switched on or off as the agency's settings page saves them, autopay allowed (as
// an agency's settings would have it), and open invoices made for her company in the reference CRM.
import { SECTION_SWITCHES } from '../../../core/index.ts';
import { createInvoice } from '../../../../plugins/reference-crm/queries/invoices.ts';
import { openInvoiceOf } from '../../../../test/route-matrix/payments.routes.ts';
import { csrfFrom, signedInStaffAgent, type PortalHarness } from '../../../../test/support/portal-harness.ts';

const MARIA = 'maria@northwind.test';

export interface CompanyScope {
  workspaceId: string;
  clientId: string;
}

/** Maria's login and her company. */
export async function mariasCompany(h: PortalHarness) {
  const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === MARIA)!;
  const invoice = await openInvoiceOf(h.crm.db, login.email);
  return { login, scope: { workspaceId: invoice.workspaceId, clientId: invoice.clientId } satisfies CompanyScope };
}

/** Online payments on and autopay allowed (the demo provider, or the one named), told to the running portal. */
export async function allowAutopay(h: PortalHarness, workspaceId: string, provider = 'demo'): Promise<void> {
  await h.crm
    .db('portal_payment_settings')
    .insert({ workspace_id: workspaceId, online_provider: provider, autopay_allowed: true })
    .onConflict('workspace_id')
    .merge(['online_provider', 'autopay_allowed']);
  await h.crm
    .db('workspace_client_portal_settings')
    .insert({ workspace_id: workspaceId, allow_online_payments: true })
    .onConflict('workspace_id')
    .merge(['allow_online_payments']);
  await h.crm.portal.workspaceChanged(workspaceId);
}

/** Every section switch on, online payments among them or not, saved on the agency's settings page of workspace demo. */
export async function saveOnlinePayments(h: PortalHarness, on: boolean): Promise<void> {
  const staff = await signedInStaffAgent(h, 'demo');
  const page = await staff.get('/settings/client-portal').expect(200);
  const form: Record<string, string> = { _csrf: csrfFrom(page.text), loginWithCode: 'on', loginWithPassword: 'on' };
  for (const s of SECTION_SWITCHES) if (on || s.key !== 'allowOnlinePayments') form[s.key] = 'on';
  await staff.post('/settings/client-portal').type('form').send(form).expect(303);
}

/** A new open invoice of the company, one line; issued and due today unless said otherwise. Its id. */
export async function openInvoiceFor(
  h: PortalHarness,
  scope: CompanyScope,
  cents: number,
  dates: { issueDate?: string; dueDate?: string; currency?: string } = {},
): Promise<string> {
  const today = new Date().toISOString().slice(0, 10);
  const created = await createInvoice(h.crm.db, {
    workspaceId: Number(scope.workspaceId),
    clientId: Number(scope.clientId),
    status: 'sent',
    currency: dates.currency ?? 'EUR',
    issueDate: dates.issueDate ?? today,
    dueDate: dates.dueDate ?? today,
    notes: '',
    items: [{ description: 'Monthly retainer', quantity: 1, unitPriceCents: cents }],
  });
  return String(created.id);
}
