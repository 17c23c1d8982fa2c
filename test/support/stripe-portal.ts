// The demo workspace set up to take card payments through Stripe: every section on, the payment
// settings' provider 'stripe', Maria García and an admin signed in, and Maria's open invoice.
import { SECTION_SWITCHES } from '../../src/core/settings/portal-settings.ts';
import { openInvoiceOf } from '../route-matrix/payments.routes.ts';
import { csrfFrom, postFormFrom, signedInAgent, signedInStaffAgent, type PortalHarness } from './portal-harness.ts';

type Agent = ReturnType<PortalHarness['agent']>;

export interface StripeOnDemo {
  client: Agent;
  staff: Agent;
  invoice: { id: string; workspaceId: string; clientId: string };
}

export async function chooseStripeOnDemo(h: PortalHarness): Promise<StripeOnDemo> {
  const maria = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
  const client = await signedInAgent(h.agent(), 'demo', maria);
  const invoice = await openInvoiceOf(h.crm.db, maria.email);
  const staff = await signedInStaffAgent(h, 'demo');
  const settings = await staff.get('/settings/client-portal').expect(200);
  const form: Record<string, string> = { _csrf: csrfFrom(settings.text), loginWithCode: 'on', loginWithPassword: 'on' };
  for (const s of SECTION_SWITCHES) form[s.key] = 'on';
  await staff.post('/settings/client-portal').type('form').send(form).expect(303);
  const payments = '/settings/client-portal/payments';
  await postFormFrom(staff, payments, payments, { bankTransferInstructions: '', onlineProvider: 'stripe' }, 303);
  return { client, staff, invoice };
}
