// Paying invoices where the demo provider is not registered (production, unless the operator sets
// PAYMENTS_DEMO_PROVIDER=on), over HTTP against the reference CRM: the admin's payments page offers
// no provider that cannot take money (Stripe, built in, and none); "Allow online payments"
// cannot be switched on without a way to pay (refused with a clear message, nothing saved); a
// workspace whose stored setting still names the demo provider behaves as online payments off (the
// pay page offers the bank transfer only; paying online, the demo checkout and its callback answer
// 404, nothing recorded);
// bank transfer instructions alone still let clients report a transfer.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createDemoProvider } from '../payments/demo-provider.ts';
import { SECTION_SWITCHES } from '../../../core/index.ts';
import {
  csrfFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
} from '../../../../test/support/portal-harness.ts';
import { openInvoiceOf } from '../../../../test/route-matrix/payments.routes.ts';

type Agent = ReturnType<PortalHarness['agent']>;
const SECRET = 'test-secret-'.padEnd(48, 'x');

describe('paying invoices without the demo provider registered', function () {
  this.timeout(60_000);
  let h: PortalHarness;
  let client: Agent;
  let staff: Agent;
  let invoice: { id: string; workspaceId: string; clientId: string };

  const settingsForm = (csrf: string, onlinePayments: boolean) => {
    const form: Record<string, string> = { _csrf: csrf, loginWithCode: 'on', loginWithPassword: 'on' };
    for (const s of SECTION_SWITCHES) if (onlinePayments || s.key !== 'allowOnlinePayments') form[s.key] = 'on';
    return form;
  };
  const storedSwitch = async () =>
    (await h.crm.db('workspace_client_portal_settings').where({ workspace_id: invoice.workspaceId }).first('allow_online_payments'))
      ?.allow_online_payments ?? false;
  const paidCents = async () => (await h.crm.adapter.invoices!.find(invoice.workspaceId, invoice.clientId, invoice.id))!.paidCents;

  before(async function () {
    h = await startPortalHarness({ boot: { demoPaymentProvider: false } });
    const maria = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    client = await signedInAgent(h.agent(), 'demo', maria);
    invoice = await openInvoiceOf(h.crm.db, maria.email);
    staff = await signedInStaffAgent(h, 'demo');
  });

  after(async function () {
    await h?.close();
  });

  it('shows the admin no demo provider, and says that no online payment provider is configured', async function () {
    const page = await staff.get('/settings/client-portal/payments').expect(200);
    expect(page.text).to.not.include('Demo provider');
    expect(page.text).to.not.match(/<option value="demo"/);
    // Stripe is built in: the one online provider offered where the demo one does not exist.
    expect([...page.text.matchAll(/<option value="([a-z]+)"/g)].map((m) => m[1])).to.deep.equal(['stripe', 'none']);
    const refused = await staff
      .post('/settings/client-portal/payments')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), bankTransferInstructions: '', onlineProvider: 'demo' })
      .expect(400);
    expect(refused.text).to.include('Choose an online payment provider from the list.');
  });

  it('refuses to switch online payments on without a provider or bank transfer instructions, saving nothing', async function () {
    const page = await staff.get('/settings/client-portal').expect(200);
    const refused = await staff
      .post('/settings/client-portal')
      .type('form')
      .send(settingsForm(csrfFrom(page.text), true))
      .expect(400);
    expect(refused.text).to.include('Online payments cannot be switched on');
    expect(await storedSwitch()).to.equal(false);
  });

  it('treats a stored setting naming the demo provider as online payments off: the transfer only, every online route 404, nothing recorded', async function () {
    // As a workspace set up before the demo provider was switched off looks: its switch on, its
    // provider (the column's default) 'demo'.
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: invoice.workspaceId, allow_online_payments: true, show_invoices: true })
      .onConflict('workspace_id')
      .merge(['allow_online_payments', 'show_invoices']);
    await h.crm.db('portal_payment_settings').where({ workspace_id: invoice.workspaceId }).delete();
    await h.crm.portal.workspaceChanged(invoice.workspaceId);
    const before = await paidCents();

    // The demo invoice carries the agency's bank details: its pay page offers the transfer only.
    const shown = await client.get(`/portal/demo/invoices/${invoice.id}`).expect(200);
    const pay = await client.get(`/portal/demo/invoices/${invoice.id}/pay`).expect(200);
    expect(pay.text).to.include('Pay by bank transfer').and.not.include('name="choice"');
    const csrf = csrfFrom(shown.text);
    await client.post(`/portal/demo/invoices/${invoice.id}/pay`).type('form').send({ _csrf: csrf, choice: 'full' }).expect(404);

    // A checkout row as one started while the demo provider still existed: its page and its "pay" are gone.
    const user = await h.crm.db('client_users').where({ workspace_id: invoice.workspaceId, client_id: invoice.clientId }).first('id');
    const paymentId = randomUUID();
    await h.crm.db('client_payments').insert({
      id: paymentId,
      checkout_id: paymentId,
      workspace_id: invoice.workspaceId,
      client_id: invoice.clientId,
      client_user_id: user.id,
      invoice_id: invoice.id,
      invoice_number: 'stale',
      provider: 'demo',
      amount_cents: 100,
      currency: 'USD',
    });
    await client.get(`/portal/demo/payments/demo/${paymentId}`).expect(404);
    await client.post(`/portal/demo/payments/demo/${paymentId}`).type('form').send({ _csrf: csrf, action: 'pay' }).expect(404);

    // A callback signed exactly as the demo provider would sign it.
    const signed = createDemoProvider({ secret: SECRET }).signedCallback(
      invoice.workspaceId,
      {
        id: `evt_${paymentId}`,
        type: 'payment.succeeded',
        payment: { id: paymentId, amount_cents: 100, currency: 'USD', paid_at: new Date().toISOString() },
      },
      new Date(),
    );
    await h
      .agent()
      .post('/portal/demo/payments/callback/demo')
      .set('Demo-Signature', signed.signature)
      .set('Content-Type', 'application/json')
      .send(signed.rawBody.toString())
      .expect(404);

    expect(await paidCents()).to.equal(before);
    expect((await h.crm.db('client_payments').where({ id: paymentId }).first('status')).status).to.equal('pending');
    expect(await h.crm.db('client_payment_callbacks').where({ payment_id: paymentId })).to.have.length(0);
  });

  it('still lets clients report a bank transfer when the admin chose "none" and gave instructions', async function () {
    const payments = await staff.get('/settings/client-portal/payments').expect(200);
    await staff
      .post('/settings/client-portal/payments')
      .type('form')
      .send({ _csrf: csrfFrom(payments.text), bankTransferInstructions: 'IBAN DE89 3704 0044 0532 0130 00', onlineProvider: 'none' })
      .expect(303);
    const page = await staff.get('/settings/client-portal').expect(200);
    await staff
      .post('/settings/client-portal')
      .type('form')
      .send(settingsForm(csrfFrom(page.text), true))
      .expect(303);
    expect(await storedSwitch()).to.equal(true);

    const pay = await client.get(`/portal/demo/invoices/${invoice.id}/pay`).expect(200);
    expect(pay.text).to.include('IBAN DE89 3704 0044 0532 0130 00');
    expect(pay.text).to.not.include('name="choice"');
    await client
      .post(`/portal/demo/invoices/${invoice.id}/pay`)
      .type('form')
      .send({ _csrf: csrfFrom(pay.text), choice: 'full' })
      .expect(400);
  });

  it('names, at start-up, a workspace that chose Stripe with no keys anywhere, and what to set', async function () {
    expect(await h.crm.portal.paymentCheck()).to.deep.equal({ refusals: [], warnings: [] });
    await h.crm
      .db('portal_payment_settings')
      .insert({ workspace_id: invoice.workspaceId, online_provider: 'stripe' })
      .onConflict('workspace_id')
      .merge(['online_provider']);
    try {
      expect(await h.crm.portal.paymentCheck()).to.deep.equal({
        refusals: [],
        warnings: [
          `workspace ${invoice.workspaceId} chooses Stripe but has no keys: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or save the workspace's keys on its Payments page; its clients cannot pay by card until then.`,
        ],
      });
    } finally {
      await h.crm.db('portal_payment_settings').where({ workspace_id: invoice.workspaceId }).delete();
    }
  });
});
